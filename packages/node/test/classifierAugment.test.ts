import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '@dcgan-ts/core';
import { shiftImages } from '../src/metrics/trainClassifier.js';

test("the classifier's augmentation moves each image by at most `max` pixels, filling the border with black", () => {
  const [n, size, channels] = [200, 8, 2];
  const pixels = new Float32Array(n * size * size * channels).fill(-1);
  for (let i = 0; i < n; i++) pixels.set([0.5, 0.25], ((i * size + 4) * size + 3) * channels); // one dot at (x 3, y 4)
  shiftImages(pixels, n, size, channels, Rng.derive(1), 2);
  const offsets = new Set<string>();
  for (let i = 0; i < n; i++) {
    const image = pixels.subarray(i * size * size * channels, (i + 1) * size * size * channels);
    const lit = [...image.keys()].filter((k) => image[k] !== -1);
    assert.equal(lit.length, 2, `image ${i}: the dot, both channels, nothing else`);
    const p = lit[0]! / channels;
    const [dx, dy] = [(p % size) - 3, Math.floor(p / size) - 4];
    assert.ok(Math.abs(dx) <= 2 && Math.abs(dy) <= 2, `image ${i} moved by ${dx}, ${dy}`);
    assert.deepEqual([image[lit[0]!], image[lit[1]!]], [0.5, 0.25]);
    offsets.add(`${dx},${dy}`);
  }
  assert.equal(offsets.size, 25, 'every offset in [-2, 2]^2 drawn');

  const full = new Float32Array(size * size).fill(0.7); // a full image shifted: a black band enters
  shiftImages(full, 1, size, 1, Rng.derive(3), 1);
  const black = full.filter((v) => v === -1).length;
  assert.ok([0, size, 2 * size - 1].includes(black), `black pixels ${black}`);
});
