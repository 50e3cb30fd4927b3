// Conv2DBackpropFilter: dfilter [fH, fW, inC, outC] from x [N, H, W, inC] and dy [N, oH, oW, outC].
// conv2d's filter gradient; with x and dy swapped by TF.js, also conv2dTranspose's.
import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { convGeometry, fullWindowGemm } from './conv_util.js';
import { cpuFallback, f32, output, sizeOf, type NativeKernelArgs } from './kernel_util.js';

export function conv2DBackpropFilter(args: NativeKernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const xv = f32(backend, x), dyv = f32(backend, dy);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1 /* dilations */, pad, dimRoundingMode,
    false, backend_util.convertConv2DDataFormat(dataFormat));
  const geometry = convGeometry(info);
  const dyMatches = info.outShape.every((d, i) => d === dy.shape[i]);
  if (xv === null || dyv === null || geometry === null || !dyMatches) {
    return cpuFallback(Conv2DBackpropFilter, args) as TensorInfo;
  }
  const dw = backend.alloc(sizeOf(filterShape));
  const gemm = fullWindowGemm(geometry);
  if (gemm !== null) {
    const [n, k, outC] = gemm;  // dfilter [K, outC] = x [N, K]^T @ dy [N, outC]
    backend.addon.batchMatMul(xv, dyv, dw, [1, 1, k, n, outC, 1, 0]);
  } else {
    backend.addon.conv2dBackpropFilter(xv, dyv, dw, geometry);
  }
  return output(backend, [...filterShape], dw);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'native',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
