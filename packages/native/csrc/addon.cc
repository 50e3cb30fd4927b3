// Module entry: thread configuration, version info, and the registration of every kernel family.
#include <omp.h>

#include <cstdlib>

#include "common.h"

namespace dcgan {

namespace {
int gThreads = 0;

// DCGAN_THREADS (a positive integer) wins; otherwise OpenMP's default (OMP_NUM_THREADS or the
// number of cores). Fixed once at load: determinism is per thread count.
int initialThreads() {
  const char* env = std::getenv("DCGAN_THREADS");
  if (env != nullptr) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  return omp_get_max_threads();
}
}  // namespace

dnnl::engine& cpuEngine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dnnl::stream& cpuStream() {
  static dnnl::stream s(cpuEngine());
  return s;
}

int numThreads() { return gThreads; }

static Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int64_t n = intArg(info, 0, "threads");
  require(info.Env(), n > 0 && n <= 1024, "threads must be in [1, 1024]");
  gThreads = static_cast<int>(n);
  omp_set_num_threads(gThreads);
  return info.Env().Undefined();
}

static Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), gThreads);
}

static Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  const dnnl_version_t* v = dnnl_version();
  o.Set("onednn", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  o.Set("cpuRuntime", v->cpu_runtime == DNNL_RUNTIME_OMP ? "omp" : "other");
  o.Set("threads", gThreads);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  gThreads = initialThreads();
  omp_set_num_threads(gThreads);
  exports.Set("setNumThreads", Napi::Function::New(env, guarded<SetNumThreads>, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, guarded<GetNumThreads>, "getNumThreads"));
  exports.Set("info", Napi::Function::New(env, guarded<Info>, "info"));
  registerConv(env, exports);
  registerElementwise(env, exports);
  registerReduce(env, exports);
  registerTranspose(env, exports);
  registerTile(env, exports);
  registerMatmul(env, exports);
  registerBatchnorm(env, exports);
  return exports;
}

}  // namespace dcgan

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return dcgan::Init(env, exports); }

NODE_API_MODULE(dcgan_native, InitModule)
