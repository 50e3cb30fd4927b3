// The gradient of (leaky) ReLU from its OUTPUT y, in one pass:
//   dx = y > 0 ? dy : dy * alpha        (ReLU: alpha = 0)
// For alpha >= 0, y > 0 exactly where the input was > 0, so this equals TF.js's gradients
// (LeakyRelu: where(x > 0, dy, dy * alpha); Relu: dy * step(x)) with 1 pass instead of 3 (and no
// bool mask), and lets the forward pass keep y, which the next layer keeps anyway, instead of x.
// Elementwise: deterministic.
#include "common.h"

namespace dcgan {
namespace {

// One span of dx, cloned per ISA with a select that vectorises in every clone (see elementwise.cc's reluSpan).
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
DCGAN_SIMD_CLONES
void reluGradFromOutputSpan(const float* dy, const float* y, float* dx, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) dx[i] = y[i] > 0.0f ? dy[i] : dy[i] * alpha;
}
#pragma GCC pop_options

// reluGradFromOutput(dy, y, dx, alpha)
Napi::Value ReluGradFromOutput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 dy = f32Arg(info, 0, "dy"), y = f32Arg(info, 1, "y"), dx = f32Out(info, 2, "dx");
  require(env, info[3].IsNumber(), "alpha must be a number");
  const float alpha = static_cast<float>(info[3].As<Napi::Number>().DoubleValue());  // rounded once, as a TF.js scalar
  const size_t n = dy.size;
  require(env, y.size == n && dx.size == n, "reluGradFromOutput: dy, y and dx must have one size");
  const float *dyp = dy.data, *yp = y.data;
  float* dxp = dx.data;
  parallelSpans(static_cast<int64_t>(n), [&](int64_t i, int64_t k) { reluGradFromOutputSpan(dyp + i, yp + i, dxp + i, k, alpha); });
  return env.Undefined();
}

}  // namespace

void registerActivationGrad(Napi::Env env, Napi::Object exports) {
  exports.Set("reluGradFromOutput", Napi::Function::New(env, guarded<ReluGradFromOutput>, "reluGradFromOutput"));
}

}  // namespace dcgan
