// Helpers shared by the native kernels: typed access to tensor storage and the cpu fallback.
import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../backend.js';

export interface NativeKernelArgs {
  inputs: NamedTensorInfoMap;
  backend: NativeBackend;
  attrs?: NamedAttrMap;
}

const fallbacks = new Map<string, number>();

/**
 * How often each native kernel handed its call to the cpu kernel since start (or the last reset):
 * shows which calls of a workload are not accelerated.
 */
export function fallbackCounts(reset = false): Record<string, number> {
  const counts = Object.fromEntries(fallbacks);
  if (reset) fallbacks.clear();
  return counts;
}

/**
 * Runs the `cpu` backend's implementation of `kernelName` on our backend (it is a MathBackendCPU,
 * so cpu kernels work on its storage unchanged). Used for dtypes and configurations the native
 * kernel does not handle (int32/bool/complex, NCHW, empty tensors, ...).
 */
export function cpuFallback(kernelName: string, args: NativeKernelArgs): TensorInfo | TensorInfo[] {
  fallbacks.set(kernelName, (fallbacks.get(kernelName) ?? 0) + 1);
  const config = getKernel(kernelName, 'cpu');
  if (config === undefined) throw new Error(`native: no cpu kernel ${kernelName} to fall back to`);
  return (config.kernelFunc as KernelFunc)(args as unknown as Parameters<KernelFunc>[0]);
}

/** The Float32Array behind a float32 tensor, or null (other dtype, or values stored otherwise). */
export function f32(backend: NativeBackend, t: TensorInfo | null | undefined): Float32Array | null {
  if (t == null || t.dtype !== 'float32') return null;
  const values = backend.data.get(t.dataId)?.values;
  return values instanceof Float32Array ? values : null;
}

/** Wraps a freshly computed Float32Array as the kernel's output tensor (no copy). */
export function output(backend: NativeBackend, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
