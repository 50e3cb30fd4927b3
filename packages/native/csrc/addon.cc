// Module entry: thread configuration, version info, and the registration of every kernel family.
#include <malloc.h>
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
// Keeps freed memory in the process for reuse. V8 allocates ArrayBuffers with glibc's calloc,
// which serves large blocks with fresh mmaps and unmaps them on free; every new tensor's pages are
// then faulted in again on first write (~16 us per 4 KiB page on the VMs we measured: 130 ms for a
// 32 MiB activation). Tensors the native kernels produce come from the backend's pool; this
// covers the rest (tf.ones in gradients, cpu kernels), whose memory V8 frees at GC. From the
// heap, a reused block costs calloc's memset instead. Process-wide, so opt-out:
// DCGAN_MALLOC_TUNING=0.
void tuneMalloc() {
  const char* env = std::getenv("DCGAN_MALLOC_TUNING");
  if (env != nullptr && env[0] == '0') return;
  mallopt(M_MMAP_MAX, 0);              // large blocks from the heap too, not from mmap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);  // keep freed heap memory instead of returning it
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
  tuneMalloc();
  exports.Set("setNumThreads", Napi::Function::New(env, guarded<SetNumThreads>, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, guarded<GetNumThreads>, "getNumThreads"));
  exports.Set("info", Napi::Function::New(env, guarded<Info>, "info"));
  registerConv(env, exports);
  registerElementwise(env, exports);
  registerReduce(env, exports);
  registerTranspose(env, exports);
  registerTile(env, exports);
  registerAdam(env, exports);
  registerMatmul(env, exports);
  registerBatchnorm(env, exports);
  registerActivationGrad(env, exports);
  registerPrecision(env, exports);
  return exports;
}

}  // namespace dcgan

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return dcgan::Init(env, exports); }

NODE_API_MODULE(dcgan_native, InitModule)
