// Shared implementation of the float32 reductions over any axes (csrc/reduce.cc).
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import type { ReduceOp } from '../binding.js';
import { cpuFallback, f32, output, sizeOf, type NativeKernelArgs } from './kernel_util.js';

export function reduceKernelConfig(
  kernelName: string,
  op: ReduceOp,
  axisOf: (attrs: NamedAttrMap) => number | number[],
): KernelConfig {
  const kernelFunc = (args: NativeKernelArgs): TensorInfo => {
    const { backend } = args;
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as NamedAttrMap;
    const xv = f32(backend, x);
    const axes = util.parseAxisParam(axisOf(attrs), x.shape).sort((p, q) => p - q);  // non-negative
    // Empty inputs, no-op reductions and repeated axes (whose output shape tfjs defines oddly) keep
    // the cpu backend's exact semantics.
    const repeated = axes.some((a, i) => i > 0 && a === axes[i - 1]);
    if (xv === null || axes.length === 0 || xv.length === 0 || repeated) return cpuFallback(kernelName, args) as TensorInfo;
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const out = backend.alloc(sizeOf(outShape));
    backend.addon.reduce(op, xv, x.shape, axes, out);
    const shape = attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    return output(backend, shape, out);
  };
  return { kernelName, backendName: 'native', kernelFunc: kernelFunc as unknown as KernelFunc };
}
