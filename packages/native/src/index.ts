// @dcgan-ts/native: importing this module registers the TF.js backend `native` (oneDNN kernels on
// top of tfjs-backend-cpu) when its addon loads. It never throws on import: when the addon is
// missing, `nativeBackendError()` says why and how to fix it, and `cpu` keeps working.
//
//   import '@dcgan-ts/native';
//   await tf.setBackend('native');
import '@tensorflow/tfjs-backend-cpu';  // registers `cpu` and its kernels, which we mirror
import { findBackend, registerBackend } from '@tensorflow/tfjs-core';

import { NATIVE_BACKEND_NAME, NativeBackend } from './backend.js';
import { loadAddon } from './binding.js';
import { fallbackCounts } from './kernels/kernel_util.js';
import { registerNativeKernels } from './register.js';

export { NATIVE_BACKEND_NAME, NativeBackend } from './backend.js';
export { NATIVE_KERNELS, registerNativeKernels } from './register.js';
export type { NativeAddon } from './binding.js';
export { fallbackCounts as nativeFallbackCounts } from './kernels/kernel_util.js';
export { DCGAN_ADAM, type DcganAdamAttrs } from './kernels/DcganAdam.js';
export { DCGAN_BATCH_NORM_ACTIVATION_TRAINING } from './kernels/DcganBatchNormActivationTraining.js';
export { DCGAN_BATCH_NORM_ACTIVATION_TRAINING_GRAD } from './kernels/DcganBatchNormActivationTrainingGrad.js';
export { DCGAN_BATCH_NORM_TRAINING } from './kernels/DcganBatchNormTraining.js';
export { DCGAN_BATCH_NORM_TRAINING_GRAD } from './kernels/DcganBatchNormTrainingGrad.js';
export { DCGAN_RELU_GRAD_FROM_OUTPUT } from './kernels/DcganReluGradFromOutput.js';

/**
 * Below `cpu` (1) and `webgl` (2): TF.js never picks `native` on its own; callers opt in with
 * tf.setBackend('native') (the CLI's --backend native|auto).
 */
export const NATIVE_BACKEND_PRIORITY = 0;

/** What loadNativeBackend says: ok, or why the addon did not load and how to fix it. */
export type NativeBackendStatus = { ok: true } | { ok: false; reason: string; fix: string };

/** Whether the addon loaded (and so whether `native` is registered), with the reason if not. */
export function loadNativeBackend(): NativeBackendStatus {
  const r = loadAddon();
  return r.ok ? { ok: true } : { ok: false, reason: r.reason, fix: r.fix };
}

/** One line naming what failed and the fix, or null when `native` is available. */
export function nativeBackendError(): string | null {
  const r = loadAddon();
  return r.ok ? null : `native backend unavailable: ${r.reason}; fix: ${r.fix}`;
}

/** oneDNN version, OpenMP runtime, and the thread count in use; null without the addon. */
export function nativeInfo(): { onednn: string; cpuRuntime: string; threads: number; addonPath: string } | null {
  const r = loadAddon();
  return r.ok ? { ...r.addon.info(), addonPath: r.path } : null;
}

/**
 * Counters for diagnosing a workload: calls each native kernel handed to cpu, the output-array
 * pool's hits and misses, and the number of cached oneDNN convolution primitives. `reset` zeroes
 * the counters (not the pool). Null without the addon or before the backend was created.
 */
export function nativeStats(reset = false): {
  fallbacks: Record<string, number>;
  pool: { pooledBytes: number; hits: number; misses: number; missBytes: number } | null;
  convPrimitives: number;
} | null {
  const r = loadAddon();
  if (!r.ok) return null;
  const backend = findBackend(NATIVE_BACKEND_NAME);
  return {
    fallbacks: fallbackCounts(reset),
    pool: backend instanceof NativeBackend ? backend.pool.stats(reset) : null,
    convPrimitives: r.addon.convCacheSize(),
  };
}

/**
 * Threads for oneDNN and the elementwise kernels (default: DCGAN_THREADS, else OpenMP's default,
 * the number of cores). Results are bit-identical across runs for a given thread count.
 */
export function setNativeThreads(n: number): void {
  const r = loadAddon();
  if (!r.ok) throw new Error(nativeBackendError()!);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`threads must be a positive integer, got ${n}`);
  r.addon.setNumThreads(n);
}

/** The convolutions' precision: `fp32`, or `bf16` (bf16 inputs, float32 accumulation and results). */
export type NativePrecision = 'fp32' | 'bf16';

/**
 * The bf16 instructions oneDNN can use on this CPU: 'amx' (AMX-BF16 tiles), 'avx512_bf16' (AVX512-BF16 dot
 * products), or null when there are none (bf16 would then be emulated, slower than fp32) or no addon.
 */
export function nativeBf16Isa(): 'amx' | 'avx512_bf16' | null {
  const r = loadAddon();
  return r.ok ? r.addon.bf16Isa() || null : null;
}

/**
 * Sets the precision of every convolution on `native` from now on (process-wide; the default is fp32). In bf16
 * the convolutions read bf16 copies of their inputs and filters and accumulate in float32; every tensor stays
 * float32. Throws when the addon is missing or, for bf16, when the CPU has no bf16 instructions (nativeBf16Isa).
 */
export function setNativePrecision(precision: NativePrecision): void {
  const r = loadAddon();
  if (!r.ok) throw new Error(nativeBackendError()!);
  if (precision === 'bf16' && !r.addon.bf16Isa()) {
    throw new Error('bf16 needs a CPU with AVX512-BF16 or AMX-BF16 instructions, and this one has neither');
  }
  r.addon.setConvPrecision(precision);
}

/** The convolutions' current precision on `native` (fp32 without the addon). */
export function nativePrecision(): NativePrecision {
  const r = loadAddon();
  return r.ok ? r.addon.getConvPrecision() : 'fp32';
}

const loaded = loadAddon();
if (loaded.ok) {
  const addon = loaded.addon;
  registerBackend(NATIVE_BACKEND_NAME, () => new NativeBackend(addon), NATIVE_BACKEND_PRIORITY);
  registerNativeKernels();
}
