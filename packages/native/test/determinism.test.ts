// Same inputs and thread count -> bit-identical results, run after run: the forward and backward
// convolutions and the reductions of a DCGAN-sized layer, with both cores busy.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { nativeInfo, setNativeThreads } from '../src/index.js';
import { rand, skip } from './util.js';

/** One D layer's forward and backward (conv k4 s2 'same', batch norm statistics, LeakyReLU). */
function layerStep(x0: Float32Array, w0: Float32Array): Uint32Array[] {
  tf.setBackend('native');
  return bits(tf.tidy(() => {
    const x = tf.tensor4d(x0, [16, 16, 16, 32]);
    const w = tf.tensor4d(w0, [4, 4, 32, 64]);
    const f = (a: tf.Tensor, b: tf.Tensor) => {
      const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same');
      const { mean, variance } = tf.moments(y, [0, 1, 2], true);
      return tf.sum(tf.leakyRelu(tf.mul(tf.sub(y, mean), tf.rsqrt(tf.add(variance, 1e-5))), 0.2));
    };
    const [gx, gw] = tf.grads(f)([x, w]);
    const tconv = tf.conv2dTranspose(tf.slice(x, [0, 0, 0, 0], [16, 8, 8, 32]), tf.transpose(w, [0, 1, 3, 2]),
      [16, 16, 16, 64], 2, 'same');
    return [f(x, w), gx!, gw!, tconv, tf.sum(tconv, [0, 1, 2])];
  }));
}

/** Bit patterns, not values: -0 vs 0 and NaN payloads count as differences. Disposes the tensors. */
function bits(ts: tf.Tensor[]): Uint32Array[] {
  const out = ts.map((t) => new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
  tf.dispose(ts);
  return out;
}

describe('determinism', { skip }, () => {
  const x0 = rand(16 * 16 * 16 * 32, 41), w0 = rand(4 * 4 * 32 * 64, 42);

  test('same inputs twice -> identical bits (conv fwd/bwd, moments, reductions)', () => {
    const a = layerStep(x0, w0);
    const b = layerStep(x0, w0);
    for (let k = 0; k < a.length; k++) assert.deepEqual(a[k], b[k], `output ${k} differs between runs`);
  });

  test('elementwise kernels and reductions do not depend on the thread count', () => {
    // Fixed-block reductions: 1 thread and 2 threads give the same bits (convolutions may not).
    const threads = nativeInfo()!.threads;
    const run = () => {
      tf.setBackend('native');
      return bits(tf.tidy(() => {
        const x = tf.tensor4d(x0, [16, 16, 16, 32]);
        return [tf.sum(x), tf.mean(x, [0, 1, 2]), tf.max(x, 3), tf.mul(tf.tanh(x), tf.tensor1d(w0.subarray(0, 32)))];
      }));
    };
    try {
      setNativeThreads(1);
      const one = run();
      setNativeThreads(2);
      const two = run();
      for (let k = 0; k < one.length; k++) assert.deepEqual(one[k], two[k], `output ${k} differs between 1 and 2 threads`);
    } finally {
      setNativeThreads(threads);
    }
  });
});
