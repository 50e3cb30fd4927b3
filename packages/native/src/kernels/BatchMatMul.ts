// BatchMatMul: [..., M, K] @ [..., K, N] with optional transposes and batch broadcasting
// (float32; oneDNN matmul). Dense layers and matMul's gradients run here.
import { BatchMatMul } from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { cpuFallback, type NativeKernelArgs } from './kernel_util.js';
import { nativeMatMul } from './matmul_impl.js';

export function batchMatMul(args: NativeKernelArgs): TensorInfo {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
  return nativeMatMul(args, a, b, transposeA, transposeB)?.info ?? (cpuFallback(BatchMatMul, args) as TensorInfo);
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'native',
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
