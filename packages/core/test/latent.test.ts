import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Rng,
  composeRows,
  latentArithmetic,
  latentForSeed,
  latentNeighbours,
  lerp,
  linspace,
  meanLatent,
  norm,
  slerp,
  sweepDimension,
  walk,
} from '../src/index.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) =>
  Array.from(a).every((x, i) => Math.abs(x - b[i]!) <= tol);

test('slerp: exact endpoints, norms interpolated, on the great circle', () => {
  const a = latentForSeed(1, 100, 'normal');
  const b = latentForSeed(2, 100, 'normal');
  assert.ok(close(slerp(a, b, 0), a));
  assert.ok(close(slerp(a, b, 1), b));
  for (const t of [0.25, 0.5, 0.75]) {
    const m = slerp(a, b, t);
    assert.ok(Math.abs(norm(m) - ((1 - t) * norm(a) + t * norm(b))) < 1e-3, `norm at ${t}`);
    // lerp's midpoint of two near-orthogonal Gaussians has a norm ~1/sqrt(2) of theirs; slerp keeps it.
    if (t === 0.5) assert.ok(norm(lerp(a, b, t)) < 0.8 * norm(m));
  }
  // Equal angle steps: the angle from a grows linearly in t.
  const angle = (x: Float32Array, y: Float32Array) => Math.acos(x.reduce((s, v, i) => s + v * y[i]!, 0) / (norm(x) * norm(y)));
  const total = angle(a, b);
  assert.ok(Math.abs(angle(a, slerp(a, b, 0.3)) - 0.3 * total) < 1e-3);
  // Parallel inputs fall back to lerp instead of dividing by sin(0).
  const twice = a.map((x) => 2 * x);
  assert.ok(close(slerp(a, twice, 0.5), lerp(a, twice, 0.5)));
});

test('walk: passes through every point with the right frame count', () => {
  const points = [1, 2, 3].map((s) => latentForSeed(s, 10, 'normal'));
  const path = walk(points, 4, 'slerp');
  assert.equal(path.length, (2 * 4 + 1) * 10);
  assert.ok(close(path.subarray(0, 10), points[0]!));
  assert.ok(close(path.subarray(40, 50), points[1]!));
  assert.ok(close(path.subarray(80, 90), points[2]!));
});

test('arithmetic: averages of exemplar groups, A - B + C, neighbours within the radius', () => {
  const v = (...x: number[]) => Float32Array.from(x);
  assert.deepEqual(meanLatent([v(1, 2), v(3, 6)]), v(2, 4));
  const result = latentArithmetic([v(1, 1), v(3, 3)], [v(1, 0)], [v(0, 5), v(0, 7)]);
  assert.deepEqual(result, v(2 - 1 + 0, 2 - 0 + 6));
  const around = latentNeighbours(result, 8, 0.25, Rng.derive(1));
  assert.equal(around.length, 8);
  for (const n of around) assert.ok(n.every((x, i) => Math.abs(x - result[i]!) <= 0.25 && x !== result[i]));
  assert.throws(() => meanLatent([]), /at least one/);
});

test('sweeps and layouts', () => {
  const z = Float32Array.from([0.5, -0.5, 1]);
  const swept = sweepDimension(z, 1, linspace(-2, 2, 5));
  assert.deepEqual(swept.map((s) => s[1]), [-2, -1, 0, 1, 2]);
  assert.ok(swept.every((s) => s[0] === 0.5 && s[2] === 1));
  assert.throws(() => sweepDimension(z, 3, [0]), /outside 0..2/);
  const tile = { width: 2, height: 2, channels: 1, data: new Uint8Array(4).fill(200) };
  const layout = composeRows([[tile, null, tile], [tile]], { padding: 1, gapsAfter: [0], gap: 3 });
  assert.equal(layout.width, 3 * (2 + 1) + 1 + 3);
  assert.equal(layout.height, 2 * (2 + 1) + 1);
  assert.equal(layout.data[1 * layout.width + 1], 200); // first tile
  assert.equal(layout.data[1 * layout.width + 1 + 3 + 3], 0); // the empty cell after the gap
});
