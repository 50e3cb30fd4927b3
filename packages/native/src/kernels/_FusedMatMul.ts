// _FusedMatMul: activation(a @ b + bias). tfjs-layers' Dense layer runs here (tf.fused.matMul).
import { _FusedMatMul } from '@tensorflow/tfjs-core';
import type { _FusedMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { biasActivationInPlace, canFuseNatively } from './fused_util.js';
import { cpuFallback, type NativeKernelArgs } from './kernel_util.js';
import { nativeMatMul } from './matmul_impl.js';

export function fusedMatMul(args: NativeKernelArgs): TensorInfo {
  const { backend } = args;
  const { a, b, bias } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
  const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as unknown as _FusedMatMulAttrs;
  // The output shape is only known after the matmul; check the epilogue's dtype support first.
  if (!canFuseNatively(backend, [], undefined, activation) || (bias != null && bias.dtype !== 'float32')) {
    return cpuFallback(_FusedMatMul, args) as TensorInfo;
  }
  const res = nativeMatMul(args, a, b, transposeA, transposeB);
  if (res === null) return cpuFallback(_FusedMatMul, args) as TensorInfo;
  if (bias != null && !canFuseNatively(backend, res.info.shape, bias, activation)) {
    backend.disposeIntermediateTensorInfo(res.info);
    return cpuFallback(_FusedMatMul, args) as TensorInfo;
  }
  biasActivationInPlace(backend, res.values, res.info.shape, bias, activation, leakyreluAlpha);
  return res.info;
}

export const fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: 'native',
  kernelFunc: fusedMatMul as unknown as KernelFunc,
};
