// The geometry of one convolution, shared by the oneDNN primitives (conv.cc) and the GEMM formulation
// (conv_gemm.cc).
#pragma once

#include <string>

#include "common.h"

namespace dcgan {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

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

  // What the convolutions read: float32, or bf16 copies in bf16 mode. Results are always float32.
  dt inputs = dt::f32;

  std::string key(char kind) const {
    std::string k(1, kind);
    if (inputs == dt::bf16) k += "bf16";
    for (int64_t d : {n, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, dH, dW, pT, pB, pL, pR}) {
      k += ',';
      k += std::to_string(d);
    }
    return k;
  }

  dnnl::memory::desc srcMd(dt type = dt::f32) const { return dnnl::memory::desc({n, inC, inH, inW}, type, tag::nhwc); }
  dnnl::memory::desc dstMd(dt type = dt::f32) const { return dnnl::memory::desc({n, outC, outH, outW}, type, tag::nhwc); }
  dnnl::memory::desc userWeightsMd() const { return dnnl::memory::desc({outC, inC, fH, fW}, dt::f32, tag::hwio); }
  dnnl::memory::desc anyWeightsMd(dt type) const { return dnnl::memory::desc({outC, inC, fH, fW}, type, tag::any); }
  dnnl::memory::dims strides() const { return {sH, sW}; }
  dnnl::memory::dims dilates() const { return {dH - 1, dW - 1}; }  // oneDNN counts the holes: 0 = dense
  dnnl::memory::dims padL() const { return {pT, pL}; }
  dnnl::memory::dims padR() const { return {pB, pR}; }

  dnnl::convolution_forward::primitive_desc forwardPd() const {
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                      srcMd(inputs), anyWeightsMd(inputs), dstMd(), strides(), dilates(), padL(),
                                      padR());
    return dnnl::convolution_forward::primitive_desc(d, cpuEngine());
  }
};

}  // namespace dcgan
