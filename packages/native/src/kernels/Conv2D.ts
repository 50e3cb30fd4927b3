// Conv2D: y [N, oH, oW, outC] = conv(x [N, H, W, inC], filter [fH, fW, inC, outC]) on oneDNN.
import { backend_util, Conv2D } from '@tensorflow/tfjs-core';
import type { Conv2DAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { convGeometry, fullWindowGemm } from './conv_util.js';
import { cpuFallback, f32, output, sizeOf, type NativeKernelArgs } from './kernel_util.js';

export function conv2D(args: NativeKernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as Conv2DAttrs;
  const xv = f32(backend, x), wv = f32(backend, filter);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    strides, dilations, pad, dimRoundingMode, false, backend_util.convertConv2DDataFormat(dataFormat));
  const geometry = convGeometry(info);
  if (xv === null || wv === null || geometry === null) return cpuFallback(Conv2D, args) as TensorInfo;
  const y = backend.alloc(sizeOf(info.outShape));
  const gemm = fullWindowGemm(geometry);
  if (gemm !== null) {
    const [n, k, outC] = gemm;  // y [N, outC] = x [N, K] @ filter [K, outC]
    backend.addon.batchMatMul(xv, wv, y, [1, 1, n, k, outC, 0, 0]);
  } else {
    backend.addon.conv2d(xv, wv, y, geometry);
  }
  return output(backend, info.outShape, y);
}

export const conv2DConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'native',
  kernelFunc: conv2D as unknown as KernelFunc,
};
