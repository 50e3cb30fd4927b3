// Elementwise kernels: binary ops and comparisons with NumPy broadcasting, select, unary ops.
//
// Every output element depends on its own inputs only, so the static OpenMP partition never
// changes a result: bit-identical for any thread count.
//
// Formulas mirror tfjs-backend-cpu's (which computes in float64 and rounds once); we compute in
// float32 except where float32 would lose the cpu backend's accuracy (noted per op).
#include <cmath>
#include <limits>

#include "common.h"

namespace dcgan {
namespace {

// Keep in sync with src/binding.ts `BinaryOp`.
enum BinaryOp : int { kAdd = 0, kSub, kMul, kDiv, kMax, kMin, kSquaredDiff };
// Keep in sync with src/binding.ts `UnaryOp`.
enum UnaryOp : int {
  kRelu = 0, kLeakyRelu, kTanh, kSigmoid, kExp, kLog, kLog1p, kSoftplus, kSqrt, kRsqrt,
  kSquare, kNeg, kAbs, kStep, kRelu6, kElu, kReciprocal
};

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct AddF { static float f(float a, float b) { return a + b; } };
struct SubF { static float f(float a, float b) { return a - b; } };
struct MulF { static float f(float a, float b) { return a * b; } };
struct DivF { static float f(float a, float b) { return a / b; } };
// JS Math.max/min propagate NaN; fmaxf would not.
struct MaxF { static float f(float a, float b) { return (a != a || b != b) ? kNaN : (a > b ? a : b); } };
struct MinF { static float f(float a, float b) { return (a != a || b != b) ? kNaN : (a < b ? a : b); } };
struct SqDiffF { static float f(float a, float b) { float d = a - b; return d * d; } };

// Comparisons produce TF.js bool tensors: one byte per element, 0 or 1. NaN compares false
// (NotEqual true), as in JS.
enum CompareOp : int { kGreater = 0, kGreaterEqual, kLess, kLessEqual, kEqual, kNotEqual };
struct GtF { static uint8_t f(float a, float b) { return a > b; } };
struct GeF { static uint8_t f(float a, float b) { return a >= b; } };
struct LtF { static uint8_t f(float a, float b) { return a < b; } };
struct LeF { static uint8_t f(float a, float b) { return a <= b; } };
struct EqF { static uint8_t f(float a, float b) { return a == b; } };
struct NeF { static uint8_t f(float a, float b) { return a != b; } };

// Broadcasting, reduced to a loop nest. Output dims are grouped into maximal runs where each input
// either walks with the output or is broadcast (stride 0); after grouping the innermost run is
// contiguous in every input that walks it, so the inner loop is one of three vectorizable forms.
struct BroadcastPlan {
  std::vector<int64_t> dims;   // grouped output dims, outermost first
  std::vector<int64_t> aStr;   // element strides of a per grouped dim (0 = broadcast)
  std::vector<int64_t> bStr;
};

BroadcastPlan plan(const std::vector<int64_t>& aShape, const std::vector<int64_t>& bShape,
                   const std::vector<int64_t>& outShape) {
  const size_t r = outShape.size();
  // Right-align both shapes to the output rank.
  auto dimOf = [r](const std::vector<int64_t>& s, size_t d) -> int64_t {
    size_t off = r - s.size();
    return d < off ? 1 : s[d - off];
  };
  BroadcastPlan p;
  int prevKind = -1;
  for (size_t d = 0; d < r; ++d) {
    int64_t n = outShape[d];
    if (n == 1) continue;  // size-1 output dims do not move any index
    bool aWalks = dimOf(aShape, d) != 1, bWalks = dimOf(bShape, d) != 1;
    int kind = (aWalks ? 1 : 0) | (bWalks ? 2 : 0);
    if (kind == prevKind) {
      p.dims.back() *= n;
    } else {
      p.dims.push_back(n);
      p.aStr.push_back(aWalks ? 1 : 0);
      p.bStr.push_back(bWalks ? 1 : 0);
      prevKind = kind;
    }
  }
  // Turn the walk flags into element strides (row-major, innermost first).
  int64_t sa = 1, sb = 1;
  for (size_t i = p.dims.size(); i-- > 0;) {
    if (p.aStr[i]) { p.aStr[i] = sa; sa *= p.dims[i]; }
    if (p.bStr[i]) { p.bStr[i] = sb; sb *= p.dims[i]; }
  }
  if (p.dims.empty()) { p.dims = {1}; p.aStr = {0}; p.bStr = {0}; }
  return p;
}

template <typename Op, typename Out = float>
void binaryLoop(const float* a, const float* b, Out* out, const BroadcastPlan& p) {
  const size_t last = p.dims.size() - 1;
  const int64_t inner = p.dims[last];
  const int64_t sa = p.aStr[last], sb = p.bStr[last];
  int64_t rows = 1;
  for (size_t i = 0; i < last; ++i) rows *= p.dims[i];

  if (rows == 1) {
    // One long run (same shapes, or one side a scalar): split the run itself across threads. The
    // three forms are spelled out so each inner loop has unit or zero strides known at compile
    // time, which is what lets the compiler vectorize it.
    if (sa == 1 && sb == 1) {
#pragma omp parallel for schedule(static) if (inner > kParallelGrain)
      for (int64_t i = 0; i < inner; ++i) out[i] = Op::f(a[i], b[i]);
    } else if (sa == 1) {
      const float bv = b[0];
#pragma omp parallel for schedule(static) if (inner > kParallelGrain)
      for (int64_t i = 0; i < inner; ++i) out[i] = Op::f(a[i], bv);
    } else if (sb == 1) {
      const float av = a[0];
#pragma omp parallel for schedule(static) if (inner > kParallelGrain)
      for (int64_t i = 0; i < inner; ++i) out[i] = Op::f(av, b[i]);
    } else {
      const Out v = Op::f(a[0], b[0]);
      for (int64_t i = 0; i < inner; ++i) out[i] = v;
    }
    return;
  }
#pragma omp parallel for schedule(static) if (rows * inner > kParallelGrain)
  for (int64_t row = 0; row < rows; ++row) {
    // Offsets of this row in a and b from its multi-index over the outer grouped dims.
    int64_t rem = row, offA = 0, offB = 0;
    for (size_t i = last; i-- > 0;) {
      int64_t idx = rem % p.dims[i];
      rem /= p.dims[i];
      offA += idx * p.aStr[i];
      offB += idx * p.bStr[i];
    }
    const float* ar = a + offA;
    const float* br = b + offB;
    Out* o = out + row * inner;
    if (sa == 1 && sb == 1) {
      for (int64_t i = 0; i < inner; ++i) o[i] = Op::f(ar[i], br[i]);
    } else if (sa == 1) {
      const float bv = br[0];
      for (int64_t i = 0; i < inner; ++i) o[i] = Op::f(ar[i], bv);
    } else if (sb == 1) {
      const float av = ar[0];
      for (int64_t i = 0; i < inner; ++i) o[i] = Op::f(av, br[i]);
    } else {
      const Out v = Op::f(ar[0], br[0]);
      for (int64_t i = 0; i < inner; ++i) o[i] = v;
    }
  }
}

// binary(op, a, aShape, b, bShape, out, outShape): out = op(a, b) with broadcasting.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op = intArg(info, 0, "op");
  F32 a = f32Arg(info, 1, "a");
  auto aShape = intsArg(info, 2, "aShape");
  F32 b = f32Arg(info, 3, "b");
  auto bShape = intsArg(info, 4, "bShape");
  F32 out = f32Out(info, 5, "out");
  auto outShape = intsArg(info, 6, "outShape");
  requireSize(env, a, product(aShape), "binary a");
  requireSize(env, b, product(bShape), "binary b");
  requireSize(env, out, product(outShape), "binary out");
  require(env, aShape.size() <= outShape.size() && bShape.size() <= outShape.size(), "binary: rank exceeds output");
  if (out.size == 0) return env.Undefined();
  BroadcastPlan p = plan(aShape, bShape, outShape);
  switch (op) {
    case kAdd: binaryLoop<AddF>(a.data, b.data, out.data, p); break;
    case kSub: binaryLoop<SubF>(a.data, b.data, out.data, p); break;
    case kMul: binaryLoop<MulF>(a.data, b.data, out.data, p); break;
    case kDiv: binaryLoop<DivF>(a.data, b.data, out.data, p); break;
    case kMax: binaryLoop<MaxF>(a.data, b.data, out.data, p); break;
    case kMin: binaryLoop<MinF>(a.data, b.data, out.data, p); break;
    case kSquaredDiff: binaryLoop<SqDiffF>(a.data, b.data, out.data, p); break;
    default: throw Napi::RangeError::New(env, "binary: unknown op " + std::to_string(op));
  }
  return env.Undefined();
}

// compare(op, a, aShape, b, bShape, out: Uint8Array, outShape): out = a <op> b, broadcast.
Napi::Value Compare(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op = intArg(info, 0, "op");
  F32 a = f32Arg(info, 1, "a");
  auto aShape = intsArg(info, 2, "aShape");
  F32 b = f32Arg(info, 3, "b");
  auto bShape = intsArg(info, 4, "bShape");
  require(env, info[5].IsTypedArray() && info[5].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array,
          "out must be a Uint8Array");
  auto outArr = info[5].As<Napi::Uint8Array>();
  auto outShape = intsArg(info, 6, "outShape");
  requireSize(env, a, product(aShape), "compare a");
  requireSize(env, b, product(bShape), "compare b");
  require(env, static_cast<int64_t>(outArr.ElementLength()) == product(outShape), "compare out: wrong size");
  require(env, aShape.size() <= outShape.size() && bShape.size() <= outShape.size(), "compare: rank exceeds output");
  if (outArr.ElementLength() == 0) return env.Undefined();
  BroadcastPlan p = plan(aShape, bShape, outShape);
  uint8_t* o = outArr.Data();
  switch (op) {
    case kGreater: binaryLoop<GtF, uint8_t>(a.data, b.data, o, p); break;
    case kGreaterEqual: binaryLoop<GeF, uint8_t>(a.data, b.data, o, p); break;
    case kLess: binaryLoop<LtF, uint8_t>(a.data, b.data, o, p); break;
    case kLessEqual: binaryLoop<LeF, uint8_t>(a.data, b.data, o, p); break;
    case kEqual: binaryLoop<EqF, uint8_t>(a.data, b.data, o, p); break;
    case kNotEqual: binaryLoop<NeF, uint8_t>(a.data, b.data, o, p); break;
    default: throw Napi::RangeError::New(env, "compare: unknown op " + std::to_string(op));
  }
  return env.Undefined();
}

// select(cond: Uint8Array, t, e, out): out = cond ? t : e, all of one size (tf.where broadcasts
// the condition before the kernel runs).
Napi::Value Select(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require(env, info[0].IsTypedArray() && info[0].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array,
          "condition must be a Uint8Array");
  auto condArr = info[0].As<Napi::Uint8Array>();
  F32 t = f32Arg(info, 1, "t"), e = f32Arg(info, 2, "e"), out = f32Out(info, 3, "out");
  require(env, t.size == e.size && t.size == out.size && condArr.ElementLength() == t.size,
          "select: condition, t, e and out sizes differ");
  const int64_t n = static_cast<int64_t>(t.size);
  const uint8_t* c = condArr.Data();
  const float* tv = t.data;
  const float* ev = e.data;
  float* o = out.data;
#pragma omp parallel for schedule(static) if (n > kParallelGrain)
  for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? tv[i] : ev[i];
  return env.Undefined();
}

// Softplus as tfjs computes it (tf.nn.softplus): thresholds where exp over/underflows in float32.
inline float softplus(float x) {
  const double threshold = std::log(1.1920928955078125e-7) + 2.0;
  if (x < threshold) return std::exp(x);
  if (x > -threshold) return x;
  return static_cast<float>(std::log1p(std::exp(static_cast<double>(x))));
}

template <typename F>
void unaryLoop(const float* x, float* out, int64_t n, F f) {
#pragma omp parallel for schedule(static) if (n > kParallelGrain)
  for (int64_t i = 0; i < n; ++i) out[i] = f(x[i]);
}

// (Leaky) ReLU over a span, as functions cloned per ISA (common.h's DCGAN_SIMD_CLONES): their selects vectorise in
// every clone only when comparisons may not trap (no value changes: floating-point exceptions are never read). The
// same bits as the scalar lambdas, elementwise.
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
DCGAN_SIMD_CLONES
void reluSpan(const float* x, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] < 0.f ? 0.f : x[i];
}

DCGAN_SIMD_CLONES
void leakyReluSpan(const float* x, float* out, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] < 0.f ? alpha * x[i] : x[i];
}
#pragma GCC pop_options

// unary(op, x, out, alpha): out = op(x); alpha is LeakyRelu's slope, Step's value for x <= 0.
// out may alias x.
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op = intArg(info, 0, "op");
  F32 x = f32Arg(info, 1, "x"), out = f32Out(info, 2, "out");
  const float alpha = static_cast<float>(numArg(info, 3, "alpha"));
  require(env, x.size == out.size, "unary: x and out sizes differ");
  const int64_t n = static_cast<int64_t>(x.size);
  const float* in = x.data;
  float* o = out.data;
  switch (op) {
    case kRelu: parallelSpans(n, [&](int64_t i, int64_t k) { reluSpan(in + i, o + i, k); }); break;
    case kLeakyRelu: parallelSpans(n, [&](int64_t i, int64_t k) { leakyReluSpan(in + i, o + i, k, alpha); }); break;
    case kTanh: unaryLoop(in, o, n, [](float v) { return std::tanh(v); }); break;
    // 1 / (1 + e^-x); for x < -88, e^-x is inf in float32 and the result 0, as in float64 rounded.
    case kSigmoid: unaryLoop(in, o, n, [](float v) { return 1.f / (1.f + std::exp(-v)); }); break;
    case kExp: unaryLoop(in, o, n, [](float v) { return std::exp(v); }); break;
    case kLog: unaryLoop(in, o, n, [](float v) { return std::log(v); }); break;
    case kLog1p: unaryLoop(in, o, n, [](float v) { return std::log1p(v); }); break;
    case kSoftplus: unaryLoop(in, o, n, softplus); break;
    case kSqrt: unaryLoop(in, o, n, [](float v) { return std::sqrt(v); }); break;
    // In float64 then rounded, like the cpu backend: 1/sqrtf(x) double-rounds.
    case kRsqrt: unaryLoop(in, o, n, [](float v) { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(v))); }); break;
    case kSquare: unaryLoop(in, o, n, [](float v) { return v * v; }); break;
    case kNeg: unaryLoop(in, o, n, [](float v) { return -v; }); break;
    case kAbs: unaryLoop(in, o, n, [](float v) { return std::fabs(v); }); break;
    case kStep: unaryLoop(in, o, n, [alpha](float v) { return v != v ? kNaN : (v > 0.f ? 1.f : alpha); }); break;
    case kRelu6: unaryLoop(in, o, n, [](float v) { return v != v ? kNaN : (v < 0.f ? 0.f : (v > 6.f ? 6.f : v)); }); break;
    case kElu: unaryLoop(in, o, n, [](float v) { return v >= 0.f ? v : static_cast<float>(std::expm1(static_cast<double>(v))); }); break;
    case kReciprocal: unaryLoop(in, o, n, [](float v) { return 1.f / v; }); break;
    default: throw Napi::RangeError::New(env, "unary: unknown op " + std::to_string(op));
  }
  return env.Undefined();
}

}  // namespace

void registerElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, guarded<Binary>, "binary"));
  exports.Set("unary", Napi::Function::New(env, guarded<Unary>, "unary"));
  exports.Set("compare", Napi::Function::New(env, guarded<Compare>, "compare"));
  exports.Set("select", Napi::Function::New(env, guarded<Select>, "select"));
}

}  // namespace dcgan
