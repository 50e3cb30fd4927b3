// Tile: out = x repeated reps[d] times along each dim d (out dim d = x dim d * reps[d]).
//
// TF.js's batch-norm gradient tiles per-channel statistics up to the full NHWC activation, so this
// runs on 8M-element outputs in a DCGAN step. Output rows (all dims but the last) are independent:
// parallel and deterministic. The innermost dim is one memcpy when it is not tiled, else a
// repeated copy of the x row.
#include <cstring>

#include "common.h"

namespace dcgan {
namespace {

Napi::Value Tile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x = f32Arg(info, 0, "x");
  auto shape = intsArg(info, 1, "shape");
  auto reps = intsArg(info, 2, "reps");
  F32 out = f32Out(info, 3, "out");
  const size_t r = shape.size();
  require(env, reps.size() == r && r > 0, "tile: reps rank must equal x rank (> 0)");
  requireSize(env, x, product(shape), "tile x");
  std::vector<int64_t> outShape(r);
  for (size_t d = 0; d < r; ++d) {
    require(env, reps[d] >= 0, "tile: negative reps");
    outShape[d] = shape[d] * reps[d];
  }
  requireSize(env, out, product(outShape), "tile out");
  if (out.size == 0) return env.Undefined();

  std::vector<int64_t> inStride(r);
  for (int64_t s = 1, d = static_cast<int64_t>(r) - 1; d >= 0; --d) { inStride[d] = s; s *= shape[d]; }
  const int64_t innerIn = shape[r - 1], innerOut = outShape[r - 1];
  const int64_t rows = static_cast<int64_t>(out.size) / innerOut;
  const float* in = x.data;
  float* o = out.data;

#pragma omp parallel for schedule(static) if (static_cast<int64_t>(out.size) > kParallelGrain)
  for (int64_t row = 0; row < rows; ++row) {
    // Source row: each outer output index wraps modulo the x dim.
    int64_t rem = row, off = 0;
    for (int64_t d = static_cast<int64_t>(r) - 2; d >= 0; --d) {
      off += (rem % outShape[d] % shape[d]) * inStride[d];
      rem /= outShape[d];
    }
    float* dst = o + row * innerOut;
    for (int64_t k = 0; k < innerOut; k += innerIn) {
      std::memcpy(dst + k, in + off, static_cast<size_t>(innerIn) * sizeof(float));
    }
  }
  return env.Undefined();
}

}  // namespace

void registerTile(Napi::Env env, Napi::Object exports) {
  exports.Set("tile", Napi::Function::New(env, guarded<Tile>, "tile"));
}

}  // namespace dcgan
