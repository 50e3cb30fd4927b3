// Parity of the native binary (broadcasting) and unary kernels with the cpu backend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { nativeFallbackCounts } from '../src/index.js';
import { assertParity, input, skip, type Input } from './util.js';

const BINARY: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ['Add', tf.add], ['Sub', tf.sub], ['Multiply', tf.mul], ['RealDiv', tf.div], ['Maximum', tf.maximum],
  ['Minimum', tf.minimum], ['SquaredDifference', tf.squaredDifference],
];

// Broadcasting in every direction: equal shapes, scalar either side, trailing vector, a leading
// vector, both sides broadcasting in interleaved dims, rank mismatch, and a large NHWC-by-channel
// case that takes the multi-threaded path.
const SHAPES: [number[], number[]][] = [
  [[3, 4, 5], [3, 4, 5]],
  [[], [2, 3]],
  [[2, 3], []],
  [[3, 4, 5], [5]],
  [[5], [3, 4, 5]],
  [[4, 1], [4, 6]],
  [[1, 7], [3, 1]],
  [[3, 1, 5], [1, 4, 1]],
  [[2, 1, 3, 1], [1, 5, 1, 7]],
  [[6, 1, 1], [6, 5, 4]],
  [[1], [7]],
  [[7, 1, 9, 11], [7, 13, 9, 11]],
  [[64, 16, 16, 32], [32]],
  [[1, 1, 1, 32], [64, 16, 16, 32]],
  [[0, 3], [3]],
];

describe('binary kernels, native vs cpu', { skip }, () => {
  for (const [name, op] of BINARY) {
    test(`${name} with broadcasting`, () => {
      for (const [sa, sb] of SHAPES) {
        // Divisors kept away from 0 so the comparison is about the kernel, not 1/tiny.
        const b: Input = name === 'RealDiv' ? input(sb, 2, 0.5, 2) : input(sb, 2);
        assertParity(`${name} ${JSON.stringify(sa)} x ${JSON.stringify(sb)}`, [input(sa, 1), b], (x, y) => op(x!, y!));
      }
    });
  }

  test('NaN and infinities follow the cpu backend', () => {
    const a: Input = { shape: [6], data: new Float32Array([NaN, 1, -Infinity, Infinity, 0, 2]) };
    const b: Input = { shape: [6], data: new Float32Array([1, NaN, 3, -Infinity, 0, Infinity]) };
    for (const [name, op] of BINARY) assertParity(`${name} NaN`, [a, b], (x, y) => op(x!, y!));
  });

  test('int32 inputs keep cpu semantics (fallback)', () => {
    nativeFallbackCounts(true);
    for (const be of ['native', 'cpu']) {
      tf.setBackend(be);
      const r = tf.tidy(() => tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')));
      assert.equal(r.dtype, 'int32');
      assert.deepEqual([...r.dataSync()], [4, 6]);
      r.dispose();
    }
    assert.equal(nativeFallbackCounts().Add, 1);
  });
});

const UNARY: [string, (x: tf.Tensor) => tf.Tensor, number, number][] = [
  // name, op, input range
  ['Relu', tf.relu, -3, 3],
  ['LeakyRelu', (x) => tf.leakyRelu(x, 0.2), -3, 3],
  ['Tanh', tf.tanh, -5, 5],
  ['Sigmoid', tf.sigmoid, -10, 10],
  ['Exp', tf.exp, -10, 10],
  ['Log', tf.log, 1e-3, 10],
  ['Log1p', tf.log1p, -0.9, 10],
  ['Softplus', tf.softplus, -30, 30],
  ['Sqrt', tf.sqrt, 0, 10],
  ['Rsqrt', tf.rsqrt, 1e-3, 10],
  ['Square', tf.square, -3, 3],
  ['Neg', tf.neg, -3, 3],
  ['Abs', tf.abs, -3, 3],
  ['Step', (x) => tf.step(x, 0.3), -3, 3],
  ['Relu6', tf.relu6, -3, 9],
  ['Elu', tf.elu, -3, 3],
  ['Reciprocal', tf.reciprocal, 0.1, 3],
];

describe('unary kernels, native vs cpu', { skip }, () => {
  for (const [name, op, lo, hi] of UNARY) {
    test(name, () => {
      nativeFallbackCounts(true);
      for (const shape of [[1], [7, 3], [2, 5, 7, 3], [128, 9, 9, 8]]) {
        assertParity(`${name} ${JSON.stringify(shape)}`, [input(shape, 5, lo, hi)], (x) => op(x!));
      }
      // Special values: NaN, signed zeros, infinities, and softplus's thresholds (|x| = 13.9).
      const special: Input = { shape: [9], data: new Float32Array([NaN, 0, -0, Infinity, -Infinity, 13.94, -13.94, 88.8, -88.8]) };
      assertParity(`${name} special values`, [special], (x) => op(x!));
      assert.equal(nativeFallbackCounts()[name], undefined, `${name} fell back to cpu`);
    });
  }
});

const COMPARE: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ['Greater', tf.greater], ['GreaterEqual', tf.greaterEqual], ['Less', tf.less], ['LessEqual', tf.lessEqual],
  ['Equal', tf.equal], ['NotEqual', tf.notEqual],
];

describe('comparisons and select, native vs cpu', { skip }, () => {
  for (const [name, op] of COMPARE) {
    test(`${name} with broadcasting (bool output)`, () => {
      nativeFallbackCounts(true);
      for (const [sa, sb] of SHAPES) {
        // Coarse values so that equal pairs occur.
        const q = (i: Input): Input => ({ shape: i.shape, data: i.data.map((v) => Math.round(v * 2) / 2) });
        assertParity(`${name} ${JSON.stringify(sa)} x ${JSON.stringify(sb)}`, [q(input(sa, 1)), q(input(sb, 2))],
          (x, y) => tf.cast(op(x!, y!), 'float32'));
      }
      const nan: Input = { shape: [3], data: new Float32Array([NaN, 1, NaN]) };
      const one: Input = { shape: [3], data: new Float32Array([1, NaN, NaN]) };
      assertParity(`${name} NaN`, [nan, one], (x, y) => tf.cast(op(x!, y!), 'float32'));
      assert.equal(nativeFallbackCounts()[name], undefined);
      tf.setBackend('native');
      assert.equal(tf.tidy(() => op(tf.scalar(1), tf.scalar(2)).dtype), 'bool');
    });
  }

  test('Select: elementwise and broadcast conditions, and the LeakyRelu gradient through it', () => {
    nativeFallbackCounts(true);
    assertParity('where elementwise', [input([5, 7, 3], 1), input([5, 7, 3], 2), input([5, 7, 3], 3)],
      (c, a, b) => tf.where(tf.greater(c!, 0), a!, b!));
    // tf.where broadcasts the condition (through Tile) before the kernel sees it.
    assertParity('where broadcast condition', [input([5, 1, 3], 4), input([5, 7, 3], 5), input([5, 7, 3], 6)],
      (c, a, b) => tf.where(tf.greater(c!, 0), a!, b!));
    assertParity('leakyRelu grad', [input([64, 9, 9, 16], 10), input([64, 9, 9, 16], 11)],
      (x, dy) => tf.grad((v: tf.Tensor) => tf.leakyRelu(v, 0.2))(x!, dy));
    assert.equal(nativeFallbackCounts().Select, undefined);
  });

  test('Tile: every dim tiled or not, and the batch-norm gradient that uses it', () => {
    nativeFallbackCounts(true);
    const cases: [number[], number[]][] = [
      [[3], [4]], [[2, 3], [1, 1]], [[2, 3], [3, 1]], [[2, 3], [1, 4]], [[2, 1, 3], [2, 5, 2]],
      [[1, 1, 1, 16], [32, 8, 8, 1]], [[2, 3, 1, 5], [1, 2, 7, 3]], [[2, 3], [0, 2]],
    ];
    for (const [shape, reps] of cases) {
      assertParity(`tile ${JSON.stringify(shape)} x ${JSON.stringify(reps)}`, [input(shape, 9)], (x) => tf.tile(x!, reps), 0, 0);
    }
    assertParity('batchNorm gradients', [input([8, 5, 5, 16], 10), input([16], 11), input([16], 12, 0.5, 2),
      input([16], 13), input([16], 14), input([8, 5, 5, 16], 15)], (x, m, v, o, s, dy) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor, e: tf.Tensor) =>
        tf.batchNorm(a, b, c, d, e, 1e-3))([x!, m!, v!, o!, s!], dy), 1e-4, 1e-5);
    assert.equal(nativeFallbackCounts().Tile, undefined);
  });
});
