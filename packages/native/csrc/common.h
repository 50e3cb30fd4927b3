// Shared helpers for the addon: argument unpacking, the oneDNN engine/stream, thread settings.
//
// Every entry point is a C-style function over Float32Arrays owned by TF.js (MathBackendCPU's
// `data.get(dataId).values`): inputs are read in place, outputs are preallocated by the caller
// and written in place. Nothing here allocates tensors.
#pragma once

#include <napi.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace dcgan {

// Pointer to a Float32Array's elements (honours byteOffset) plus its length.
struct F32 {
  float* data;
  size_t size;
};

inline F32 f32Arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a Float32Array");
  }
  auto a = info[i].As<Napi::Float32Array>();
  return F32{a.Data(), a.ElementLength()};
}

// An output Float32Array: written in full by the kernel (it may come from the TS side's buffer pool
// with stale contents).
inline F32 f32Out(const Napi::CallbackInfo& info, size_t i, const char* what) { return f32Arg(info, i, what); }

// A JS array of integers (shapes, axes, permutations, conv parameters).
inline std::vector<int64_t> intsArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsArray()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be an array of integers");
  }
  auto a = info[i].As<Napi::Array>();
  std::vector<int64_t> v(a.Length());
  for (uint32_t k = 0; k < a.Length(); ++k) {
    Napi::Value e = a.Get(k);
    if (!e.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must hold numbers");
    v[k] = e.As<Napi::Number>().Int64Value();
  }
  return v;
}

inline int64_t intArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  }
  return info[i].As<Napi::Number>().Int64Value();
}

inline double numArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

inline int64_t product(const std::vector<int64_t>& shape) {
  int64_t p = 1;
  for (int64_t d : shape) p *= d;
  return p;
}

inline void require(const Napi::Env& env, bool ok, const std::string& msg) {
  if (!ok) throw Napi::Error::New(env, msg);
}

inline void requireSize(const Napi::Env& env, const F32& a, int64_t n, const char* what) {
  if (static_cast<int64_t>(a.size) != n) {
    throw Napi::RangeError::New(env, std::string(what) + ": expected " + std::to_string(n) +
                                         " elements, got " + std::to_string(a.size));
  }
}

// One CPU engine and one in-order stream for the whole process (TF.js calls us from one thread).
dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

// Threads used by our OpenMP loops and by oneDNN (which runs on the same OpenMP runtime).
int numThreads();

// A hot loop compiled for AVX-512, AVX2 and baseline x86-64, the best picked when the addon loads (the addon itself
// is built without -march). Only for loops whose vectorised form gives the scalar loop's bits (elementwise, or sums
// per lane in the same order); -ffp-contract=off holds in every clone.
#if defined(__x86_64__) && defined(__GNUC__)
#define DCGAN_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DCGAN_SIMD_CLONES
#endif

// Minimum elements per thread before an elementwise loop goes parallel: below this the fork/join
// costs more than it saves.
constexpr int64_t kParallelGrain = 1 << 15;

// Convolution precision (csrc/precision.cc): whether convolutions read bf16 copies of their inputs, float32 -> bf16
// conversion, and the bf16 ISA oneDNN found ('amx', 'avx512_bf16' or '').
bool bf16Enabled();
void toBf16(const float* src, uint16_t* dst, int64_t n);  // OpenMP-parallel for large n

// One float32 as bf16: round to nearest, ties to even (as oneDNN's reorder and PyTorch do); NaN stays a quiet NaN.
inline uint16_t bf16Of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}
std::string bf16Isa();

// Memory for one kernel call (bf16 copies, im2col columns): from the heap without zero-filling, freed when the call
// returns, so that between calls it serves TF.js's tensors and peak memory holds one call's buffers, not every
// shape's. (The addon keeps freed heap memory in the process: addon.cc's tuneMalloc.)
template <typename T>
struct CallBuffer {
  std::unique_ptr<T[]> data;
  T* allocate(int64_t n) {
    data.reset(new T[static_cast<size_t>(n)]);
    return data.get();
  }
};

// A bf16 copy of n float32 values, valid for the call.
inline uint16_t* bf16Copy(CallBuffer<uint16_t>& buffer, const float* src, int64_t n) {
  uint16_t* dst = buffer.allocate(n);
  toBf16(src, dst, n);
  return dst;
}

// Runs span(begin, count) over [0, n): one block per thread above kParallelGrain elements, else one call.
template <typename Span>
void parallelSpans(int64_t n, Span span) {
  const int64_t blocks = n > kParallelGrain ? numThreads() : 1;
#pragma omp parallel for schedule(static) if (blocks > 1) num_threads(numThreads())
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t begin = n * b / blocks, end = n * (b + 1) / blocks;
    span(begin, end - begin);
  }
}

// Registration hooks, one per kernel family (csrc/<family>.cc).
void registerConv(Napi::Env env, Napi::Object exports);
void registerElementwise(Napi::Env env, Napi::Object exports);
void registerReduce(Napi::Env env, Napi::Object exports);
void registerTranspose(Napi::Env env, Napi::Object exports);
void registerTile(Napi::Env env, Napi::Object exports);
void registerAdam(Napi::Env env, Napi::Object exports);
void registerMatmul(Napi::Env env, Napi::Object exports);
void registerBatchnorm(Napi::Env env, Napi::Object exports);
void registerActivationGrad(Napi::Env env, Napi::Object exports);
void registerPrecision(Napi::Env env, Napi::Object exports);

// Wraps an entry point so oneDNN and std exceptions surface as JS errors with context.
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return Fn(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what() + " (status " +
                                           std::to_string(static_cast<int>(e.status)) + ")");
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("native: ") + e.what());
  }
}

}  // namespace dcgan
