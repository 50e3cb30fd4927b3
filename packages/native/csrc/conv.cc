// Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter on oneDNN, NHWC activations, HWIO filters.
//
// TF layouts: x [N, H, W, inC], filter [fh, fw, inC, outC] (HWIO), y [N, outH, outW, outC].
// oneDNN's logical dims are {N, C, H, W} and {OC, IC, KH, KW}; the physical layouts are given by
// format tags (nhwc, hwio), so activations are read and written in place without any reorder.
// Filters are small: we let oneDNN choose its preferred (blocked) weight layout (`any`) and reorder
// into / out of it on every call, into a buffer owned by the cached primitive. For the DCGAN layers
// the reorder costs <1% of the convolution and the blocked layout is what the fast JIT kernels need.
//
// In bf16 mode (csrc/precision.cc) each convolution reads bf16 copies of its inputs (x or dy, and the
// filter, rounded to nearest even) and accumulates and writes float32: src/diff_dst/weights bf16, dst/diff_src/
// diff_weights f32. The copies of activations live for the call; the filter's goes to the entry's own buffer, as
// the fp32 reorder does. Where conv_gemm.cc's rule says oneDNN's direct bf16 kernel is the slower, a gradient runs
// as a GEMM there instead.
//
// Primitives are created once per geometry and precision and cached (creation JITs code: ~ms).
#include <memory>
#include <mutex>
#include <unordered_map>

#include "common.h"
#include "conv_geometry.h"
#include "conv_gemm.h"

namespace dcgan {
namespace {

using dnnl::memory;

// A cached primitive plus the weight reorder between TF's HWIO and the primitive's layout.
struct ConvEntry {
  dnnl::primitive prim;
  memory::desc weightsMd;       // the primitive's weights (or diff_weights) layout
  bool needsReorder = false;    // weightsMd != HWIO
  dnnl::reorder reorder;        // HWIO -> weightsMd (fwd, bwd data) or weightsMd -> HWIO (bwd filter)
  std::vector<float> weights;   // storage for weightsMd when it differs from HWIO (bytes / 4, rounded up)
};

// Geometry from the call, in the process's current precision.
Geometry geometryArg(const Napi::CallbackInfo& info, size_t i) {
  Geometry g = Geometry::from(info, i);
  if (bf16Enabled()) g.inputs = dt::bf16;
  return g;
}

// An activation-shaped input as the primitive reads it: the float32 array itself, or (bf16 mode) its bf16 copy in
// `copy`, which the caller keeps until the primitive has run.
memory activation(const Geometry& g, const memory::desc& f32Md, float* data, CallBuffer<uint16_t>& copy) {
  if (g.inputs == dt::f32) return memory(f32Md, cpuEngine(), data);
  memory::desc md(f32Md.dims(), dt::bf16, tag::nhwc);
  const int64_t n = static_cast<int64_t>(f32Md.get_size() / sizeof(float));
  return memory(md, cpuEngine(), bf16Copy(copy, data, n));
}

std::mutex gCacheMutex;
std::unordered_map<std::string, std::unique_ptr<ConvEntry>> gCache;

// Builds the reorder and its buffer when the primitive prefers another weight layout.
void setupWeights(ConvEntry& e, const Geometry& g, const memory::desc& primWeights, bool toUser) {
  e.weightsMd = primWeights;
  e.needsReorder = primWeights != g.userWeightsMd();
  if (!e.needsReorder) return;
  e.weights.resize((primWeights.get_size() + sizeof(float) - 1) / sizeof(float));
  memory user(g.userWeightsMd(), cpuEngine(), DNNL_MEMORY_NONE);
  memory prim(primWeights, cpuEngine(), DNNL_MEMORY_NONE);
  e.reorder = toUser ? dnnl::reorder(prim, user) : dnnl::reorder(user, prim);
}

template <typename Make>
ConvEntry& cached(const std::string& key, Make make) {
  std::lock_guard<std::mutex> lock(gCacheMutex);
  auto it = gCache.find(key);
  if (it != gCache.end()) return *it->second;
  auto e = std::make_unique<ConvEntry>();
  make(*e);
  return *gCache.emplace(key, std::move(e)).first->second;
}

// Weights as the primitive wants them: the user's HWIO buffer itself, or a reordered copy.
memory primWeights(ConvEntry& e, const Geometry& g, float* hwio) {
  memory user(g.userWeightsMd(), cpuEngine(), hwio);
  if (!e.needsReorder) return user;
  memory prim(e.weightsMd, cpuEngine(), e.weights.data());
  e.reorder.execute(cpuStream(), user, prim);
  return prim;
}

// conv2d(x, filter, y, geometry): y = conv(x, filter). x [N,H,W,inC], filter HWIO, y [N,oH,oW,outC].
Napi::Value Conv2D(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x = f32Arg(info, 0, "x"), w = f32Arg(info, 1, "filter"), y = f32Out(info, 2, "y");
  Geometry g = geometryArg(info, 3);
  requireSize(env, x, g.n * g.inH * g.inW * g.inC, "conv2d x");
  requireSize(env, w, g.fH * g.fW * g.inC * g.outC, "conv2d filter");
  requireSize(env, y, g.n * g.outH * g.outW * g.outC, "conv2d y");

  ConvEntry& e = cached(g.key('F'), [&](ConvEntry& e) {
    auto pd = g.forwardPd();
    e.prim = dnnl::convolution_forward(pd);
    setupWeights(e, g, pd.weights_desc(), /*toUser=*/false);
  });
  CallBuffer<uint16_t> xCopy;
  memory src = activation(g, g.srcMd(), x.data, xCopy), dst(g.dstMd(), cpuEngine(), y.data);
  memory wts = primWeights(e, g, w.data);
  e.prim.execute(cpuStream(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wts}, {DNNL_ARG_DST, dst}});
  cpuStream().wait();
  return env.Undefined();
}

// conv2dBackpropInput(dy, filter, dx, geometry): dx = d(conv)/dx applied to dy.
// dy [N,oH,oW,outC], filter HWIO, dx [N,H,W,inC]. Also the forward pass of conv2dTranspose.
Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 dy = f32Arg(info, 0, "dy"), w = f32Arg(info, 1, "filter"), dx = f32Out(info, 2, "dx");
  Geometry g = geometryArg(info, 3);
  requireSize(env, dy, g.n * g.outH * g.outW * g.outC, "conv2dBackpropInput dy");
  requireSize(env, w, g.fH * g.fW * g.inC * g.outC, "conv2dBackpropInput filter");
  requireSize(env, dx, g.n * g.inH * g.inW * g.inC, "conv2dBackpropInput dx");

  if (g.inputs == dt::bf16 && gemmIsFaster(g, 'D')) {
    conv2dBackpropInputGemm(g, dy.data, w.data, dx.data);
    return env.Undefined();
  }
  ConvEntry& e = cached(g.key('D'), [&](ConvEntry& e) {
    auto hint = g.forwardPd();
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, g.srcMd(),
                                            g.anyWeightsMd(g.inputs), g.dstMd(g.inputs), g.strides(), g.dilates(),
                                            g.padL(), g.padR());
    dnnl::convolution_backward_data::primitive_desc pd(d, cpuEngine(), hint);
    e.prim = dnnl::convolution_backward_data(pd);
    setupWeights(e, g, pd.weights_desc(), /*toUser=*/false);
  });
  CallBuffer<uint16_t> dyCopy;
  memory diffDst = activation(g, g.dstMd(), dy.data, dyCopy), diffSrc(g.srcMd(), cpuEngine(), dx.data);
  memory wts = primWeights(e, g, w.data);
  e.prim.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, diffDst}, {DNNL_ARG_WEIGHTS, wts}, {DNNL_ARG_DIFF_SRC, diffSrc}});
  cpuStream().wait();
  return env.Undefined();
}

// conv2dBackpropFilter(x, dy, dfilter, geometry): dfilter = d(conv)/dfilter applied to dy.
// x [N,H,W,inC], dy [N,oH,oW,outC], dfilter HWIO. Also conv2dTranspose's filter gradient.
Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x = f32Arg(info, 0, "x"), dy = f32Arg(info, 1, "dy"), dw = f32Out(info, 2, "dfilter");
  Geometry g = geometryArg(info, 3);
  requireSize(env, x, g.n * g.inH * g.inW * g.inC, "conv2dBackpropFilter x");
  requireSize(env, dy, g.n * g.outH * g.outW * g.outC, "conv2dBackpropFilter dy");
  requireSize(env, dw, g.fH * g.fW * g.inC * g.outC, "conv2dBackpropFilter dfilter");

  if (g.inputs == dt::bf16 && gemmIsFaster(g, 'W')) {
    conv2dBackpropFilterGemm(g, x.data, dy.data, dw.data);
    return env.Undefined();
  }
  ConvEntry& e = cached(g.key('W'), [&](ConvEntry& e) {
    auto hint = g.forwardPd();
    dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, g.srcMd(g.inputs),
                                               g.anyWeightsMd(dt::f32), g.dstMd(g.inputs), g.strides(),
                                               g.dilates(), g.padL(), g.padR());
    dnnl::convolution_backward_weights::primitive_desc pd(d, cpuEngine(), hint);
    e.prim = dnnl::convolution_backward_weights(pd);
    setupWeights(e, g, pd.diff_weights_desc(), /*toUser=*/true);
  });
  CallBuffer<uint16_t> xCopy, dyCopy;
  memory src = activation(g, g.srcMd(), x.data, xCopy), diffDst = activation(g, g.dstMd(), dy.data, dyCopy);
  memory user(g.userWeightsMd(), cpuEngine(), dw.data);
  memory diffW = e.needsReorder ? memory(e.weightsMd, cpuEngine(), e.weights.data()) : user;
  e.prim.execute(cpuStream(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diffDst}, {DNNL_ARG_DIFF_WEIGHTS, diffW}});
  if (e.needsReorder) e.reorder.execute(cpuStream(), diffW, user);
  cpuStream().wait();
  return env.Undefined();
}

Napi::Value ConvCacheSize(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(gCacheMutex);
  return Napi::Number::New(info.Env(), static_cast<double>(gCache.size()));
}

}  // namespace

void registerConv(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, guarded<Conv2D>, "conv2d"));
  exports.Set("conv2dBackpropInput", Napi::Function::New(env, guarded<Conv2DBackpropInput>, "conv2dBackpropInput"));
  exports.Set("conv2dBackpropFilter", Napi::Function::New(env, guarded<Conv2DBackpropFilter>, "conv2dBackpropFilter"));
  exports.Set("convCacheSize", Napi::Function::New(env, guarded<ConvCacheSize>, "convCacheSize"));
}

}  // namespace dcgan
