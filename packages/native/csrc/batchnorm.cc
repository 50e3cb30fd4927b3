// FusedBatchNorm (tf.batchNorm, inference form): with per-element parameters taken cyclically, as
// tfjs-backend-cpu does (a parameter of length L applies to flat index i as p[i % L]):
//   out[i] = offset[i] + (x[i] - mean[i]) * scale[i] / sqrt(variance[i] + eps)
// The common case (every parameter of length C, x's last dim) precomputes one multiplier per
// channel: out = (x - mean) * k + offset with k = scale / sqrt(var + eps) in float64.
#include <cmath>

#include "common.h"

namespace dcgan {
namespace {

// batchNorm(x, mean, variance, offset|null, scale|null, eps, out)
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x = f32Arg(info, 0, "x"), mean = f32Arg(info, 1, "mean"), var = f32Arg(info, 2, "variance");
  const bool hasOffset = !info[3].IsNull() && !info[3].IsUndefined();
  const bool hasScale = !info[4].IsNull() && !info[4].IsUndefined();
  F32 offset = hasOffset ? f32Arg(info, 3, "offset") : F32{nullptr, 1};
  F32 scale = hasScale ? f32Arg(info, 4, "scale") : F32{nullptr, 1};
  const double eps = numArg(info, 5, "varianceEpsilon");
  F32 out = f32Out(info, 6, "out");
  require(env, x.size == out.size, "batchNorm: x and out sizes differ");
  require(env, mean.size > 0 && var.size > 0 && offset.size > 0 && scale.size > 0, "batchNorm: empty parameter");
  const int64_t n = static_cast<int64_t>(x.size);
  const int64_t C = static_cast<int64_t>(mean.size);

  if (var.size == mean.size && (!hasOffset || offset.size == mean.size) && (!hasScale || scale.size == mean.size) &&
      n % C == 0) {
    std::vector<float> k(C), m(C), o(C);
    for (int64_t c = 0; c < C; ++c) {
      const double s = hasScale ? scale.data[c] : 1.0;
      k[c] = static_cast<float>(s / std::sqrt(static_cast<double>(var.data[c]) + eps));
      m[c] = mean.data[c];
      o[c] = hasOffset ? offset.data[c] : 0.f;
    }
    const int64_t rows = n / C;
    const float* in = x.data;
    float* dst = out.data;
#pragma omp parallel for schedule(static) if (n > kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const float* xr = in + r * C;
      float* orow = dst + r * C;
      for (int64_t c = 0; c < C; ++c) orow[c] = (xr[c] - m[c]) * k[c] + o[c];
    }
    return env.Undefined();
  }

  // General cyclic form (parameters of different lengths).
#pragma omp parallel for schedule(static) if (n > kParallelGrain)
  for (int64_t i = 0; i < n; ++i) {
    const double s = hasScale ? scale.data[i % scale.size] : 1.0;
    const double off = hasOffset ? offset.data[i % offset.size] : 0.0;
    out.data[i] = static_cast<float>(off + (x.data[i] - mean.data[i % mean.size]) * s /
                                               std::sqrt(static_cast<double>(var.data[i % var.size]) + eps));
  }
  return env.Undefined();
}

}  // namespace

void registerBatchnorm(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNorm", Napi::Function::New(env, guarded<BatchNorm>, "batchNorm"));
}

}  // namespace dcgan
