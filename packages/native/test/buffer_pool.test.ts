// The output-array pool: arrays of disposed tensors are reused, but never while something can
// still see them (a view made by a cpu kernel, or an array handed out by dataSync()).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../src/index.js';
import { rand, skip } from './util.js';

const N = 1 << 16;  // above the pool's minimum size

function backend(): NativeBackend {
  tf.setBackend('native');
  return tf.backend() as NativeBackend;
}

function valuesOf(t: tf.Tensor): Float32Array {
  return backend().data.get(t.dataId).values as Float32Array;
}

describe('buffer pool', { skip }, () => {
  test('a disposed native output is reused by the next output of the same size', () => {
    const be = backend();
    be.pool.clear();
    const x = tf.tensor1d(rand(N, 1));
    const a = tf.relu(x);
    const buf = valuesOf(a).buffer;
    a.dispose();
    assert.equal(be.pool.bytes, N * 4);
    const b = tf.neg(x);
    assert.equal(valuesOf(b).buffer, buf, 'reused');
    assert.equal(be.pool.bytes, 0);
    // Stale contents were fully overwritten.
    const xv = x.dataSync(), bv = b.dataSync();
    for (let i = 0; i < N; i += 997) assert.equal(bv[i], -xv[i]!);
    tf.dispose([x, b]);
  });

  test('a smaller output takes the front of a pooled array of up to twice its size, which returns whole', () => {
    const be = backend();
    be.pool.clear();
    const big = tf.relu(tf.tensor1d(rand(2 * N, 1)));
    const buf = valuesOf(big).buffer;
    big.dispose();
    const x = tf.tensor1d(rand(N, 2));
    const y = tf.neg(x); // N elements: served by the 2N-element array
    assert.equal(valuesOf(y).buffer, buf, 'reused as a view');
    assert.equal(valuesOf(y).length, N);
    const back = tf.neg(y); // read through another tensor: a read would keep y's buffer out of the pool
    assert.deepEqual(back.dataSync(), x.dataSync());
    tf.dispose([y, back]);
    assert.equal(be.pool.bytes, 2 * N * 4, 'the whole buffer is pooled again');
    const tooSmall = tf.relu(tf.tensor1d(rand(N / 2 - 1, 3))); // under half: not from the 2N array
    assert.notEqual(valuesOf(tooSmall).buffer, buf);
    tf.dispose([x, tooSmall]);
  });

  test('a view made by a cpu kernel (Slice subarray) keeps the buffer out of the pool', () => {
    const be = backend();
    be.pool.clear();
    const x = tf.tensor2d(rand(2 * N, 2), [2, N]);
    const a = tf.relu(x);
    const row = tf.slice(a, [1, 0], [1, N]);  // contiguous: cpu returns a subarray view of a's array
    assert.equal(valuesOf(row).buffer, valuesOf(a).buffer, 'premise: slice is a view');
    a.dispose();
    assert.equal(be.pool.bytes, 0, 'not pooled while the view lives');
    const other = tf.neg(x);  // same size as a: would have reused a's buffer
    assert.notEqual(valuesOf(other).buffer, valuesOf(row).buffer);
    const want = tf.tidy(() => tf.relu(tf.slice(x, [1, 0], [1, N])).dataSync());
    // Read through the backend, not dataSync(): that would (rightly) pin the buffer forever.
    assert.deepEqual(valuesOf(row), want);
    row.dispose();
    assert.equal(be.pool.bytes, 2 * N * 4, 'pooled once the view is gone');
    tf.dispose([x, other]);
  });

  test('an array returned by dataSync() is never recycled', () => {
    const be = backend();
    be.pool.clear();
    const x = tf.tensor1d(rand(N, 3));
    const a = tf.relu(x);
    const seen = a.dataSync();
    const copy = seen.slice();
    a.dispose();
    assert.equal(be.pool.bytes, 0);
    const b = tf.neg(x);
    assert.notEqual(valuesOf(b).buffer, seen.buffer);
    assert.deepEqual(seen, copy, 'user-visible data unchanged');
    tf.dispose([x, b]);
  });

  test('tensors sharing one array (reshape) release it once, after the last', () => {
    const be = backend();
    be.pool.clear();
    const x = tf.tensor1d(rand(N, 4));
    const a = tf.relu(x);
    const r = tf.reshape(a, [N / 4, 4]);
    a.dispose();
    assert.equal(be.pool.bytes, 0);
    r.dispose();
    assert.equal(be.pool.bytes, N * 4);
    x.dispose();
  });
});

describe('nativeStats', { skip }, () => {
  test('reports pool hits/misses, fallbacks and cached conv primitives', async () => {
    const { nativeStats } = await import('../src/index.js');
    tf.setBackend('native');
    nativeStats(true);
    const x = tf.tensor1d(rand(N, 5));
    tf.relu(x).dispose();          // miss (or hit if an N-sized array is pooled), then pooled
    tf.relu(x).dispose();          // hit
    tf.tidy(() => tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32'))).dispose();  // int32: cpu
    const s = nativeStats()!;
    assert.ok(s.pool !== null && s.pool.hits >= 1, JSON.stringify(s));
    assert.equal(s.pool.hits + s.pool.misses, 2);
    assert.equal(s.fallbacks.Add, 1);
    tf.tidy(() => tf.conv2d(tf.zeros([1, 3, 3, 1]) as tf.Tensor4D, tf.zeros([2, 2, 1, 1]) as tf.Tensor4D, 1, 'valid')).dispose();
    assert.ok(nativeStats()!.convPrimitives >= 1);
    x.dispose();
  });
});
