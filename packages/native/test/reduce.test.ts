// Parity of native reductions, transpose, batch matmul and batch norm with the cpu backend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { nativeFallbackCounts } from '../src/index.js';
import { assertParity, input, skip, type Input } from './util.js';

const AXES: (number | number[] | undefined)[] = [
  undefined, 0, 1, 3, -1, [0, 1, 2], [1, 2], [0, 2], [0, 3], [1, 3], [0, 1, 2, 3], [3, 0],
];

describe('reductions, native vs cpu', { skip }, () => {
  const ops: [string, (x: tf.Tensor, axis: number | number[] | undefined, keep: boolean) => tf.Tensor][] = [
    ['Sum', (x, a, k) => tf.sum(x, a, k)],
    ['Mean', (x, a, k) => tf.mean(x, a, k)],
    ['Max', (x, a, k) => tf.max(x, a, k)],
    ['Min', (x, a, k) => tf.min(x, a, k)],
  ];
  for (const [name, op] of ops) {
    test(`${name} over every kind of axis set`, () => {
      nativeFallbackCounts(true);
      for (const shape of [[3, 4, 5, 6], [1, 7, 1, 5], [2, 1, 9, 3]]) {
        for (const axis of AXES) {
          for (const keep of [false, true]) {
            assertParity(`${name} ${JSON.stringify(shape)} axis ${JSON.stringify(axis)} keepDims ${keep}`,
              [input(shape, 3)], (x) => op(x!, axis, keep), 1e-5, 1e-6);
          }
        }
      }
      // Batch norm's moments: NHWC over N, H, W (long columns: the blocked, threaded path).
      assertParity(`${name} moments-shaped`, [input([64, 16, 16, 32], 4)], (x) => op(x!, [0, 1, 2], true), 1e-5, 1e-6);
      assertParity(`${name} full`, [input([100003], 5)], (x) => op(x!, undefined, false), 1e-5, 1e-6);
      assertParity(`${name} NaN`, [{ shape: [2, 3], data: new Float32Array([1, NaN, 3, 4, 5, 6]) }],
        (x) => op(x!, 1, false));
      assert.equal(nativeFallbackCounts()[name], undefined, `${name} fell back to cpu`);
    });
  }

  test('moments (batch-norm statistics) and their gradients', () => {
    assertParity('moments', [input([8, 5, 5, 16], 6), input([8, 5, 5, 16], 7)], (x, dy) => {
      const f = (v: tf.Tensor) => {
        const { mean, variance } = tf.moments(v, [0, 1, 2], true);
        return tf.mul(tf.sub(v, mean), tf.rsqrt(tf.add(variance, 1e-3)));
      };
      return [f(x!), tf.grad(f)(x!, dy)];
    }, 1e-4, 1e-5);
  });
});

describe('transpose, native vs cpu', { skip }, () => {
  test('permutations of rank 2 to 5', () => {
    nativeFallbackCounts(true);
    const cases: [number[], number[]][] = [
      [[5, 7], [1, 0]],
      [[2, 3, 4, 5], [0, 3, 1, 2]],  // NHWC -> NCHW
      [[2, 3, 4, 5], [0, 2, 3, 1]],  // NCHW -> NHWC
      [[2, 3, 4, 5], [3, 2, 1, 0]],
      [[2, 3, 4, 5], [0, 1, 3, 2]],
      [[2, 3, 4, 5], [1, 0, 2, 3]],  // merged inner run: memcpy rows
      [[1, 3, 1, 5], [2, 3, 0, 1]],
      [[2, 3, 1, 4, 5], [4, 0, 3, 2, 1]],
      [[64, 32, 32, 16], [0, 3, 1, 2]],
    ];
    for (const [shape, perm] of cases) {
      assertParity(`transpose ${JSON.stringify(shape)} ${JSON.stringify(perm)}`, [input(shape, 8)], (x) => tf.transpose(x!, perm), 0, 0);
    }
    assert.equal(nativeFallbackCounts().Transpose, undefined);
  });
});

describe('batch matmul, native vs cpu', { skip }, () => {
  test('shapes, transposes and batch broadcasting', () => {
    nativeFallbackCounts(true);
    const cases: [number[], number[], boolean, boolean][] = [
      [[3, 4], [4, 5], false, false],
      [[4, 3], [4, 5], true, false],
      [[3, 4], [5, 4], false, true],
      [[4, 3], [5, 4], true, true],
      [[1, 1], [1, 1], false, false],
      [[2, 3, 4], [2, 4, 5], false, false],
      [[2, 3, 4], [4, 5], false, false],
      [[3, 4], [2, 4, 5], false, false],
      [[2, 1, 3, 4], [1, 4, 5], false, false],
      [[7, 33, 65], [7, 17, 65], false, true],
      [[128, 100], [100, 8192], false, false],
    ];
    for (const [sa, sb, ta, tb] of cases) {
      assertParity(`matMul ${JSON.stringify(sa)} ${JSON.stringify(sb)} ${ta} ${tb}`, [input(sa, 9), input(sb, 10)],
        (a, b) => tf.matMul(a!, b!, ta, tb), 1e-4, 1e-5);
    }
    assert.equal(nativeFallbackCounts().BatchMatMul, undefined);
  });

  test('fused matMul: bias and activations, and its gradients', () => {
    for (const activation of ['linear', 'relu', 'leakyrelu', 'sigmoid', 'elu', 'relu6'] as const) {
      assertParity(`fused matMul ${activation}`, [input([6, 7], 11), input([7, 5], 12), input([5], 13)], (a, b, bias) =>
        tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation }), 1e-4, 1e-5);
    }
    assertParity('fused matMul grads', [input([6, 7], 14), input([7, 5], 15), input([5], 16)], (a, b, bias) =>
      tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias: z, activation: 'relu' }))([a!, b!, bias!]), 1e-4, 1e-5);
  });
});

describe('batch norm, native vs cpu', { skip }, () => {
  test('per-channel, (W, C) and mixed-length parameters, with and without offset/scale', () => {
    nativeFallbackCounts(true);
    const x = input([4, 5, 5, 6], 17);
    const ch = (seed: number, lo = -1, hi = 1): Input => input([6], seed, lo, hi);
    assertParity('bn per channel', [x, ch(18), ch(19, 0.1, 2), ch(20), ch(21)],
      (v, m, s2, o, s) => tf.batchNorm(v!, m!, s2!, o, s, 1e-3), 1e-5, 1e-6);
    assertParity('bn no offset/scale', [x, ch(22), ch(23, 0.1, 2)], (v, m, s2) => tf.batchNorm(v!, m!, s2!), 1e-5, 1e-6);
    // Parameters over (W, C): applied cyclically over the flat index, every 30 elements.
    const wc = (seed: number, lo = -1, hi = 1): Input => input([5, 6], seed, lo, hi);
    assertParity('bn (W, C) parameters', [x, wc(24), wc(25, 0.1, 2), wc(26), wc(27)],
      (v, m, s2, o, s) => tf.batchNorm(v!, m!, s2!, o, s, 1e-3), 1e-5, 1e-6);
    // Mixed lengths: the general cyclic path.
    assertParity('bn mixed parameters', [x, wc(28), wc(29, 0.1, 2), input([1, 6], 30), input([1, 6], 31)],
      (v, m, s2, o, s) => tf.batchNorm(v!, m!, s2!, o, s, 1e-3), 1e-5, 1e-6);
    assert.equal(nativeFallbackCounts().FusedBatchNorm, undefined);
  });
});
