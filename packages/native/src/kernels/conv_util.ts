// Conv2DInfo (tfjs's geometry, padding already resolved) -> the addon's 17-integer geometry.
import type { backend_util } from '@tensorflow/tfjs-core';

import type { ConvGeometry } from '../binding.js';

/**
 * The addon's geometry for `info`, or null when oneDNN cannot express it (the caller falls back
 * to cpu): NCHW data, or padding that cannot be made consistent with the output size.
 *
 * oneDNN requires floor((in - effK + padBefore + padAfter) / stride) + 1 == out. TF.js's own padding
 * satisfies it except with dimRoundingMode 'ceil' (or odd explicit pads), where the last output
 * window reaches past the padded input; the cpu backend reads those positions as zeros, so we pad
 * after by exactly the amount the output reads, which computes the same result.
 */
export function convGeometry(info: backend_util.Conv2DInfo): ConvGeometry | null {
  if (info.dataFormat !== 'channelsLast') return null;
  const effH = (info.filterHeight - 1) * info.dilationHeight + 1;
  const effW = (info.filterWidth - 1) * info.dilationWidth + 1;
  const { top, left } = info.padInfo;
  const bottom = afterPad(info.inHeight, effH, info.strideHeight, top, info.padInfo.bottom, info.outHeight);
  const right = afterPad(info.inWidth, effW, info.strideWidth, left, info.padInfo.right, info.outWidth);
  if (top < 0 || left < 0 || bottom === null || right === null) return null;
  if (info.batchSize * info.inHeight * info.inWidth * info.inChannels === 0) return null;
  if (info.outHeight * info.outWidth * info.outChannels === 0) return null;
  return [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth, top, bottom, left, right,
  ];
}

/** The after-padding oneDNN should get along one spatial axis, or null if none works. */
function afterPad(inSize: number, effK: number, stride: number, before: number, after: number, out: number): number | null {
  const consistent = (p: number) => p >= 0 && Math.floor((inSize - effK + before + p) / stride) + 1 === out;
  if (consistent(after)) return after;
  const needed = (out - 1) * stride + effK - inSize - before;
  return consistent(needed) ? needed : null;
}

/**
 * When the filter covers the whole (unpadded) input and the output is 1x1, a convolution is one
 * matrix product: y [N, outC] = x [N, K] @ filter [K, outC] with K = fH*fW*inC (NHWC rows and HWIO
 * filters flatten in the same order). The DCGAN generator's projection (1x1 -> 4x4 transposed
 * conv) and the discriminator's 4x4 -> 1x1 head are of this form, and oneDNN's sgemm runs them
 * 5-20x faster than its direct convolution kernels at these shapes. Returns [N, K, outC] or null.
 */
export function fullWindowGemm(g: ConvGeometry): [number, number, number] | null {
  const [n, inH, inW, inC, outH, outW, outC, fH, fW, , , dH, dW, pT, pB, pL, pR] = g as number[];
  if (outH !== 1 || outW !== 1 || inH !== fH || inW !== fW || dH !== 1 || dW !== 1) return null;
  if (pT !== 0 || pB !== 0 || pL !== 0 || pR !== 0) return null;
  return [n!, fH! * fW! * inC!, outC!];
}
