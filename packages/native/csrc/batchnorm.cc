// Batch norm: FusedBatchNorm (below), and a fused training-mode forward and backward, optionally with the (leaky)
// ReLU after it fused in: forward y = act(bn(x)) in the normalising pass, backward the activation's gradient
// (from its output y, as activation_grad.cc) computed on the fly wherever the batch-norm gradient reads dy. The same
// float arithmetic as the separate kernels, in the same order, so fused and separate give the same bits.
//
// FusedBatchNorm (tf.batchNorm, inference form): with per-element parameters taken cyclically, as
// tfjs-backend-cpu does (a parameter of length L applies to flat index i as p[i % L]):
//   out[i] = offset[i] + (x[i] - mean[i]) * scale[i] / sqrt(variance[i] + eps)
// The common case (every parameter of length C, x's last dim) precomputes one multiplier per
// channel: out = (x - mean) * k + offset with k = scale / sqrt(var + eps) in float64.
#include <algorithm>
#include <cmath>

#include "common.h"

namespace dcgan {
namespace {

// Per-channel sums over the rows of a [rows, C] view, in float64, cut into a FIXED number of row
// blocks merged in order: bit-identical for any thread count. f(r, c) gives the term of row r.
constexpr int64_t kBlocks = 16;

template <typename F>
void channelSums(int64_t rows, int64_t C, int nOut, F f, std::vector<double>* out) {
  const int64_t blocks = std::max<int64_t>(1, std::min<int64_t>(kBlocks, rows * C / 4096));
  const int64_t blockLen = (rows + blocks - 1) / blocks;
  std::vector<double> partial(static_cast<size_t>(blocks * nOut * C), 0.0);
#pragma omp parallel for schedule(static) if (rows * C > kParallelGrain)
  for (int64_t b = 0; b < blocks; ++b) {
    double* acc = partial.data() + b * nOut * C;
    for (int64_t r = b * blockLen; r < std::min(rows, (b + 1) * blockLen); ++r) f(r, acc);
  }
  for (int k = 0; k < nOut; ++k) out[k].assign(static_cast<size_t>(C), 0.0);
  for (int64_t b = 0; b < blocks; ++b) {
    for (int k = 0; k < nOut; ++k) {
      for (int64_t c = 0; c < C; ++c) out[k][c] += partial[(b * nOut + k) * C + c];
    }
  }
}

// The row loops below select with a comparison; GCC vectorises that only when comparisons may not trap (no effect on
// any value: floating-point exceptions are never read here).
#pragma GCC optimize("no-trapping-math")

// The per-row loops, vectorised across the C channels of a row (each channel's sum keeps its order: the same bits as
// a scalar loop), cloned for AVX-512, AVX2 and baseline x86-64 and picked at load time (the addon is built without
// -march, so that it runs on any x86-64). g(i) is the gradient arriving at batch norm's output: dy, or with the
// activation's output y, y > 0 ? dy : dy * alpha (activation_grad.cc's arithmetic).
DCGAN_SIMD_CLONES
void gradSumsRow(const float* xr, const float* dr, const float* yr, float alpha, const double* m, double* sumDy,
                 double* sumDyXc, int64_t C) {
  if (yr == nullptr) {
    for (int64_t c = 0; c < C; ++c) {
      const float g = dr[c];
      sumDy[c] += g;
      sumDyXc[c] += g * (xr[c] - m[c]);
    }
  } else {
    for (int64_t c = 0; c < C; ++c) {
      const float g = dr[c] * (yr[c] > 0.0f ? 1.0f : alpha);  // dy * 1 is dy: the same bits, without a branch
      sumDy[c] += g;
      sumDyXc[c] += g * (xr[c] - m[c]);
    }
  }
}

// dx = a * g + b * (x - mean) + d per channel (float arithmetic, in that order).
DCGAN_SIMD_CLONES
void gradDxRow(const float* xr, const float* dr, const float* yr, float alpha, const float* a, const float* b,
               const float* mf, const float* d, float* o, int64_t C) {
  if (yr == nullptr) {
    for (int64_t c = 0; c < C; ++c) o[c] = a[c] * dr[c] + b[c] * (xr[c] - mf[c]) + d[c];
  } else {
    for (int64_t c = 0; c < C; ++c) {
      const float g = dr[c] * (yr[c] > 0.0f ? 1.0f : alpha);  // dy * 1 is dy: the same bits, without a branch
      o[c] = a[c] * g + b[c] * (xr[c] - mf[c]) + d[c];
    }
  }
}

// The activation fused after batch norm: none, ReLU, or LeakyReLU with slope alpha (an optional last argument: a
// number, 0 for ReLU; rounded to float once, as TF.js's attribute is).
struct Activation {
  enum Kind { kNone, kRelu, kLeakyRelu } kind = kNone;
  float alpha = 0.f;

  static Activation from(const Napi::CallbackInfo& info, size_t i) {
    Activation a;
    if (i >= info.Length() || info[i].IsUndefined() || info[i].IsNull()) return a;
    require(info.Env(), info[i].IsNumber(), "activation alpha must be a number");
    a.alpha = static_cast<float>(info[i].As<Napi::Number>().DoubleValue());
    require(info.Env(), a.alpha >= 0.f, "activation alpha must be >= 0");
    a.kind = a.alpha == 0.f ? kRelu : kLeakyRelu;
    return a;
  }
};

DCGAN_SIMD_CLONES
void sumRow(const float* xr, double* acc, int64_t C) {
  for (int64_t c = 0; c < C; ++c) acc[c] += xr[c];
}

DCGAN_SIMD_CLONES
void squaredDeviationRow(const float* xr, const double* m, double* acc, int64_t C) {
  for (int64_t c = 0; c < C; ++c) {
    const double d = xr[c] - m[c];
    acc[c] += d * d;
  }
}

// y = (x - mean) * k + b per channel, then the activation (elementwise.cc's Relu and LeakyRelu, exactly).
DCGAN_SIMD_CLONES
void normalizeRow(const float* xr, const float* mf, const float* k, const float* b, Activation::Kind kind, float alpha,
                  float* yr, int64_t C) {
  switch (kind) {
    case Activation::kNone:
      for (int64_t c = 0; c < C; ++c) yr[c] = (xr[c] - mf[c]) * k[c] + b[c];
      break;
    case Activation::kRelu:
      for (int64_t c = 0; c < C; ++c) {
        const float v = (xr[c] - mf[c]) * k[c] + b[c];
        yr[c] = v < 0.f ? 0.f : v;
      }
      break;
    case Activation::kLeakyRelu:
      for (int64_t c = 0; c < C; ++c) {
        const float v = (xr[c] - mf[c]) * k[c] + b[c];
        yr[c] = v < 0.f ? alpha * v : v;
      }
      break;
  }
}

// batchNormTraining(x, scale|null, offset|null, eps, y, mean, variance[, alpha]): training-mode batch norm
// over all dims but the last (C). mean and variance are the batch statistics (biased variance,
// as tf.moments); y = (x - mean) / sqrt(variance + eps) * scale + offset, then (with alpha) the activation.
// Three passes over x (mean, variance, normalize) instead of TF.js's composite's ~6.
Napi::Value BatchNormTraining(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x = f32Arg(info, 0, "x");
  const bool hasScale = !info[1].IsNull() && !info[1].IsUndefined();
  const bool hasOffset = !info[2].IsNull() && !info[2].IsUndefined();
  F32 scale = hasScale ? f32Arg(info, 1, "scale") : F32{nullptr, 0};
  F32 offset = hasOffset ? f32Arg(info, 2, "offset") : F32{nullptr, 0};
  const double eps = numArg(info, 3, "varianceEpsilon");
  F32 y = f32Out(info, 4, "y"), mean = f32Out(info, 5, "mean"), var = f32Out(info, 6, "variance");
  const Activation activation = Activation::from(info, 7);
  const int64_t C = static_cast<int64_t>(mean.size);
  require(env, C > 0 && var.size == mean.size && x.size % C == 0 && x.size > 0 && y.size == x.size,
          "batchNormTraining: sizes");
  require(env, (!hasScale || scale.size == mean.size) && (!hasOffset || offset.size == mean.size),
          "batchNormTraining: scale/offset must have C elements");
  const int64_t rows = static_cast<int64_t>(x.size) / C;
  const float* xv = x.data;

  std::vector<double> sums[1];
  channelSums(rows, C, 1, [&](int64_t r, double* acc) { sumRow(xv + r * C, acc, C); }, sums);
  std::vector<double> m(C);
  for (int64_t c = 0; c < C; ++c) m[c] = sums[0][c] / static_cast<double>(rows);
  channelSums(rows, C, 1, [&](int64_t r, double* acc) { squaredDeviationRow(xv + r * C, m.data(), acc, C); }, sums);
  std::vector<float> k(C), b(C), mf(C);
  for (int64_t c = 0; c < C; ++c) {
    const double v = sums[0][c] / static_cast<double>(rows);
    mean.data[c] = static_cast<float>(m[c]);
    var.data[c] = static_cast<float>(v);
    const double kk = (hasScale ? scale.data[c] : 1.0) / std::sqrt(v + eps);
    k[c] = static_cast<float>(kk);
    mf[c] = static_cast<float>(m[c]);
    b[c] = hasOffset ? offset.data[c] : 0.f;
  }
  float* yv = y.data;
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(x.size) > kParallelGrain)
  for (int64_t r = 0; r < rows; ++r) {
    normalizeRow(xv + r * C, mf.data(), k.data(), b.data(), activation.kind, activation.alpha, yv + r * C, C);
  }
  return env.Undefined();
}

// The two passes of batchNormTrainingGrad over x and dy (and y: the activation's output, or null without one).
void batchNormGradLoops(int64_t rows, int64_t C, const float* xv, const float* dyv, const float* yv, float alpha,
                        const F32& mean, const F32& var, const float* scale, double eps, const F32& dx,
                        const F32& dscale, const F32& doffset) {
  const bool hasScale = scale != nullptr;
  std::vector<double> m(C), invstd(C);
  for (int64_t c = 0; c < C; ++c) {
    m[c] = mean.data[c];
    invstd[c] = 1.0 / std::sqrt(static_cast<double>(var.data[c]) + eps);
  }
  std::vector<double> sums[2];  // sum dy, sum dy * (x - mean)
  channelSums(rows, C, 2, [&](int64_t r, double* acc) {
    gradSumsRow(xv + r * C, dyv + r * C, yv == nullptr ? nullptr : yv + r * C, alpha, m.data(), acc, acc + C, C);
  }, sums);
  // dx = a * dy + b * (x - mean) + d per channel, folding the constants:
  //   a = scale * invstd, b = -a * invstd^2 * sum(dy (x - mean)) / M, d = -a * sum(dy) / M.
  std::vector<float> a(C), bb(C), d(C), mf(C);
  const double M = static_cast<double>(rows);
  for (int64_t c = 0; c < C; ++c) {
    const double s = hasScale ? scale[c] : 1.0;
    const double dxhatSum = sums[1][c] * invstd[c];  // = dscale
    doffset.data[c] = static_cast<float>(sums[0][c]);
    dscale.data[c] = static_cast<float>(dxhatSum);
    const double ac = s * invstd[c];
    const double bc = -ac * invstd[c] * invstd[c] * sums[1][c] / M;
    a[c] = static_cast<float>(ac);
    bb[c] = static_cast<float>(bc);
    d[c] = static_cast<float>(-ac * sums[0][c] / M);
    mf[c] = static_cast<float>(m[c]);
  }
  float* dxv = dx.data;
#pragma omp parallel for schedule(static) if (rows * C > kParallelGrain)
  for (int64_t r = 0; r < rows; ++r) {
    gradDxRow(xv + r * C, dyv + r * C, yv == nullptr ? nullptr : yv + r * C, alpha, a.data(), bb.data(), mf.data(),
              d.data(), dxv + r * C, C);
  }
}

// batchNormTrainingGrad(dy, x, mean, variance, scale|null, eps, dx, dscale, doffset[, y, alpha]): the full
// gradient of batchNormTraining (through the batch statistics too); with y (the activation's output) and alpha,
// of the activation after it as well: dy is first taken through the activation, y > 0 ? dy : dy * alpha. With M rows,
// xhat = (x - mean) * invstd:
//   doffset = sum dy,  dscale = sum dy * xhat,
//   dx = scale * invstd / M * (M * dy - doffset - xhat * dscale).
Napi::Value BatchNormTrainingGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 dy = f32Arg(info, 0, "dy"), x = f32Arg(info, 1, "x");
  F32 mean = f32Arg(info, 2, "mean"), var = f32Arg(info, 3, "variance");
  const bool hasScale = !info[4].IsNull() && !info[4].IsUndefined();
  F32 scale = hasScale ? f32Arg(info, 4, "scale") : F32{nullptr, 0};
  const double eps = numArg(info, 5, "varianceEpsilon");
  F32 dx = f32Out(info, 6, "dx"), dscale = f32Out(info, 7, "dscale"), doffset = f32Out(info, 8, "doffset");
  const int64_t C = static_cast<int64_t>(mean.size);
  require(env, C > 0 && var.size == mean.size && dscale.size == mean.size && doffset.size == mean.size &&
                   (!hasScale || scale.size == mean.size),
          "batchNormTrainingGrad: per-channel sizes");
  require(env, x.size > 0 && x.size % C == 0 && dy.size == x.size && dx.size == x.size, "batchNormTrainingGrad: sizes");
  const int64_t rows = static_cast<int64_t>(x.size) / C;
  const bool fused = info.Length() > 9 && !info[9].IsUndefined() && !info[9].IsNull();
  if (fused) {
    F32 out = f32Arg(info, 9, "y");
    require(env, out.size == x.size, "batchNormTrainingGrad: y must have x's size");
    const Activation act = Activation::from(info, 10);
    require(env, act.kind != Activation::kNone, "batchNormTrainingGrad: y needs the activation's alpha");
    batchNormGradLoops(rows, C, x.data, dy.data, out.data, act.alpha, mean, var, hasScale ? scale.data : nullptr, eps,
                       dx, dscale, doffset);
  } else {
    batchNormGradLoops(rows, C, x.data, dy.data, nullptr, 0.f, mean, var, hasScale ? scale.data : nullptr, eps, dx,
                       dscale, doffset);
  }
  return env.Undefined();
}


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
  exports.Set("batchNormTraining", Napi::Function::New(env, guarded<BatchNormTraining>, "batchNormTraining"));
  exports.Set("batchNormTrainingGrad",
              Napi::Function::New(env, guarded<BatchNormTrainingGrad>, "batchNormTrainingGrad"));
}

}  // namespace dcgan
