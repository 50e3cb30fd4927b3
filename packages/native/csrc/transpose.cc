// Transpose: out = x with axes permuted (out dim d is x dim perm[d]).
//
// Dims that stay adjacent and in order under the permutation are merged first, so e.g. NHWC->NCHW
// becomes a 3-D [N, HW, C] -> [N, C, HW] problem. Rows of the output are independent: parallel and
// deterministic.
#include <cstring>

#include "common.h"

namespace dcgan {
namespace {

Napi::Value Transpose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x = f32Arg(info, 0, "x");
  auto shape = intsArg(info, 1, "shape");
  auto perm = intsArg(info, 2, "perm");
  F32 out = f32Out(info, 3, "out");
  const size_t r = shape.size();
  require(env, perm.size() == r, "transpose: perm rank differs from shape rank");
  requireSize(env, x, product(shape), "transpose x");
  requireSize(env, out, product(shape), "transpose out");
  if (x.size == 0) return env.Undefined();

  // Drop size-1 dims, then merge runs where perm[d+1] == perm[d] + 1 (adjacent in the input too).
  std::vector<int64_t> keep;  // input axes with size > 1, in output order
  for (size_t d = 0; d < r; ++d) {
    require(env, perm[d] >= 0 && perm[d] < static_cast<int64_t>(r), "transpose: bad perm");
    if (shape[perm[d]] != 1) keep.push_back(perm[d]);
  }
  // Input strides of the original dims.
  std::vector<int64_t> inStride(r);
  for (int64_t s = 1, d = static_cast<int64_t>(r) - 1; d >= 0; --d) { inStride[d] = s; s *= shape[d]; }
  std::vector<int64_t> dims, strides;  // grouped output dims and their input strides
  for (size_t k = 0; k < keep.size(); ++k) {
    int64_t ax = keep[k];
    if (k > 0 && inStride[keep[k - 1]] == shape[ax] * inStride[ax]) {
      // Output-adjacent and input-adjacent: fold into the previous group.
      dims.back() *= shape[ax];
      strides.back() = inStride[ax];
    } else {
      dims.push_back(shape[ax]);
      strides.push_back(inStride[ax]);
    }
  }
  if (dims.empty()) { dims = {1}; strides = {1}; }
  const size_t last = dims.size() - 1;
  const int64_t inner = dims[last], innerStride = strides[last];
  int64_t rows = 1;
  for (size_t i = 0; i < last; ++i) rows *= dims[i];
  const float* in = x.data;
  float* o = out.data;

#pragma omp parallel for schedule(static) if (rows * inner > kParallelGrain)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t rem = row, off = 0;
    for (size_t i = last; i-- > 0;) {
      off += (rem % dims[i]) * strides[i];
      rem /= dims[i];
    }
    float* dst = o + row * inner;
    if (innerStride == 1) {
      std::memcpy(dst, in + off, static_cast<size_t>(inner) * sizeof(float));
    } else {
      for (int64_t i = 0; i < inner; ++i) dst[i] = in[off + i * innerStride];
    }
  }
  return env.Undefined();
}

}  // namespace

void registerTranspose(Napi::Env env, Napi::Object exports) {
  exports.Set("transpose", Napi::Function::New(env, guarded<Transpose>, "transpose"));
}

}  // namespace dcgan
