// FusedConv2D: activation(conv2d(x, filter) + bias). tfjs-layers' Conv2D layer runs here (it calls
// tf.fused.conv2d even without bias or activation; packages/core's bias-free D convolutions call
// tf.conv2d instead, for its lazier gradient). Conv on oneDNN, epilogue in place.
import { backend_util, FusedConv2D } from '@tensorflow/tfjs-core';
import type { FusedConv2DAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { convGeometry, fullWindowGemm } from './conv_util.js';
import { biasActivationInPlace, canFuseNatively } from './fused_util.js';
import { cpuFallback, f32, output, sizeOf, type NativeKernelArgs } from './kernel_util.js';

export function fusedConv2D(args: NativeKernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
  const { strides, pad, dataFormat, dilations, dimRoundingMode, activation, leakyreluAlpha } =
    args.attrs as unknown as FusedConv2DAttrs;
  const xv = f32(backend, x), wv = f32(backend, filter);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    strides, dilations, pad, dimRoundingMode, false, backend_util.convertConv2DDataFormat(dataFormat));
  const geometry = convGeometry(info);
  if (xv === null || wv === null || geometry === null || !canFuseNatively(backend, info.outShape, bias, activation)) {
    return cpuFallback(FusedConv2D, args) as TensorInfo;
  }
  const y = backend.alloc(sizeOf(info.outShape));
  const gemm = fullWindowGemm(geometry);
  if (gemm !== null) {
    const [n, k, outC] = gemm;  // y [N, outC] = x [N, K] @ filter [K, outC]
    backend.addon.batchMatMul(xv, wv, y, [1, 1, n, k, outC, 0, 0]);
  } else {
    backend.addon.conv2d(xv, wv, y, geometry);
  }
  biasActivationInPlace(backend, y, info.outShape, bias, activation, leakyreluAlpha);
  return output(backend, info.outShape, y);
}

export const fusedConv2DConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'native',
  kernelFunc: fusedConv2D as unknown as KernelFunc,
};
