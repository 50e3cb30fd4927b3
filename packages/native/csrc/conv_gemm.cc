// Convolution gradients as GEMMs in bf16, for the shapes where oneDNN 2.6's direct bf16 kernels are slow.
//
// With K = fH*fW*inC and P = N*outH*outW (one row per output pixel), a convolution is y [P, outC] =
// cols [P, K] @ filter [K, outC] (HWIO is exactly [K, outC] row-major), where cols = im2col(x) holds, for each
// output pixel, the inC values under each filter tap (zeros in the padding). So
//   filter gradient: dfilter [K, outC] = cols^T @ dy [P, outC]          (im2col, then one matmul)
//   input gradient:  dcols [P, K] = dy @ filter^T, dx = col2im(dcols)  (one matmul, then a scatter-add)
// oneDNN's matmul runs bf16 x bf16 -> f32 on AVX512-BF16 and AMX. The batch goes through in chunks of images so
// that cols stays under kColsBudget elements (peak memory), the filter gradient accumulating across chunks. Changing
// the budget changes the chunks and so the filter gradient's summation order: results are reproducible for a build.
#include <omp.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "conv_gemm.h"

namespace dcgan {
namespace {

using dnnl::memory;

// Largest cols chunk, in elements (16 MiB of bf16, or 32 MiB of float32 for the input gradient's dcols; for one
// call only). The whole batch of most DCGAN layers fits: one matmul.
constexpr int64_t kColsBudget = int64_t{8} << 20;

// Images per chunk for a geometry: as many as fit the budget, at least one.
int64_t imagesPerChunk(const Geometry& g) {
  int64_t perImage = g.outH * g.outW * g.fH * g.fW * g.inC;
  return std::max<int64_t>(1, std::min<int64_t>(g.n, kColsBudget / std::max<int64_t>(perImage, 1)));
}

// matmul primitives by (geometry, direction, rows, accumulate): at most a full and a remainder chunk each.
std::mutex gMutex;
std::unordered_map<std::string, std::unique_ptr<dnnl::matmul>> gCache;

dnnl::matmul& cachedMatmul(const std::string& key, const memory::desc& a, const memory::desc& b, const memory::desc& c,
                           bool accumulate) {
  std::lock_guard<std::mutex> lock(gMutex);
  auto it = gCache.find(key);
  if (it != gCache.end()) return *it->second;
  dnnl::primitive_attr attr;
  if (accumulate) {
    dnnl::post_ops ops;
    ops.append_sum(1.f);  // c += a @ b
    attr.set_post_ops(ops);
  }
  dnnl::matmul::desc d(a, b, c);
  auto prim = std::make_unique<dnnl::matmul>(dnnl::matmul::primitive_desc(d, attr, cpuEngine()));
  return *gCache.emplace(key, std::move(prim)).first->second;
}

// cols [nb*outH*outW, K] (bf16) = im2col of images n0..n0+nb of x [N,H,W,inC].
void im2colBf16(const Geometry& g, const float* x, int64_t n0, int64_t nb, uint16_t* cols) {
  const int64_t K = g.fH * g.fW * g.inC, rows = nb * g.outH * g.outW;
#pragma omp parallel for schedule(static) num_threads(numThreads())
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t b = r / (g.outH * g.outW), oh = (r / g.outW) % g.outH, ow = r % g.outW;
    uint16_t* dst = cols + r * K;
    for (int64_t kh = 0; kh < g.fH; ++kh) {
      const int64_t ih = oh * g.sH - g.pT + kh * g.dH;
      for (int64_t kw = 0; kw < g.fW; ++kw, dst += g.inC) {
        const int64_t iw = ow * g.sW - g.pL + kw * g.dW;
        if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) {
          std::memset(dst, 0, g.inC * sizeof(uint16_t));
          continue;
        }
        const float* src = x + (((n0 + b) * g.inH + ih) * g.inW + iw) * g.inC;
        for (int64_t c = 0; c < g.inC; ++c) dst[c] = bf16Of(src[c]);
      }
    }
  }
}

// dx of images n0..n0+nb += col2im(dcols [nb*outH*outW, K]); one thread per image (images do not overlap).
void col2imAdd(const Geometry& g, const float* dcols, int64_t n0, int64_t nb, float* dx) {
  const int64_t K = g.fH * g.fW * g.inC;
#pragma omp parallel for schedule(static) num_threads(numThreads())
  for (int64_t b = 0; b < nb; ++b) {
    float* image = dx + (n0 + b) * g.inH * g.inW * g.inC;
    for (int64_t oh = 0; oh < g.outH; ++oh) {
      for (int64_t ow = 0; ow < g.outW; ++ow) {
        const float* src = dcols + ((b * g.outH + oh) * g.outW + ow) * K;
        for (int64_t kh = 0; kh < g.fH; ++kh) {
          const int64_t ih = oh * g.sH - g.pT + kh * g.dH;
          for (int64_t kw = 0; kw < g.fW; ++kw, src += g.inC) {
            const int64_t iw = ow * g.sW - g.pL + kw * g.dW;
            if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) continue;
            float* dst = image + (ih * g.inW + iw) * g.inC;
            for (int64_t c = 0; c < g.inC; ++c) dst[c] += src[c];
          }
        }
      }
    }
  }
}

// DCGAN_CONV_GEMM=all|none overrides the rule (for measuring it; results then differ from the default's).
int gemmOverride() {
  static const int v = [] {
    const char* e = std::getenv("DCGAN_CONV_GEMM");
    if (e == nullptr) return -1;
    return std::string(e) == "all" ? 1 : std::string(e) == "none" ? 0 : -1;
  }();
  return v;
}

}  // namespace

bool gemmIsFaster(const Geometry& g, char direction) {
  if (gemmOverride() >= 0) return gemmOverride() == 1;
  // Measured per layer of the 64x64x3 DCGAN, batch 128, on AVX512-BF16 (packages/native/bench/conv_bench.ts --bf16
  // with DCGAN_CONV_GEMM=none and =all; docs/performance.md): oneDNN 2.6's direct bf16 kernels lose to the GEMM
  // where the output map is small and the channels many (filter gradient up to 8x8 outputs: 33 -> 16 ms at 4x4,
  // 25 -> 19 ms at 8x8; input gradient at 4x4: 59 -> 39 ms), and for the input gradient of an image layer (3
  // channels: 10.7 -> 7.4 ms). Elsewhere (16x16 outputs and up) the direct kernels are 10-30% faster.
  const int64_t pixels = g.outH * g.outW;
  if (direction == 'W') return pixels <= 64 && g.inC >= 64;
  return (pixels <= 16 && g.inC >= 64) || g.inC <= 4;
}

void conv2dBackpropFilterGemm(const Geometry& g, const float* x, const float* dy, float* dfilter) {
  const int64_t K = g.fH * g.fW * g.inC, pixels = g.outH * g.outW, chunk = imagesPerChunk(g);
  CallBuffer<uint16_t> dyCopy, colsBuffer;
  uint16_t* dyb = bf16Copy(dyCopy, dy, g.n * pixels * g.outC);
  uint16_t* cols = colsBuffer.allocate(chunk * pixels * K);
  const memory::desc c({K, g.outC}, dt::f32, memory::dims{g.outC, 1});
  for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
    const int64_t nb = std::min(chunk, g.n - n0), rows = nb * pixels;
    im2colBf16(g, x, n0, nb, cols);
    // a = cols^T: [K, rows] over cols [rows, K]; b = dy's rows [rows, outC].
    const memory::desc a({K, rows}, dt::bf16, memory::dims{1, K}), b({rows, g.outC}, dt::bf16, memory::dims{g.outC, 1});
    const bool accumulate = n0 > 0;
    auto& mm = cachedMatmul(g.key('w') + ":" + std::to_string(rows) + (accumulate ? "+" : ""), a, b, c, accumulate);
    memory ma(a, cpuEngine(), cols), mb(b, cpuEngine(), dyb + n0 * pixels * g.outC), mc(c, cpuEngine(), dfilter);
    mm.execute(cpuStream(), {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
  }
  cpuStream().wait();
}

void conv2dBackpropInputGemm(const Geometry& g, const float* dy, const float* filter, float* dx) {
  const int64_t K = g.fH * g.fW * g.inC, pixels = g.outH * g.outW, chunk = imagesPerChunk(g);
  CallBuffer<uint16_t> dyCopy, filterCopy;
  CallBuffer<float> dcolsBuffer;
  uint16_t* dyb = bf16Copy(dyCopy, dy, g.n * pixels * g.outC);
  uint16_t* wb = bf16Copy(filterCopy, filter, K * g.outC);
  float* dcols = dcolsBuffer.allocate(chunk * pixels * K);
  std::memset(dx, 0, g.n * g.inH * g.inW * g.inC * sizeof(float));
  // b = filter^T: [outC, K] over the HWIO filter [K, outC].
  const memory::desc b({g.outC, K}, dt::bf16, memory::dims{1, g.outC});
  for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
    const int64_t nb = std::min(chunk, g.n - n0), rows = nb * pixels;
    const memory::desc a({rows, g.outC}, dt::bf16, memory::dims{g.outC, 1}), c({rows, K}, dt::f32, memory::dims{K, 1});
    auto& mm = cachedMatmul(g.key('d') + ":" + std::to_string(rows), a, b, c, false);
    memory ma(a, cpuEngine(), dyb + n0 * pixels * g.outC), mb(b, cpuEngine(), wb), mc(c, cpuEngine(), dcols);
    mm.execute(cpuStream(), {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
    cpuStream().wait();
    col2imAdd(g, dcols, n0, nb, dx);
  }
}

}  // namespace dcgan
