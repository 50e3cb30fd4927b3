// Select (tf.where): condition ? t : e, for float32 t and e (csrc/elementwise.cc). tf.where
// broadcasts the condition first; the kernel's rank-1 form (direct runKernel calls only) runs the
// cpu kernel. LeakyRelu's gradient is select(x > 0, dy, alpha * dy).
import { Select, upcastType } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

import { cpuFallback, f32, output, type NativeKernelArgs } from './kernel_util.js';

export function select(args: NativeKernelArgs): TensorInfo {
  const { backend } = args;
  const { condition, t, e } = args.inputs as { condition: TensorInfo; t: TensorInfo; e: TensorInfo };
  const cv = backend.data.get(condition.dataId).values;
  const tv = f32(backend, t), ev = f32(backend, e);
  const sameShape = t.shape.length === e.shape.length && t.shape.every((d, i) => d === e.shape[i]);
  const condOk = cv instanceof Uint8Array && cv.length === tv?.length &&
    condition.shape.length === t.shape.length;
  if (tv === null || ev === null || !sameShape || !condOk || upcastType(t.dtype, e.dtype) !== 'float32') {
    return cpuFallback(Select, args) as TensorInfo;
  }
  const out = backend.alloc(tv.length);
  if (out.length > 0) backend.addon.select(cv as Uint8Array, tv, ev, out);
  return output(backend, [...t.shape], out);
}

export const selectConfig: KernelConfig = {
  kernelName: Select,
  backendName: 'native',
  kernelFunc: select as unknown as KernelFunc,
};
