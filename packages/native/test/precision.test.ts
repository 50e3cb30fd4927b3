// bf16 convolutions: rounding to bf16, and every direction (oneDNN's direct kernels and the GEMM formulation)
// equal to a float32 convolution of the bf16-rounded inputs, up to float32 accumulation order.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { loadAddon } from '../src/binding.js';
import { nativeBf16Isa, nativePrecision, setNativePrecision } from '../src/index.js';
import { rand, size, skip } from './util.js';

const isa = skip === undefined ? nativeBf16Isa() : null;

describe('bf16 precision', { skip }, () => {
  after(() => setNativePrecision('fp32'));

  test('fp32 is the default; bf16 is accepted exactly where the CPU has bf16 instructions', () => {
    assert.equal(nativePrecision(), 'fp32');
    if (isa === null) {
      assert.throws(() => setNativePrecision('bf16'), /bf16 needs a CPU with AVX512-BF16 or AMX-BF16/);
      assert.equal(nativePrecision(), 'fp32');
    } else {
      setNativePrecision('bf16');
      assert.equal(nativePrecision(), 'bf16');
      setNativePrecision('fp32');
      assert.equal(nativePrecision(), 'fp32');
    }
    assert.throws(() => loadAddon().ok && (loadAddon() as { addon: { setConvPrecision(p: string): void } }).addon.setConvPrecision('fp16'), /precision must be 'fp32' or 'bf16'/);
  });

  test('float32 -> bf16 rounds to nearest, ties to even; inf and NaN survive', () => {
    const r = loadAddon();
    assert.ok(r.ok);
    const x = new Float32Array([1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20, -2.5, 3e38, Infinity, -Infinity, NaN, 1e-40]);
    const y = new Float32Array(x.length);
    r.addon.toBf16RoundTrip(x, y);
    assert.equal(y[0], 1);
    assert.equal(y[1], 1, 'a tie goes to the even neighbour (1.0)');
    assert.equal(y[2], 1 + 2 ** -6, 'a tie goes to the even neighbour (1 + 2^-6)');
    assert.equal(y[3], 1 + 2 ** -7, 'above the tie rounds up');
    assert.equal(y[4], -2.5);
    assert.ok(Math.abs(y[5]! - 3e38) / 3e38 < 2 ** -8);
    assert.equal(y[6], Infinity);
    assert.equal(y[7], -Infinity);
    assert.ok(Number.isNaN(y[8]));
    assert.ok(y[9]! > 0 && Math.abs(y[9]! - 1e-40) <= 2 ** -134, 'a subnormal rounds to within half a bf16 step (2^-133)');
  });

  // Geometries on both paths of the bf16 convolutions (conv_gemm.cc's gemmIsFaster): 4x4 outputs with many
  // channels (GEMM for both gradients), 8x8 (GEMM for the filter gradient), 16x16 (oneDNN direct), an image layer
  // (3 channels: GEMM for the input gradient), and one whose cols exceed a chunk (the filter gradient accumulates
  // over chunks of images).
  const CASES: { name: string; x: [number, number, number, number]; f: [number, number, number, number] }[] = [
    { name: '8x8x128 -> 4x4x64 (GEMM gradients)', x: [3, 8, 8, 128], f: [4, 4, 128, 64] },
    { name: '16x16x64 -> 8x8x32 (GEMM filter gradient)', x: [2, 16, 16, 64], f: [4, 4, 64, 32] },
    { name: '32x32x16 -> 16x16x32 (direct)', x: [2, 32, 32, 16], f: [4, 4, 16, 32] },
    { name: '16x16x3 -> 8x8x16 (image layer)', x: [4, 16, 16, 3], f: [4, 4, 3, 16] },
    { name: '16x16x1024 -> 8x8x8 (filter gradient over chunks)', x: [10, 16, 16, 1024], f: [4, 4, 1024, 8] },
  ];

  for (const c of CASES) {
    test(`bf16 conv2d and both gradients equal fp32 on bf16-rounded inputs: ${c.name}`, { skip: isa === null && 'no bf16 instructions' }, () => {
      tf.setBackend('native');
      const r = loadAddon();
      assert.ok(r.ok);
      const round = (a: Float32Array) => {
        const out = new Float32Array(a.length);
        r.addon.toBf16RoundTrip(a, out);
        return out;
      };
      const yShape: [number, number, number, number] = [c.x[0], c.x[1] / 2, c.x[2] / 2, c.f[3]];
      const x = rand(size(c.x), 11), f = rand(size(c.f), 12, -0.1, 0.1), dy = rand(size(yShape), 13);
      const run = (xs: Float32Array, fs: Float32Array, dys: Float32Array): Float32Array[] => {
        const outs = tf.tidy(() => {
          const xt = tf.tensor4d(xs, c.x), ft = tf.tensor4d(fs, c.f), dyt = tf.tensor4d(dys, yShape);
          const y = tf.conv2d(xt, ft, 2, 'same');
          const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))([xt, ft], dyt);
          return [y, dx!, df!];
        });
        const data = outs.map((t) => t.dataSync() as Float32Array);
        tf.dispose(outs);
        return data;
      };
      const reference = run(round(x), round(f), round(dy)); // fp32 arithmetic on what bf16 reads
      const exact = run(x, f, dy);
      setNativePrecision('bf16');
      let bf16: Float32Array[];
      try {
        bf16 = run(x, f, dy);
      } finally {
        setNativePrecision('fp32');
      }
      ['y', 'dx', 'dfilter'].forEach((name, i) => {
        const got = bf16[i]!, want = reference[i]!, unrounded = exact[i]!;
        let scale = 0, worst = 0, offExact = 0;
        for (let k = 0; k < want.length; k++) {
          scale = Math.max(scale, Math.abs(want[k]!));
          worst = Math.max(worst, Math.abs(got[k]! - want[k]!));
          offExact = Math.max(offExact, Math.abs(got[k]! - unrounded[k]!));
        }
        // float32 sums in another order: ~1e-6 of the scale. bf16 rounding of the inputs: ~1e-3 of it.
        assert.ok(worst <= 2e-5 * scale, `${name}: max |bf16 - fp32(rounded)| = ${worst} of scale ${scale}`);
        assert.ok(offExact > 1e-5 * scale, `${name}: bf16 matched unrounded fp32 (${offExact}): not computed in bf16?`);
        assert.ok(offExact < 2e-2 * scale, `${name}: bf16 off unrounded fp32 by ${offExact} of ${scale}`);
      });
    });
  }
});
