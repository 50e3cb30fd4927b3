// DcganReluGradFromOutput, through packages/core's output-saving ReLU / LeakyReLU, against TF.js's own
// tf.relu / tf.leakyRelu gradients on cpu: bit for bit (the same float32 operations), with zeros,
// negatives and positives in the input. (The forward values are native's LeakyRelu kernel, which
// rounds alpha to float32 where cpu's multiplies in float64: within an ulp.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import { FUSED_RELU_GRAD_FROM_OUTPUT_KERNEL as DCGAN_RELU_GRAD_FROM_OUTPUT, leakyReluSavingOutput, reluSavingOutput } from '@dcgan-ts/core';

import { input, nativeSkip as skip, runOn, type Input } from './backends.js';

/** The input with every 7th element exactly 0, where the masks' "> 0" matters. */
function withZeros(i: Input): Input {
  return { shape: i.shape, data: i.data.map((v, k) => (k % 7 === 0 ? 0 : v)) };
}

const gradOf = (f: (x: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, dy: tf.Tensor) => [f(x), tf.grad((a: tf.Tensor) => f(a))(x, dy)];

describe('(leaky) ReLU gradient from the output', { skip }, () => {
  for (const [name, ours, stock] of [
    ['ReLU', reluSavingOutput, (x: tf.Tensor) => tf.relu(x)],
    ['LeakyReLU 0.2', leakyReluSavingOutput(0.2), (x: tf.Tensor) => tf.leakyRelu(x, 0.2)],
  ] as const) {
    test(`${name}: gradients equal TF.js's on cpu bit for bit, values to an ulp`, () => {
      const ins = [withZeros(input([3, 5, 7, 33], 1)), input([3, 5, 7, 33], 2)];
      const [y, dx] = runOn('native', ins, gradOf(ours));
      const [yRef, dxRef] = runOn('cpu', ins, gradOf(stock));
      assert.deepEqual(dx, dxRef);
      y!.data.forEach((v, i) => assert.ok(Math.abs(v - yRef!.data[i]!) <= 2 ** -23 * Math.abs(v), `y[${i}] ${v} vs ${yRef!.data[i]}`));
    });
  }

  test('runs as one kernel on native', async () => {
    tf.setBackend('native');
    const x = tf.randomNormal([4, 8]);
    const info = await tf.profile(() => { tf.dispose(tf.grad((a: tf.Tensor) => leakyReluSavingOutput(0.2)(a))(x)); });
    const names = info.kernels.map((k) => k.name);
    assert.ok(names.includes(DCGAN_RELU_GRAD_FROM_OUTPUT), names.join());
    assert.ok(!names.includes('Select') && !names.includes('Greater'), names.join());
    x.dispose();
  });
});
