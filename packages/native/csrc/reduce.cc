// Reductions over any set of axes: sum, mean, max, min.
//
// Sums accumulate in float64 (the cpu backend accumulates in JS numbers, i.e. float64, too) and
// are split into a FIXED number of blocks whose partials are added in block order, so results are
// bit-identical for any thread count. Max/min are order independent (NaN propagates, as in tfjs).
#include <algorithm>
#include <cmath>
#include <limits>

#include "common.h"

namespace dcgan {
namespace {

// Keep in sync with src/binding.ts `ReduceOp`.
enum ReduceOp : int { kSum = 0, kMean, kMax, kMin };

// Blocks a long reduction is cut into, independent of the thread count (determinism).
constexpr int64_t kBlocks = 16;
constexpr int64_t kMinBlock = 4096;

struct SumAcc {
  using T = double;
  static T init() { return 0.0; }
  static T add(T acc, float v) { return acc + v; }
  static T merge(T a, T b) { return a + b; }
};
struct MaxAcc {
  using T = float;
  static T init() { return -std::numeric_limits<float>::infinity(); }
  static T add(T acc, float v) { return (acc != acc || v != v) ? std::numeric_limits<float>::quiet_NaN() : (v > acc ? v : acc); }
  static T merge(T a, T b) { return add(a, b); }
};
struct MinAcc {
  using T = float;
  static T init() { return std::numeric_limits<float>::infinity(); }
  static T add(T acc, float v) { return (acc != acc || v != v) ? std::numeric_limits<float>::quiet_NaN() : (v < acc ? v : acc); }
  static T merge(T a, T b) { return add(a, b); }
};

// x viewed as [outer, red, inner] (row-major): out[o, i] = reduce_r x[o, r, i].
// inner == 1 is a row reduction (contiguous), outer == 1 a column reduction.
template <typename Acc>
void reduce3(const float* x, int64_t outer, int64_t red, int64_t inner, double scale, float* out) {
  using T = typename Acc::T;
  const int64_t blocks = std::max<int64_t>(1, std::min<int64_t>(kBlocks, (red * inner) / kMinBlock));
  const int64_t blockLen = (red + blocks - 1) / blocks;
  // partial[o][b][i]: block b's reduction of rows [b*blockLen, (b+1)*blockLen) of slab o.
  std::vector<T> partial(static_cast<size_t>(outer * blocks * inner), Acc::init());
#pragma omp parallel for collapse(2) schedule(static) if (outer * red * inner > kParallelGrain)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t r0 = b * blockLen, r1 = std::min(red, r0 + blockLen);
      T* acc = partial.data() + (o * blocks + b) * inner;
      const float* slab = x + o * red * inner;
      if (inner == 1) {
        T s = Acc::init();
        for (int64_t r = r0; r < r1; ++r) s = Acc::add(s, slab[r]);
        acc[0] = s;
      } else {
        for (int64_t r = r0; r < r1; ++r) {
          const float* row = slab + r * inner;
          for (int64_t i = 0; i < inner; ++i) acc[i] = Acc::add(acc[i], row[i]);
        }
      }
    }
  }
  // Merge the blocks in order.
#pragma omp parallel for schedule(static) if (outer * inner > kParallelGrain)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      T s = partial[(o * blocks) * inner + i];
      for (int64_t b = 1; b < blocks; ++b) s = Acc::merge(s, partial[(o * blocks + b) * inner + i]);
      out[o * inner + i] = static_cast<float>(scale == 1.0 ? s : s * scale);
    }
  }
}

// General case (reduced and kept dims interleaved more than [kept, reduced, kept]): one output at a
// time, walking its reduced multi-index. Rare in practice (the TS side transposes first when it
// can); kept for completeness.
template <typename Acc>
void reduceStrided(const float* x, const std::vector<int64_t>& dims, const std::vector<bool>& reduced,
                   double scale, float* out, int64_t outSize) {
  using T = typename Acc::T;
  const size_t r = dims.size();
  std::vector<int64_t> strides(r);
  int64_t s = 1;
  for (size_t d = r; d-- > 0;) { strides[d] = s; s *= dims[d]; }
  std::vector<size_t> keptAxes, redAxes;
  for (size_t d = 0; d < r; ++d) (reduced[d] ? redAxes : keptAxes).push_back(d);
  int64_t redSize = 1;
  for (size_t d : redAxes) redSize *= dims[d];
#pragma omp parallel for schedule(static) if (outSize * redSize > kParallelGrain)
  for (int64_t o = 0; o < outSize; ++o) {
    int64_t base = 0, rem = o;
    for (size_t k = keptAxes.size(); k-- > 0;) {
      size_t d = keptAxes[k];
      base += (rem % dims[d]) * strides[d];
      rem /= dims[d];
    }
    T acc = Acc::init();
    for (int64_t j = 0; j < redSize; ++j) {
      int64_t off = base, rj = j;
      for (size_t k = redAxes.size(); k-- > 0;) {
        size_t d = redAxes[k];
        off += (rj % dims[d]) * strides[d];
        rj /= dims[d];
      }
      acc = Acc::add(acc, x[off]);
    }
    out[o] = static_cast<float>(scale == 1.0 ? acc : acc * scale);
  }
}

template <typename Acc>
void run(const float* x, const std::vector<int64_t>& shape, const std::vector<bool>& isReduced, double scale,
         float* out, int64_t outSize) {
  // Group dims into runs of reduced / kept, dropping size-1 dims (they move no index).
  std::vector<int64_t> dims;
  std::vector<bool> red;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    if (!red.empty() && red.back() == isReduced[d]) {
      dims.back() *= shape[d];
    } else {
      dims.push_back(shape[d]);
      red.push_back(isReduced[d]);
    }
  }
  // Now dims alternate kept/reduced. Cases [], [K], [R], [K,R], [R,K], [K,R,K] map onto reduce3.
  int64_t outer = 1, redN = 1, inner = 1;
  size_t i = 0;
  if (i < dims.size() && !red[i]) outer = dims[i++];
  if (i < dims.size() && red[i]) redN = dims[i++];
  if (i < dims.size() && !red[i]) inner = dims[i++];
  if (i == dims.size()) {
    reduce3<Acc>(x, outer, redN, inner, scale, out);
  } else {
    reduceStrided<Acc>(x, dims, red, scale, out, outSize);
  }
}

// reduce(op, x, shape, axes, out): out = op over `axes` of x (out has the kept dims, in order).
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op = intArg(info, 0, "op");
  F32 x = f32Arg(info, 1, "x");
  auto shape = intsArg(info, 2, "shape");
  auto axes = intsArg(info, 3, "axes");
  F32 out = f32Out(info, 4, "out");
  requireSize(env, x, product(shape), "reduce x");
  std::vector<bool> isReduced(shape.size(), false);
  int64_t redSize = 1;
  for (int64_t a : axes) {
    require(env, a >= 0 && a < static_cast<int64_t>(shape.size()) && !isReduced[a], "reduce: bad axes");
    isReduced[a] = true;
    redSize *= shape[a];
  }
  int64_t outSize = 1;
  for (size_t d = 0; d < shape.size(); ++d) if (!isReduced[d]) outSize *= shape[d];
  requireSize(env, out, outSize, "reduce out");
  if (outSize == 0) return env.Undefined();
  require(env, redSize > 0, "reduce: empty reduction (the TS side handles it)");
  switch (op) {
    case kSum: run<SumAcc>(x.data, shape, isReduced, 1.0, out.data, outSize); break;
    case kMean: run<SumAcc>(x.data, shape, isReduced, 1.0 / static_cast<double>(redSize), out.data, outSize); break;
    case kMax: run<MaxAcc>(x.data, shape, isReduced, 1.0, out.data, outSize); break;
    case kMin: run<MinAcc>(x.data, shape, isReduced, 1.0, out.data, outSize); break;
    default: throw Napi::RangeError::New(env, "reduce: unknown op " + std::to_string(op));
  }
  return env.Undefined();
}

}  // namespace

void registerReduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduce", Napi::Function::New(env, guarded<Reduce>, "reduce"));
}

}  // namespace dcgan
