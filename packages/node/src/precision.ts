import { DcganError } from '@dcgan-ts/core';
import type { BackendName } from './backend.js';
import { importNative } from './backend.js';

/** What --precision takes: fp32, bf16 (convolutions on the CPU's bf16 units), or auto (bf16 where the CPU has them). */
export const PRECISION_CHOICES = ['auto', 'fp32', 'bf16'] as const;
/** A --precision value. */
export type PrecisionChoice = (typeof PRECISION_CHOICES)[number];
/** The precision a run computes in. */
export type Precision = Exclude<PrecisionChoice, 'auto'>;

/** The help text of every command's --precision. */
export const PRECISION_HELP =
  'convolutions in fp32, or bf16 (bf16 inputs, float32 accumulation; weights, optimizer, batch norm and losses stay ' +
  'float32): auto = bf16 on the native backend where the CPU has AVX512-BF16 or AMX-BF16, else fp32';

/** The precision selectPrecision set, the bf16 instructions behind it, and a line for the user when it matters. */
export interface PrecisionSelection {
  name: Precision;
  /** 'amx' or 'avx512_bf16' when bf16 runs on them; null for fp32. */
  isa: 'amx' | 'avx512_bf16' | null;
  /** Why auto chose what it chose, or what bf16 runs on: one line. */
  note: string;
}

const ISA_WORDS = { amx: 'AMX-BF16', avx512_bf16: 'AVX512-BF16' } as const;

/**
 * Sets the precision of the convolutions on the active backend, or fails with one line saying why:
 * - `fp32`: float32 throughout (every backend);
 * - `bf16`: the native backend on a CPU with bf16 instructions (AVX512-BF16 or AMX-BF16), else an error;
 * - `auto`: bf16 where `bf16` would run, else fp32, with the reason in `note`.
 * The setting is process-wide on `native` and stays until the next call.
 */
export async function selectPrecision(choice: PrecisionChoice, backend: BackendName): Promise<PrecisionSelection> {
  const native = backend === 'native' ? await importNative() : null;
  const isa = native?.nativeBf16Isa?.() ?? null;
  native?.setNativePrecision?.('fp32');
  if (choice === 'fp32') return { name: 'fp32', isa: null, note: 'precision fp32' };
  const unavailable =
    backend !== 'native'
      ? `bf16 runs on the native backend only, and this is ${backend}`
      : isa === null
        ? 'this CPU has no bf16 instructions (AVX512-BF16 or AMX-BF16)'
        : null;
  if (unavailable !== null) {
    if (choice === 'bf16') throw new DcganError(`--precision bf16: ${unavailable}; use --precision fp32`);
    return { name: 'fp32', isa: null, note: `precision fp32: ${unavailable}` };
  }
  native!.setNativePrecision!('bf16');
  return { name: 'bf16', isa, note: `precision bf16: convolutions on ${ISA_WORDS[isa!]}, float32 accumulation` };
}

/** The convolutions' precision on `native` now (fp32 without the package). */
export async function currentPrecision(): Promise<Precision> {
  return (await importNative())?.nativePrecision?.() ?? 'fp32';
}

/** Puts back a precision currentPrecision() returned (a library call leaves the process as it found it). */
export async function restorePrecision(precision: Precision): Promise<void> {
  const native = await importNative();
  if (native?.nativePrecision?.() !== precision) native?.setNativePrecision?.(precision);
}

/**
 * Runs `fn` with the convolutions in fp32, then restores the precision it found: quality metrics measure every run
 * through the same float32 feature extractor, as `dcgan eval` does, whatever precision the run trains in.
 */
export async function inFp32<T>(fn: () => Promise<T>): Promise<T> {
  const before = await currentPrecision();
  await restorePrecision('fp32');
  try {
    return await fn();
  } finally {
    await restorePrecision(before);
  }
}
