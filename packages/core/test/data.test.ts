import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BilinearResizer, Rng, Uint8ImageDataset, latentForSeed, latentsForSeeds, makeGrid } from '../src/index.js';

test('Rng: reproducible, resumable from its state, sound statistics', () => {
  const a = Rng.derive(42, 1, 0);
  const b = Rng.derive(42, 1, 0);
  assert.deepEqual(a.normals(10), b.normals(10));
  assert.notDeepEqual(Rng.derive(42, 1, 0).normals(4), Rng.derive(42, 1, 1).normals(4));
  const resumed = Rng.fromState(a.state());
  assert.deepEqual(resumed.normals(7), a.normals(7));
  const xs = Rng.derive(1).normals(100_000);
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
  assert.ok(Math.abs(mean) < 0.01 && Math.abs(variance - 1) < 0.02, `${mean} ${variance}`);
  const p = Rng.derive(3).permutation(1000);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  const u = Rng.derive(5).uniforms(10_000, -1, 1);
  assert.ok(u.every((x) => x > -1 && x < 1));
});

test('latents: one seed names one z, whatever batch it is drawn in', () => {
  const batch = latentsForSeeds([5, 6, 7], 10, 'normal');
  assert.deepEqual(batch.subarray(10, 20), latentForSeed(6, 10, 'normal'));
  assert.ok(latentForSeed(1, 100, 'uniform').every((x) => x >= -1 && x <= 1));
});

test('resize: a constant image stays constant; downscaling averages; sizes are right', () => {
  const flat = new Uint8Array(28 * 28).fill(200);
  const up = new BilinearResizer(28, 28, 32, 32, 1).resize(flat);
  assert.equal(up.length, 32 * 32);
  assert.ok(up.every((v) => v === 200));
  // A checkerboard of 0/255 halved: every output pixel averages to the middle grey (edges, truncated, within 3).
  const checker = new Uint8Array(8 * 8).map((_, i) => ((i % 8) + Math.floor(i / 8)) % 2 === 0 ? 0 : 255);
  const down = new BilinearResizer(8, 8, 4, 4, 1).resize(checker);
  assert.ok(down.every((v) => Math.abs(v - 127.5) <= 3), String(down));
});

test('Uint8ImageDataset: [-1, 1] scaling, gray repeated into RGB, bad shapes refused', () => {
  const pixels = new Uint8Array([0, 255, 127, 128]); // 1 image 2x2 gray
  const rgb = new Uint8ImageDataset('t', { pixels, height: 2, width: 2, channels: 1 }, 2, 3);
  const out = new Float32Array(12);
  rgb.fillBatch([0], out);
  assert.deepEqual([...out.subarray(0, 6)], [-1, -1, -1, 1, 1, 1]);
  assert.throws(() => new Uint8ImageDataset('t', { pixels, height: 1, width: 1, channels: 3 }, 1, 3), /whole number/);
  assert.throws(
    () => new Uint8ImageDataset('t', { pixels: new Uint8Array(12), height: 2, width: 2, channels: 3 }, 2, 1),
    /cannot give 1 channels/,
  );
});

test('grid: tiles 8 per row with 2-pixel padding, values mapped to bytes', () => {
  const n = 10;
  const values = new Float32Array(n * 3 * 3).fill(1);
  const grid = makeGrid(values, n, 3, 3, 1);
  assert.equal(grid.width, 4 * (3 + 2) + 2); // ceil(sqrt(10)) = 4 columns
  assert.equal(grid.height, 3 * (3 + 2) + 2);
  assert.equal(grid.data[0], 0); // padding
  assert.equal(grid.data[2 * grid.width + 2], 255); // first pixel of the first tile
});
