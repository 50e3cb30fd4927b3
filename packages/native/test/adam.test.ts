// The fused Adam kernel against the same update written with TF.js ops (packages/core's Adam):
// bit-identical on `native`, within float32 rounding of the cpu backend, over several steps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { DCGAN_ADAM } from '../src/index.js';
import { rand, skip } from './util.js';

const S = { lr: 2e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 };

/** `steps` Adam steps on w with gradients g_t, fused or composite; returns w, m, v as arrays. */
function run(backend: string, fused: boolean, steps: number, n: number): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    let w = tf.tensor1d(rand(n, 1)), m = tf.zerosLike(w), v = tf.zerosLike(w);
    for (let t = 1; t <= steps; t++) {
      // Gradients of mixed magnitude, some exactly 0.
      const g = tf.mul(tf.tensor1d(rand(n, 100 + t)), tf.tensor1d(rand(n, 200 + t, 0, 2).map((x) => (x < 0.1 ? 0 : x ** 4))));
      const stepSize = S.lr / (1 - S.beta1 ** t);
      const sqrtCorrection2 = Math.sqrt(1 - S.beta2 ** t);
      if (fused) {
        [w, m, v] = tf.engine().runKernel(DCGAN_ADAM, { param: w, grad: g, m, v },
          { beta1: S.beta1, beta2: S.beta2, epsilon: S.epsilon, stepSize, sqrtCorrection2 }) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
      } else {
        // packages/core/src/training/adam.ts, verbatim.
        m = tf.add(tf.mul(m, S.beta1), tf.mul(g, 1 - S.beta1));
        v = tf.add(tf.mul(v, S.beta2), tf.mul(tf.square(g), 1 - S.beta2));
        const denominator = tf.add(tf.div(tf.sqrt(v), sqrtCorrection2), S.epsilon);
        w = tf.sub(w, tf.mul(tf.div(m, denominator), stepSize));
      }
    }
    return [w, m, v].map((x) => x.dataSync().slice() as Float32Array);
  }) as unknown as Float32Array[];
}

describe('fused Adam', { skip }, () => {
  for (const n of [7, 100_003]) {
    test(`${n} parameters, 5 steps: bit-identical to the composite on native`, () => {
      const fused = run('native', true, 5, n);
      const composite = run('native', false, 5, n);
      fused.forEach((a, k) => assert.deepEqual(new Uint32Array(a.buffer), new Uint32Array(composite[k]!.buffer), `output ${k}`));
    });
  }

  test('within float32 rounding of the composite on cpu', () => {
    const fused = run('native', true, 5, 1001);
    const cpu = run('cpu', false, 5, 1001);
    fused.forEach((a, k) => {
      const c = cpu[k]!;
      for (let i = 0; i < a.length; i++) {
        if (!(Math.abs(a[i]! - c[i]!) <= 1e-6 * Math.abs(c[i]!) + 1e-12)) assert.fail(`output ${k}[${i}]: ${a[i]} vs cpu ${c[i]}`);
      }
    });
  });
});
