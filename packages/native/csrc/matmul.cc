// BatchMatMul on oneDNN's matmul primitive.
//
// a: [batchA, M, K] (or [batchA, K, M] if transposeA), b: [batchB, K, N] (or [batchB, N, K] if
// transposeB), c: [batch, M, N] with batch = max(batchA, batchB) and batchA, batchB in {1, batch}.
// Transposes are expressed as strides, so no data moves before the GEMM.
#include <memory>
#include <mutex>
#include <unordered_map>

#include "common.h"

namespace dcgan {
namespace {

using dnnl::memory;

struct MatmulEntry {
  dnnl::matmul prim;
  memory::desc a, b, c;
};

std::mutex gMutex;
std::unordered_map<std::string, std::unique_ptr<MatmulEntry>> gCache;

// batchMatMul(a, b, c, [batchA, batchB, M, K, N, transposeA, transposeB])
Napi::Value BatchMatMul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 a = f32Arg(info, 0, "a"), b = f32Arg(info, 1, "b"), c = f32Out(info, 2, "c");
  auto p = intsArg(info, 3, "matmul params");
  require(env, p.size() == 7, "matmul params must have 7 entries");
  const int64_t batchA = p[0], batchB = p[1], M = p[2], K = p[3], N = p[4];
  const bool tA = p[5] != 0, tB = p[6] != 0;
  const int64_t batch = std::max(batchA, batchB);
  require(env, (batchA == batch || batchA == 1) && (batchB == batch || batchB == 1), "matmul: batch dims do not broadcast");
  requireSize(env, a, batchA * M * K, "matmul a");
  requireSize(env, b, batchB * K * N, "matmul b");
  requireSize(env, c, batch * M * N, "matmul c");
  if (c.size == 0) return env.Undefined();
  require(env, K > 0, "matmul: K == 0 (the TS side handles it)");

  std::string key;
  for (int64_t v : p) { key += std::to_string(v); key += ','; }
  MatmulEntry* e;
  {
    std::lock_guard<std::mutex> lock(gMutex);
    auto it = gCache.find(key);
    if (it == gCache.end()) {
      auto ne = std::make_unique<MatmulEntry>();
      ne->a = memory::desc({batchA, M, K}, memory::data_type::f32,
                           tA ? memory::dims{M * K, 1, M} : memory::dims{M * K, K, 1});
      ne->b = memory::desc({batchB, K, N}, memory::data_type::f32,
                           tB ? memory::dims{K * N, 1, K} : memory::dims{K * N, N, 1});
      ne->c = memory::desc({batch, M, N}, memory::data_type::f32, memory::dims{M * N, N, 1});
      dnnl::matmul::desc d(ne->a, ne->b, ne->c);
      ne->prim = dnnl::matmul(dnnl::matmul::primitive_desc(d, cpuEngine()));
      it = gCache.emplace(key, std::move(ne)).first;
    }
    e = it->second.get();
  }
  memory ma(e->a, cpuEngine(), a.data), mb(e->b, cpuEngine(), b.data), mc(e->c, cpuEngine(), c.data);
  e->prim.execute(cpuStream(), {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
  cpuStream().wait();
  return env.Undefined();
}

}  // namespace

void registerMatmul(Napi::Env env, Napi::Object exports) {
  exports.Set("batchMatMul", Napi::Function::New(env, guarded<BatchMatMul>, "batchMatMul"));
}

}  // namespace dcgan
