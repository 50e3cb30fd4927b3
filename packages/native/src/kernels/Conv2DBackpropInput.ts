// Conv2DBackpropInput: dx [N, H, W, inC] from dy [N, oH, oW, outC] and filter [fH, fW, inC, outC].
// conv2d's input gradient, and conv2dTranspose's forward pass (the generator's upsampling layers).
import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { convGeometry, fullWindowGemm } from './conv_util.js';
import { cpuFallback, f32, output, sizeOf, type NativeKernelArgs } from './kernel_util.js';

export function conv2DBackpropInput(args: NativeKernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const dyv = f32(backend, dy), wv = f32(backend, filter);
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1 /* dilations */, pad, dimRoundingMode,
    false, backend_util.convertConv2DDataFormat(dataFormat));
  const geometry = convGeometry(info);
  const dyMatches = info.outShape.every((d, i) => d === dy.shape[i]);
  if (dyv === null || wv === null || geometry === null || !dyMatches) {
    return cpuFallback(Conv2DBackpropInput, args) as TensorInfo;
  }
  const dx = backend.alloc(sizeOf(inputShape));
  const gemm = fullWindowGemm(geometry);
  if (gemm !== null) {
    const [n, k, outC] = gemm;  // dx [N, K] = dy [N, outC] @ filter [K, outC]^T
    backend.addon.batchMatMul(dyv, wv, dx, [1, 1, n, outC, k, 0, 1]);
  } else {
    backend.addon.conv2dBackpropInput(dyv, wv, dx, geometry);
  }
  return output(backend, [...inputShape], dx);
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'native',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
