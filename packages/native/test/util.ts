// Test helpers: run the same computation on `native` and `cpu` from identical inputs and compare.
import assert from 'node:assert/strict';

import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' Node bundle registers all of them.
import '@tensorflow/tfjs-layers';

import { nativeBackendError } from '../src/index.js';

/**
 * Why native tests are skipped (the addon did not build: no oneDNN), else undefined. With
 * DCGAN_REQUIRE_NATIVE=1 (CI) a missing addon fails instead of skipping.
 */
export const skip: string | undefined = (() => {
  const err = nativeBackendError();
  if (err === null) return undefined;
  if (process.env.DCGAN_REQUIRE_NATIVE === '1') throw new Error(`DCGAN_REQUIRE_NATIVE=1 but ${err}`);
  process.stderr.write(`# skipping native tests: ${err}\n`);
  return err;
})();

/** Deterministic uniform floats in [lo, hi) (mulberry32). */
export function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Input spec: a shape plus data, recreated as a fresh tensor on each backend. */
export type Input = { shape: number[]; data: Float32Array };

export function input(shape: number[], seed: number, lo = -1, hi = 1): Input {
  return { shape, data: rand(size(shape), seed, lo, hi) };
}

/** Runs fn on `backend` with tensors made from `inputs`; returns every output's shape and data. */
export function runOn(
  backend: string, inputs: Input[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): { shape: number[]; data: Float32Array }[] {
  tf.setBackend(backend);
  assert.equal(tf.getBackend(), backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.data, i.shape, 'float32'));
    const out = fn(...xs);
    return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array }));
  });
}

/**
 * Asserts `native` and `cpu` agree on fn(inputs): same shapes, same NaN positions, and
 * |native - cpu| <= atol + rtol * |cpu| elementwise (float32 tolerance; rtol scaled by the caller
 * for long accumulations such as convolutions).
 */
export function assertParity(
  label: string, inputs: Input[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], rtol = 1e-5, atol = 1e-6,
): void {
  const got = runOn('native', inputs, fn);
  const want = runOn('cpu', inputs, fn);
  assert.equal(got.length, want.length, `${label}: output count`);
  for (let k = 0; k < want.length; k++) {
    const g = got[k]!, w = want[k]!;
    assert.deepEqual(g.shape, w.shape, `${label}: output ${k} shape`);
    assert.equal(g.data.length, w.data.length);
    for (let i = 0; i < w.data.length; i++) {
      const a = g.data[i]!, b = w.data[i]!;
      if (a === b) continue;  // also equal infinities
      // Messages are built only on failure: these loops see millions of elements.
      const ok = Number.isNaN(a) || Number.isNaN(b)
        ? Number.isNaN(a) && Number.isNaN(b)
        : Math.abs(a - b) <= atol + rtol * Math.abs(b);
      if (!ok) assert.fail(`${label}: output ${k}[${i}] native ${a} vs cpu ${b} (|diff| ${Math.abs(a - b)})`);
    }
  }
}
