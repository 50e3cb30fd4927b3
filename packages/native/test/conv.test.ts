// Parity of the oneDNN convolutions with the cpu backend, and numeric gradient checks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { nativeFallbackCounts } from '../src/index.js';
import { assertParity, input, rand, skip } from './util.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  name: string;
  x: [number, number, number, number];      // [N, H, W, inC]
  f: [number, number, number, number];      // [fH, fW, inC, outC]
  stride: number | [number, number];
  pad: Pad;
  dilation?: number;
}

// Odd sizes, batch 1, strides 1 and 2, 'same'/'valid'/explicit, rectangular filters, dilation, and
// the DCGAN layer shapes (at a small batch).
const CASES: Case[] = [
  { name: 'odd 3x3 s1 same', x: [2, 7, 9, 3], f: [3, 3, 3, 5], stride: 1, pad: 'same' },
  { name: 'odd 3x3 s1 valid', x: [2, 7, 9, 3], f: [3, 3, 3, 5], stride: 1, pad: 'valid' },
  { name: 'odd 3x3 s2 same', x: [3, 9, 7, 4], f: [3, 3, 4, 6], stride: 2, pad: 'same' },
  { name: 'odd 3x3 s2 valid (last row unread)', x: [1, 8, 6, 2], f: [3, 3, 2, 3], stride: 2, pad: 'valid' },
  { name: 'batch 1, 1x1', x: [1, 5, 5, 7], f: [1, 1, 7, 3], stride: 1, pad: 'valid' },
  { name: 'rect 2x5 s(2,1) same', x: [2, 11, 6, 3], f: [2, 5, 3, 4], stride: [2, 1], pad: 'same' },
  { name: 'explicit pads', x: [2, 6, 7, 3], f: [3, 3, 3, 2], stride: 2, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { name: 'dilation 2', x: [2, 9, 10, 3], f: [3, 3, 3, 4], stride: 1, pad: 'same', dilation: 2 },
  { name: 'DCGAN G 1x1 -> 4x4 (as forward conv)', x: [2, 4, 4, 16], f: [4, 4, 16, 8], stride: 1, pad: 'valid' },
  { name: 'DCGAN k4 s2 same', x: [2, 16, 16, 8], f: [4, 4, 8, 16], stride: 2, pad: 'same' },
  { name: 'DCGAN k5 s2 same', x: [2, 15, 15, 3], f: [5, 5, 3, 8], stride: 2, pad: 'same' },
  { name: 'DCGAN D head 4x4 valid', x: [3, 4, 4, 32], f: [4, 4, 32, 1], stride: 1, pad: 'valid' },
];

// Long accumulations (up to fH*fW*inC terms, or N*oH*oW for the filter gradient): float32 sums
// in different orders differ by ~sqrt(terms) ulps.
const RTOL = 1e-4, ATOL = 1e-4;

describe('Conv2D family, native vs cpu', { skip }, () => {
  for (const c of CASES) {
    const dil = c.dilation ?? 1;
    test(`conv2d ${c.name}`, () => {
      assertParity(c.name, [input(c.x, 1), input(c.f, 2)],
        (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad, 'NHWC', dil), RTOL, ATOL);
    });
    if (dil !== 1) continue;  // TF.js has no conv gradients for dilation > 1
    test(`conv2d gradients (Conv2DBackpropInput/Filter) ${c.name}`, () => {
      const yShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.stride, c.pad).shape);
      assertParity(`${c.name} grads`, [input(c.x, 3), input(c.f, 4), input(yShape, 5)], (x, f, dy) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad))([x!, f!], dy), RTOL, ATOL);
    });
  }

  // conv2dTranspose(y, filter, outShape): the generator's upsampling. Forward is
  // Conv2DBackpropInput; its gradients are Conv2D (w.r.t. y) and Conv2DBackpropFilter.
  const TRANSPOSED: { name: string; y: [number, number, number, number]; f: [number, number, number, number];
    out: [number, number, number, number]; stride: number; pad: 'same' | 'valid' }[] = [
    { name: 'G first layer 1x1 -> 4x4 valid', y: [3, 1, 1, 10], f: [4, 4, 8, 10], out: [3, 4, 4, 8], stride: 1, pad: 'valid' },
    { name: 'k4 s2 same 4x4 -> 8x8', y: [2, 4, 4, 8], f: [4, 4, 6, 8], out: [2, 8, 8, 6], stride: 2, pad: 'same' },
    { name: 'k5 s2 same 5x5 -> 10x10', y: [1, 5, 5, 4], f: [5, 5, 3, 4], out: [1, 10, 10, 3], stride: 2, pad: 'same' },
    { name: 'k4 s2 same odd out 7x7', y: [2, 4, 4, 3], f: [4, 4, 2, 3], out: [2, 7, 7, 2], stride: 2, pad: 'same' },
    { name: 'k3 s1 same', y: [2, 6, 5, 3], f: [3, 3, 4, 3], out: [2, 6, 5, 4], stride: 1, pad: 'same' },
  ];
  for (const c of TRANSPOSED) {
    test(`conv2dTranspose ${c.name}`, () => {
      assertParity(c.name, [input(c.y, 6), input(c.f, 7)],
        (y, f) => tf.conv2dTranspose(y as tf.Tensor4D, f as tf.Tensor4D, c.out, c.stride, c.pad), RTOL, ATOL);
    });
    test(`conv2dTranspose gradients ${c.name}`, () => {
      assertParity(`${c.name} grads`, [input(c.y, 8), input(c.f, 9), input(c.out, 10)], (y, f, dz) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, c.out, c.stride, c.pad))([y!, f!], dz), RTOL, ATOL);
    });
  }

  test('fused conv2d: bias + every activation (prelu via cpu)', () => {
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const) {
      assertParity(`fused ${activation}`, [input([2, 7, 7, 3], 11), input([3, 3, 3, 4], 12), input([4], 13), input([4], 14)],
        (x, f, b, alpha) => tf.fused.conv2d({
          x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 2, pad: 'same', bias: b, activation,
          preluActivationWeights: activation === 'prelu' ? alpha : undefined, leakyreluAlpha: 0.2,
        }), RTOL, ATOL);
    }
  });

  test('conv kernels really run natively (no silent cpu fallback)', () => {
    // Every case above is expressible in oneDNN: only prelu (FusedConv2D) and the dilated conv's
    // gradients (not computed) may have gone to cpu.
    const counts = nativeFallbackCounts(true);
    assert.equal(counts.Conv2D, undefined, JSON.stringify(counts));
    assert.equal(counts.Conv2DBackpropInput, undefined, JSON.stringify(counts));
    assert.equal(counts.Conv2DBackpropFilter, undefined, JSON.stringify(counts));
    assert.equal(counts.FusedConv2D, 1, JSON.stringify(counts));
    // A 3x3 all-ones filter over all-ones input: interior 18 (9 taps x 2 channels), corner 8.
    tf.setBackend('native');
    const v = tf.tidy(() => tf.conv2d(tf.ones([1, 5, 5, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, 'same').dataSync());
    assert.equal(v[0], 8);
    assert.equal(v[6], 18);
    assert.deepEqual(nativeFallbackCounts(), {});
  });
});

/** Central differences of sum(r * f(v)) w.r.t. a few entries of v, against tf.grad on `native`. */
function checkNumericGradient(label: string, shape: number[], f: (v: tf.Tensor) => tf.Tensor, seed: number): void {
  tf.setBackend('native');
  const v0 = rand(shape.reduce((a, b) => a * b, 1), seed);
  tf.tidy(() => {
    const r = tf.tensor(rand(f(tf.tensor(v0, shape)).size, seed + 1), f(tf.tensor(v0, shape)).shape);
    const loss = (v: tf.Tensor) => tf.sum(tf.mul(f(v), r));
    const analytic = tf.grad(loss)(tf.tensor(v0, shape)).dataSync();
    // float32 losses: eps large enough that rounding (~1e-7 * |loss|) stays far below eps * grad.
    const eps = 1e-2;
    const probe = [0, 1, Math.floor(v0.length / 2), v0.length - 1];
    for (const i of probe) {
      const plus = v0.slice(), minus = v0.slice();
      plus[i]! += eps;
      minus[i]! -= eps;
      const numeric = (loss(tf.tensor(plus, shape)).dataSync()[0]! - loss(tf.tensor(minus, shape)).dataSync()[0]!) / (2 * eps);
      assert.ok(Math.abs(numeric - analytic[i]!) <= 2e-2 * Math.max(1, Math.abs(numeric)),
        `${label}: d/dv[${i}] numeric ${numeric} vs analytic ${analytic[i]}`);
    }
  });
}

describe('conv and batch-norm gradients, numerically', { skip }, () => {
  const x0 = rand(2 * 6 * 6 * 3, 21), w0 = rand(4 * 4 * 3 * 5, 22), y0 = rand(2 * 3 * 3 * 5, 23);
  test('conv2d w.r.t. input (Conv2DBackpropInput)', () => {
    const w = tf.tensor4d(w0, [4, 4, 3, 5]);
    checkNumericGradient('conv2d dx', [2, 6, 6, 3], (x) => tf.conv2d(x as tf.Tensor4D, w, 2, 'same'), 31);
    w.dispose();
  });
  test('conv2d w.r.t. filter (Conv2DBackpropFilter)', () => {
    const x = tf.tensor4d(x0, [2, 6, 6, 3]);
    checkNumericGradient('conv2d dw', [4, 4, 3, 5], (w) => tf.conv2d(x, w as tf.Tensor4D, 2, 'same'), 32);
    x.dispose();
  });
  test('conv2dTranspose w.r.t. input and filter', () => {
    const w = tf.tensor4d(w0, [4, 4, 3, 5]), y = tf.tensor4d(y0, [2, 3, 3, 5]);
    checkNumericGradient('convT dy', [2, 3, 3, 5], (v) => tf.conv2dTranspose(v as tf.Tensor4D, w, [2, 6, 6, 3], 2, 'same'), 33);
    checkNumericGradient('convT dw', [4, 4, 3, 5], (v) => tf.conv2dTranspose(y, v as tf.Tensor4D, [2, 6, 6, 3], 2, 'same'), 34);
    w.dispose();
    y.dispose();
  });
  test('batch norm in training mode (moments over N, H, W), w.r.t. input', () => {
    // What tfjs-layers' BatchNormalization computes when training: batch statistics, then
    // FusedBatchNorm; its gradient runs through Mean, SquaredDifference, Tile, Rsqrt, ...
    const gamma = tf.tensor1d(rand(5, 35, 0.5, 1.5)), beta = tf.tensor1d(rand(5, 36));
    checkNumericGradient('batch norm dx', [3, 4, 4, 5], (x) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mean, variance, beta, gamma, 1e-3);
    }, 37);
    tf.dispose([gamma, beta]);
  });
});
