// Shared implementation of the float32 comparisons with broadcasting (csrc/elementwise.cc): bool
// outputs, one byte per element as the cpu backend stores them. Other dtypes run the cpu kernel.
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import type { CompareOp } from '../binding.js';
import { cpuFallback, f32, sizeOf, type NativeKernelArgs } from './kernel_util.js';

export function compareKernelConfig(kernelName: string, op: CompareOp): KernelConfig {
  const kernelFunc = (args: NativeKernelArgs): TensorInfo => {
    const { backend } = args;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const av = f32(backend, a), bv = f32(backend, b);
    if (av === null || bv === null) return cpuFallback(kernelName, args) as TensorInfo;
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = new Uint8Array(sizeOf(outShape));
    if (out.length > 0) backend.addon.compare(op, av, a.shape, bv, b.shape, out, outShape);
    return backend.makeTensorInfo(outShape, 'bool', out);
  };
  return { kernelName, backendName: 'native', kernelFunc: kernelFunc as unknown as KernelFunc };
}
