import assert from 'node:assert/strict';
import { test } from 'node:test';
import './helpers.js';
import {
  Rng,
  Standardizer,
  accuracy,
  kernelInceptionDistance,
  kthNeighbourRadii,
  nearestDistances,
  precisionRecall,
  predictLinearSvm,
  trainLinearSvm,
  trainLinearSvmPath,
} from '../src/index.js';
import {
  kernelInceptionDistanceLoops,
  kthNeighbourRadiiLoops,
  nearestDistancesLoops,
  precisionRecallLoops,
  primalObjectives,
  trainLinearSvmDualCd,
} from './metricsReference.js';

// The matrix-product metrics and the Newton SVM against the float64 loops they replaced (metricsReference.ts).

/**
 * n rows of d dims around `clusters` random centres (drawn from seed 20, so sets share them) moved by `offset`, with
 * a few exact duplicates (ties at distance 0).
 */
function clustered(n: number, d: number, rng: Rng, clusters = 4, offset = 0): Float64Array {
  const centres = Float64Array.from(Rng.derive(20).normals(clusters * d), (v) => 3 * v + offset);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    for (let k = 0; k < d; k++) x[i * d + k] = centres[c * d + k]! + rng.normal();
  }
  for (let i = 5; i < n; i += 17) x.copyWithin(i * d, (i - 5) * d, (i - 4) * d);
  return x;
}

test('k-th neighbour radii equal the float64 loops exactly, for any block size', async () => {
  const d = 7;
  const x = clustered(90, d, Rng.derive(21));
  const want = kthNeighbourRadiiLoops(x, 90, d, 3);
  assert.deepEqual(await kthNeighbourRadii(x, 90, d, 3), want);
  assert.deepEqual(await kthNeighbourRadii(x, 90, d, 3, { rowsPerBlock: 7 }), want);
  assert.deepEqual(await kthNeighbourRadii(x, 90, d, 1, { rowsPerBlock: 1 }), kthNeighbourRadiiLoops(x, 90, d, 1));
});

test('precision/recall equal the float64 loops exactly on overlapping sets of different sizes', async () => {
  const d = 6;
  for (const [nReal, nFake, shift] of [
    [80, 60, 0.5],
    [50, 70, 2],
    [40, 40, 0],
  ] as const) {
    const real = clustered(nReal, d, Rng.derive(22), 4);
    const fake = clustered(nFake, d, Rng.derive(23), 3, shift);
    const want = precisionRecallLoops(real, nReal, fake, nFake, d, 3);
    assert.ok((want.precision > 0 && want.precision < 1) || (want.recall > 0 && want.recall < 1), JSON.stringify(want));
    assert.deepEqual(await precisionRecall(real, nReal, fake, nFake, d, 3), want);
    assert.deepEqual(await precisionRecall(real, nReal, fake, nFake, d, 3, { rowsPerBlock: 9 }), want);
  }
  // A fake on a real's ball boundary exactly: the decision falls to the float64 distance, as in the loops.
  const real = Float64Array.from([0, 0, 1, 0, 2, 0, 3, 0, 10, 0]);
  const fake = Float64Array.from([0, 3, 5, 5, 20, 20, 30, 30, 40, 40]);
  assert.deepEqual(await precisionRecall(real, 5, fake, 5, 2, 3), precisionRecallLoops(real, 5, fake, 5, 2, 3));
});

test('nearest distances equal the float64 loops exactly, copies at 0', async () => {
  const d = 12;
  const ref = clustered(150, d, Rng.derive(24));
  const query = clustered(40, d, Rng.derive(25), 4, 0.3);
  query.set(ref.subarray(0, 3 * d)); // three exact copies
  const want = nearestDistancesLoops(query, 40, ref, 150, d);
  for (const options of [{}, { rowsPerBlock: 11 }]) {
    const got = await nearestDistances(query, 40, ref, 150, d, options);
    assert.deepEqual(got.distances, want.distances);
    assert.deepEqual(got.quantiles, want.quantiles);
  }
  assert.deepEqual(Array.from(want.distances.subarray(0, 3)), [0, 0, 0]);
});

test('KID from Gram matrices equals the float64 loops to float32 round-off', async () => {
  const d = 16;
  const rng = Rng.derive(26);
  const a = Float64Array.from(rng.normals(120 * d));
  const b = Float64Array.from(rng.normals(100 * d), (v) => 1.1 * v + 0.2);
  const c = Float64Array.from(rng.normals(100 * d));
  for (const y of [b, c]) {
    const want = kernelInceptionDistanceLoops(a, 120, y, 100, d, Rng.derive(27), 6, 50);
    const got = await kernelInceptionDistance(a, 120, y, 100, d, Rng.derive(27), 6, 50);
    assert.equal(got.subsetSize, want.subsetSize);
    // Kernel values are ~1; float32 Gram entries carry ~1e-7 relative error, averaged over 2,500 pairs.
    assert.ok(Math.abs(got.mean - want.mean) < 1e-6, JSON.stringify({ got, want }));
    assert.ok(Math.abs(got.std - want.std) < 1e-6, JSON.stringify({ got, want }));
  }
});

/** Standardised features of n rows in `classes` overlapping Gaussian classes (d dims), and their labels. */
function svmProblem(n: number, d: number, classes: number, seed: number): { x: Float32Array; labels: Uint8Array } {
  const rng = Rng.derive(seed);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % classes);
  const means = rng.normals(classes * d);
  const raw = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) raw[i * d + k] = 0.6 * means[labels[i]! * d + k]! + rng.normal();
  return { x: Standardizer.fit(raw, n, d).apply(raw, n), labels };
}

test('Newton L2-SVM reaches the dual CD optimum: same objective, same predictions (n > d and n < d)', async () => {
  for (const [n, d, classes, C] of [
    [240, 12, 4, 0.05],
    [240, 12, 4, 1],
    [60, 150, 3, 0.01],
  ] as const) {
    const { x, labels } = svmProblem(n, d, classes, 28 + d);
    // Dual CD run to a tight tolerance: its objective is the optimum to ~1e-6.
    const ref = trainLinearSvmDualCd(x, labels, d, classes, { C, tolerance: 1e-5, maxPasses: 20000 }, Rng.derive(29));
    const fast = await trainLinearSvm(x, labels, d, classes, { C, tolerance: 1e-6 });
    const fRef = primalObjectives(ref, x, labels, C);
    const fFast = primalObjectives(fast, x, labels, C);
    fRef.forEach((f, c) => assert.ok(Math.abs(fFast[c]! - f) <= 1e-5 * f, `n ${n} d ${d} C ${C} class ${c}: ${fFast[c]} vs ${f}`));
    const pRef = await predictLinearSvm(ref, x, n);
    const pFast = await predictLinearSvm(fast, x, n);
    assert.ok(accuracy(pFast, pRef) >= 0.99, `${accuracy(pFast, pRef)}`);
    assert.ok(Math.abs(accuracy(pFast, labels) - accuracy(pRef, labels)) <= 1 / n);
  }
});

test('SVM path: each C warm-started from the last equals a cold solve; the default tolerance is near the optimum', async () => {
  const { x, labels } = svmProblem(200, 20, 3, 30);
  const cValues = [0.001, 0.01, 0.1, 1];
  const path = await trainLinearSvmPath(x, labels, 20, 3, cValues);
  for (const [i, C] of cValues.entries()) {
    const cold = await trainLinearSvm(x, labels, 20, 3, { C, tolerance: 1e-7 });
    const fPath = primalObjectives(path[i]!, x, labels, C);
    primalObjectives(cold, x, labels, C).forEach((f, c) => assert.ok(fPath[c]! - f <= 1e-4 * f && fPath[c]! >= f * (1 - 1e-6), `C ${C}: ${fPath[c]} vs ${f}`));
  }
});
