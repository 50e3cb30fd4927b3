// Shared by BatchMatMul and _FusedMatMul: a @ b on oneDNN's matmul (csrc/matmul.cc).
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

import { f32, output, sizeOf, type NativeKernelArgs } from './kernel_util.js';

/**
 * a [...batchA, M, K] (or [..., K, M] if transposeA) @ b [...batchB, K, N] (or [..., N, K]) ->
 * [...broadcast(batchA, batchB), M, N]; null (caller falls back to cpu) unless both are float32,
 * the batch dims are equal or one side has a single batch, and nothing is empty.
 */
export function nativeMatMul(
  args: NativeKernelArgs, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean,
): { info: TensorInfo; values: Float32Array } | null {
  const { backend } = args;
  const av = f32(backend, a), bv = f32(backend, b);
  if (av === null || bv === null || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length, rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const Kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (K !== Kb) return null;  // the cpu kernel raises tfjs's own error message
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const batchA = sizeOf(outerA), batchB = sizeOf(outerB);
  if (!(batchA === batchB && util.arraysEqual(outerA, outerB)) && batchA !== 1 && batchB !== 1) return null;
  const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const outShape = [...outer, M, N];
  if (M * N * K * Math.max(batchA, batchB) === 0) return null;
  const values = backend.alloc(sizeOf(outShape));
  backend.addon.batchMatMul(av, bv, values, [batchA, batchB, M, K, N, transposeA ? 1 : 0, transposeB ? 1 : 0]);
  return { info: output(backend, outShape, values), values };
}
