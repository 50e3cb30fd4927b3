// Convolutions as GEMMs in bf16 (conv_gemm.cc): im2col + matmul for the filter gradient, matmul + col2im for the
// input gradient, where oneDNN's direct bf16 kernels are slow (see gemmIsFaster).
#pragma once

#include "conv_geometry.h"

namespace dcgan {

// Whether the GEMM formulation of this direction ('D': backward-data, 'W': backward-weights) is the faster one
// for this geometry in bf16. A fixed rule, not a timing: the choice, and so the results, must not depend on the
// machine's load (runs are bit-reproducible).
bool gemmIsFaster(const Geometry& g, char direction);

// dfilter [fH*fW*inC, outC] (HWIO, float32) = im2col(x)^T @ dy, in bf16 with float32 accumulation.
void conv2dBackpropFilterGemm(const Geometry& g, const float* x, const float* dy, float* dfilter);

// dx [N,H,W,inC] (float32) = col2im(dy @ filter^T), in bf16 with float32 accumulation.
void conv2dBackpropInputGemm(const Geometry& g, const float* dy, const float* filter, float* dx);

}  // namespace dcgan
