// Transpose: out dim d = x dim perm[d] (float32; csrc/transpose.cc). Other dtypes run cpu's.
import { Transpose } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, TransposeAttrs } from '@tensorflow/tfjs-core';

import { cpuFallback, f32, output, type NativeKernelArgs } from './kernel_util.js';

export function transpose(args: NativeKernelArgs): TensorInfo {
  const { backend } = args;
  const { x } = args.inputs as { x: TensorInfo };
  const { perm } = args.attrs as unknown as TransposeAttrs;
  const xv = f32(backend, x);
  if (xv === null || perm.length !== x.shape.length) return cpuFallback(Transpose, args) as TensorInfo;
  const outShape = perm.map((p) => x.shape[p]!);
  const out = backend.alloc(xv.length);
  backend.addon.transpose(xv, x.shape, perm, out);
  return output(backend, outShape, out);
}

export const transposeConfig: KernelConfig = {
  kernelName: Transpose,
  backendName: 'native',
  kernelFunc: transpose as unknown as KernelFunc,
};
