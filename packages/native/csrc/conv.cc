// Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter on oneDNN, NHWC activations, HWIO filters.
//
// TF layouts: x [N, H, W, inC], filter [fh, fw, inC, outC] (HWIO), y [N, outH, outW, outC].
// oneDNN's logical dims are {N, C, H, W} and {OC, IC, KH, KW}; the physical layouts are given by
// format tags (nhwc, hwio), so activations are read and written in place without any reorder.
// Filters are small: we let oneDNN choose its preferred (blocked) weight layout (`any`) and reorder
// into / out of it on every call, into a buffer owned by the cached primitive. For the DCGAN layers
// the reorder costs <1% of the convolution and the blocked layout is what the fast JIT kernels need.
//
// Primitives are created once per geometry and cached (creation JITs code: ~ms).
#include <memory>
#include <mutex>
#include <unordered_map>

#include "common.h"

namespace dcgan {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// Geometry passed from TS as 17 integers (see src/kernels/conv_util.ts `convGeometry`):
// N, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW, dilH, dilW, padT, padB, padL, padR.
// Pads must already satisfy oneDNN's rule (in - eff_k + pT + pB) / s + 1 == out exactly.
struct Geometry {
  int64_t n, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, dH, dW, pT, pB, pL, pR;

  static Geometry from(const Napi::CallbackInfo& info, size_t i) {
    auto v = intsArg(info, i, "conv geometry");
    require(info.Env(), v.size() == 17, "conv geometry must have 17 entries");
    Geometry g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16]};
    for (int64_t d : v) require(info.Env(), d >= 0, "conv geometry entries must be >= 0");
    require(info.Env(), g.sH > 0 && g.sW > 0 && g.dH > 0 && g.dW > 0, "strides and dilations must be > 0");
    int64_t effH = (g.fH - 1) * g.dH + 1, effW = (g.fW - 1) * g.dW + 1;
    require(info.Env(), (g.inH - effH + g.pT + g.pB) / g.sH + 1 == g.outH &&
                            (g.inW - effW + g.pL + g.pR) / g.sW + 1 == g.outW,
            "conv geometry: pads inconsistent with output size");
    return g;
  }

  std::string key(char kind) const {
    std::string k(1, kind);
    for (int64_t d : {n, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, dH, dW, pT, pB, pL, pR}) {
      k += ',';
      k += std::to_string(d);
    }
    return k;
  }

  memory::desc srcMd() const { return memory::desc({n, inC, inH, inW}, dt::f32, tag::nhwc); }
  memory::desc dstMd() const { return memory::desc({n, outC, outH, outW}, dt::f32, tag::nhwc); }
  memory::desc userWeightsMd() const { return memory::desc({outC, inC, fH, fW}, dt::f32, tag::hwio); }
  memory::desc anyWeightsMd() const { return memory::desc({outC, inC, fH, fW}, dt::f32, tag::any); }
  memory::dims strides() const { return {sH, sW}; }
  memory::dims dilates() const { return {dH - 1, dW - 1}; }  // oneDNN counts the holes: 0 = dense
  memory::dims padL() const { return {pT, pL}; }
  memory::dims padR() const { return {pB, pR}; }

  dnnl::convolution_forward::primitive_desc forwardPd() const {
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                      srcMd(), anyWeightsMd(), dstMd(), strides(), dilates(), padL(), padR());
    return dnnl::convolution_forward::primitive_desc(d, cpuEngine());
  }
};

// A cached primitive plus the weight reorder between TF's HWIO and the primitive's layout.
struct ConvEntry {
  dnnl::primitive prim;
  memory::desc weightsMd;       // the primitive's weights (or diff_weights) layout
  bool needsReorder = false;    // weightsMd != HWIO
  dnnl::reorder reorder;        // HWIO -> weightsMd (fwd, bwd data) or weightsMd -> HWIO (bwd filter)
  std::vector<float> weights;   // storage for weightsMd when it differs from HWIO
};

std::mutex gCacheMutex;
std::unordered_map<std::string, std::unique_ptr<ConvEntry>> gCache;

// Builds the reorder and its buffer when the primitive prefers another weight layout.
void setupWeights(ConvEntry& e, const Geometry& g, const memory::desc& primWeights, bool toUser) {
  e.weightsMd = primWeights;
  e.needsReorder = primWeights != g.userWeightsMd();
  if (!e.needsReorder) return;
  e.weights.resize(primWeights.get_size() / sizeof(float));
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
  Geometry g = Geometry::from(info, 3);
  requireSize(env, x, g.n * g.inH * g.inW * g.inC, "conv2d x");
  requireSize(env, w, g.fH * g.fW * g.inC * g.outC, "conv2d filter");
  requireSize(env, y, g.n * g.outH * g.outW * g.outC, "conv2d y");

  ConvEntry& e = cached(g.key('F'), [&](ConvEntry& e) {
    auto pd = g.forwardPd();
    e.prim = dnnl::convolution_forward(pd);
    setupWeights(e, g, pd.weights_desc(), /*toUser=*/false);
  });
  memory src(g.srcMd(), cpuEngine(), x.data), dst(g.dstMd(), cpuEngine(), y.data);
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
  Geometry g = Geometry::from(info, 3);
  requireSize(env, dy, g.n * g.outH * g.outW * g.outC, "conv2dBackpropInput dy");
  requireSize(env, w, g.fH * g.fW * g.inC * g.outC, "conv2dBackpropInput filter");
  requireSize(env, dx, g.n * g.inH * g.inW * g.inC, "conv2dBackpropInput dx");

  ConvEntry& e = cached(g.key('D'), [&](ConvEntry& e) {
    auto hint = g.forwardPd();
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, g.srcMd(), g.anyWeightsMd(),
                                            g.dstMd(), g.strides(), g.dilates(), g.padL(), g.padR());
    dnnl::convolution_backward_data::primitive_desc pd(d, cpuEngine(), hint);
    e.prim = dnnl::convolution_backward_data(pd);
    setupWeights(e, g, pd.weights_desc(), /*toUser=*/false);
  });
  memory diffDst(g.dstMd(), cpuEngine(), dy.data), diffSrc(g.srcMd(), cpuEngine(), dx.data);
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
  Geometry g = Geometry::from(info, 3);
  requireSize(env, x, g.n * g.inH * g.inW * g.inC, "conv2dBackpropFilter x");
  requireSize(env, dy, g.n * g.outH * g.outW * g.outC, "conv2dBackpropFilter dy");
  requireSize(env, dw, g.fH * g.fW * g.inC * g.outC, "conv2dBackpropFilter dfilter");

  ConvEntry& e = cached(g.key('W'), [&](ConvEntry& e) {
    auto hint = g.forwardPd();
    dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, g.srcMd(), g.anyWeightsMd(),
                                               g.dstMd(), g.strides(), g.dilates(), g.padL(), g.padR());
    dnnl::convolution_backward_weights::primitive_desc pd(d, cpuEngine(), hint);
    e.prim = dnnl::convolution_backward_weights(pd);
    setupWeights(e, g, pd.diff_weights_desc(), /*toUser=*/true);
  });
  memory src(g.srcMd(), cpuEngine(), x.data), diffDst(g.dstMd(), cpuEngine(), dy.data);
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
