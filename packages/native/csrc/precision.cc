// The convolutions' precision (fp32 or bf16), what the CPU offers for bf16, and float32 <-> bf16 conversion.
//
// In bf16 mode the convolutions (forward, backward-data, backward-weights) read bf16 copies of their
// float32 inputs and accumulate and write float32: every tensor TF.js sees stays float32 (the master weights,
// Adam's moments, batch-norm statistics, the losses), so checkpoints do not change. The copies live for one call
// (common.h's CallBuffer).
#include <omp.h>

#include "common.h"

namespace dcgan {

namespace {
bool gBf16 = false;
}  // namespace

bool bf16Enabled() { return gBf16; }

void toBf16(const float* src, uint16_t* dst, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kParallelGrain) num_threads(numThreads())
  for (int64_t i = 0; i < n; ++i) dst[i] = bf16Of(src[i]);
}

// 'amx' (AMX-BF16 tiles), 'avx512_bf16' (AVX512-BF16 dot products) or '' when oneDNN can use neither: what
// oneDNN detected on this CPU (and may be capped by ONEDNN_MAX_CPU_ISA).
std::string bf16Isa() {
  auto isa = static_cast<int>(dnnl::get_effective_cpu_isa());
  if ((isa & dnnl_cpu_isa_avx512_core_amx) == dnnl_cpu_isa_avx512_core_amx) return "amx";
  if ((isa & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16) return "avx512_bf16";
  return "";
}

namespace {

// setConvPrecision('fp32' | 'bf16'). bf16 needs the CPU's bf16 instructions: oneDNN's reference kernels
// would otherwise emulate them, far slower than fp32.
Napi::Value SetConvPrecision(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require(env, info.Length() > 0 && info[0].IsString(), "precision must be 'fp32' or 'bf16'");
  std::string p = info[0].As<Napi::String>();
  require(env, p == "fp32" || p == "bf16", "precision must be 'fp32' or 'bf16', got '" + p + "'");
  require(env, p == "fp32" || !bf16Isa().empty(), "bf16 needs a CPU with AVX512-BF16 or AMX-BF16");
  gBf16 = p == "bf16";
  return env.Undefined();
}

Napi::Value GetConvPrecision(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), gBf16 ? "bf16" : "fp32");
}

Napi::Value Bf16Isa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), bf16Isa()); }

// toBf16RoundTrip(x, y): y = float32(bf16(x)), what a bf16 convolution sees of x (for tests).
Napi::Value ToBf16RoundTrip(const Napi::CallbackInfo& info) {
  F32 x = f32Arg(info, 0, "x"), y = f32Out(info, 1, "y");
  requireSize(info.Env(), y, static_cast<int64_t>(x.size), "toBf16RoundTrip y");
  std::vector<uint16_t> b(x.size);
  toBf16(x.data, b.data(), static_cast<int64_t>(x.size));
  for (size_t i = 0; i < x.size; ++i) {
    uint32_t u = static_cast<uint32_t>(b[i]) << 16;
    std::memcpy(&y.data[i], &u, 4);
  }
  return info.Env().Undefined();
}

}  // namespace

void registerPrecision(Napi::Env env, Napi::Object exports) {
  exports.Set("setConvPrecision", Napi::Function::New(env, guarded<SetConvPrecision>, "setConvPrecision"));
  exports.Set("getConvPrecision", Napi::Function::New(env, guarded<GetConvPrecision>, "getConvPrecision"));
  exports.Set("bf16Isa", Napi::Function::New(env, guarded<Bf16Isa>, "bf16Isa"));
  exports.Set("toBf16RoundTrip", Napi::Function::New(env, guarded<ToBf16RoundTrip>, "toBf16RoundTrip"));
}

}  // namespace dcgan
