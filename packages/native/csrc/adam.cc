// Adam's update as one pass over (param, grad, m, v), for optimizers that would otherwise run ~11
// elementwise kernels per variable. The float32 operations and their order are exactly those of
// the composite (PyTorch's arithmetic, as packages/core writes it with TF.js ops):
//   m' = m * b1 + g * (1 - b1)
//   v' = v * b2 + (g * g) * (1 - b2)
//   w' = w - (m' / (sqrt(v') / sqrtCorrection2 + eps)) * stepSize
// so on this backend the fused update is bit-identical to the composite (no FMA contraction: the
// addon is built without -mfma and with -ffp-contract=off). Elementwise: deterministic.
#include <cmath>

#include "common.h"

namespace dcgan {
namespace {

// adamUpdate(w, g, m, v, wOut, mOut, vOut, [b1, 1-b1, b2, 1-b2, sqrtCorrection2, eps, stepSize])
// Scalars arrive as float64 and are rounded to float32 once, like TF.js's scalar tensors.
Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 w = f32Arg(info, 0, "param"), g = f32Arg(info, 1, "grad"), m = f32Arg(info, 2, "m"), v = f32Arg(info, 3, "v");
  F32 wo = f32Out(info, 4, "paramOut"), mo = f32Out(info, 5, "mOut"), vo = f32Out(info, 6, "vOut");
  require(env, info[7].IsArray(), "adam scalars must be an array");
  auto arr = info[7].As<Napi::Array>();
  require(env, arr.Length() == 7, "adam scalars: [b1, 1-b1, b2, 1-b2, sqrtCorrection2, eps, stepSize]");
  float k[7];
  for (uint32_t i = 0; i < 7; ++i) k[i] = static_cast<float>(arr.Get(i).As<Napi::Number>().DoubleValue());
  const size_t n = w.size;
  require(env, g.size == n && m.size == n && v.size == n && wo.size == n && mo.size == n && vo.size == n,
          "adam: all arrays must have the parameter's size");
  const float b1 = k[0], c1 = k[1], b2 = k[2], c2 = k[3], sc2 = k[4], eps = k[5], ss = k[6];
  const float *wp = w.data, *gp = g.data, *mp = m.data, *vp = v.data;
  float *wop = wo.data, *mop = mo.data, *vop = vo.data;
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(n) > kParallelGrain)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    const float gi = gp[i];
    const float m1 = mp[i] * b1 + gi * c1;
    const float v1 = vp[i] * b2 + (gi * gi) * c2;
    const float den = std::sqrt(v1) / sc2 + eps;
    mop[i] = m1;
    vop[i] = v1;
    wop[i] = wp[i] - (m1 / den) * ss;
  }
  return env.Undefined();
}

}  // namespace

void registerAdam(Napi::Env env, Napi::Object exports) {
  exports.Set("adamUpdate", Napi::Function::New(env, guarded<AdamUpdate>, "adamUpdate"));
}

}  // namespace dcgan
