// Helpers for the tests that run packages/core's ops and trainer on the native backend beside cpu (the kernels'
// own parity tests live in packages/native, which depends on TF.js alone).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients tfjs-core's Node bundle leaves out
import { Rng, Uint8ImageDataset } from '@dcgan-ts/core';
import { selectBackend } from '../src/backend.js';

tf.env().set('PROD', true);

/**
 * Why the native tests are skipped (the optional package is not installed, or its addon did not build: no oneDNN),
 * else undefined. With DCGAN_REQUIRE_NATIVE=1 (CI) a missing native backend fails instead of skipping. The package is
 * only ever imported dynamically (`nativeModule`), so that these files load without it.
 */
export const nativeSkip: string | undefined = await selectBackend('native').then(
  () => undefined,
  (e: Error) => {
    if (process.env.DCGAN_REQUIRE_NATIVE === '1') throw e;
    process.stderr.write(`# skipping native tests: ${e.message}\n`);
    return `no native backend: ${e.message}`;
  },
);

/** @dcgan-ts/native's exports when the backend runs, else null. */
export const nativeModule: typeof import('@dcgan-ts/native') | null = nativeSkip === undefined ? await import('@dcgan-ts/native') : null;

/** A shape plus data, recreated as a fresh tensor on each backend. */
export type Input = { shape: number[]; data: Float32Array };

/** Uniform values in [lo, hi) from a seeded stream. */
export function input(shape: number[], seed: number, lo = -1, hi = 1): Input {
  const rng = Rng.derive(seed);
  return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * rng.uniform()) };
}

/** Twelve random 16x16x3 images (pixels from input(..., seed)): the trainer tests' dataset. */
export function randomImages16(seed: number): Uint8ImageDataset {
  const pixels = Uint8Array.from(input([12 * 16 * 16 * 3], seed, 0, 256).data, Math.floor);
  return new Uint8ImageDataset('random', { pixels, height: 16, width: 16, channels: 3 }, 16, 3);
}

/** Runs fn on `backend` with tensors made from `inputs`; returns every output's shape and data. */
export function runOn(backend: string, inputs: Input[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Input[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const out = fn(...inputs.map((i) => tf.tensor(i.data, i.shape, 'float32')));
    return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array }));
  });
}
