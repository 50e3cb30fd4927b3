// Shared implementation of the float32 binary kernels with NumPy-style broadcasting
// (csrc/elementwise.cc). Other dtypes (int32, bool, complex64) run the cpu kernel.
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import type { BinaryOp } from '../binding.js';
import { cpuFallback, f32, output, sizeOf, type NativeKernelArgs } from './kernel_util.js';

/** out = op(a, b) broadcast to the common shape, or null when a or b is not float32. */
export function nativeBinary(args: NativeKernelArgs, op: BinaryOp, a: TensorInfo, b: TensorInfo): TensorInfo | null {
  const { backend } = args;
  const av = f32(backend, a), bv = f32(backend, b);
  if (av === null || bv === null) return null;
  const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const out = backend.alloc(sizeOf(outShape));
  if (out.length > 0) backend.addon.binary(op, av, a.shape, bv, b.shape, out, outShape);
  return output(backend, outShape, out);
}

export function binaryKernelConfig(kernelName: string, op: BinaryOp): KernelConfig {
  const kernelFunc = (args: NativeKernelArgs): TensorInfo => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    return nativeBinary(args, op, a, b) ?? (cpuFallback(kernelName, args) as TensorInfo);
  };
  return { kernelName, backendName: 'native', kernelFunc: kernelFunc as unknown as KernelFunc };
}
