// FusedBatchNorm (tf.batchNorm): offset + (x - mean) * scale / sqrt(variance + eps), parameters
// applied cyclically over the flat index like the cpu backend (csrc/batchnorm.cc).
import { FusedBatchNorm } from '@tensorflow/tfjs-core';
import type { FusedBatchNormAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { cpuFallback, f32, output, type NativeKernelArgs } from './kernel_util.js';

export function fusedBatchNorm(args: NativeKernelArgs): TensorInfo {
  const { backend } = args;
  const { x, mean, variance, offset, scale } = args.inputs as {
    x: TensorInfo; mean: TensorInfo; variance: TensorInfo; offset?: TensorInfo; scale?: TensorInfo;
  };
  const { varianceEpsilon } = args.attrs as unknown as FusedBatchNormAttrs;
  const xv = f32(backend, x), mv = f32(backend, mean), vv = f32(backend, variance);
  const ov = offset == null ? null : f32(backend, offset);
  const sv = scale == null ? null : f32(backend, scale);
  const paramsOk = (offset == null || ov !== null) && (scale == null || sv !== null);
  if (xv === null || mv === null || vv === null || !paramsOk || mv.length === 0 || vv.length === 0 ||
      (ov !== null && ov.length === 0) || (sv !== null && sv.length === 0)) {
    return cpuFallback(FusedBatchNorm, args) as TensorInfo;
  }
  const out = backend.alloc(xv.length);
  backend.addon.batchNorm(xv, mv, vv, ov, sv, varianceEpsilon ?? 0.001, out);
  return output(backend, [...x.shape], out);
}

export const fusedBatchNormConfig: KernelConfig = {
  kernelName: FusedBatchNorm,
  backendName: 'native',
  kernelFunc: fusedBatchNorm as unknown as KernelFunc,
};
