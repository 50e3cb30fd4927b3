import assert from 'node:assert/strict';
import { test } from 'node:test';
import './helpers.js'; // the TF.js cpu backend: the metrics' matrix products run on it
import {
  type FeatureGaussian,
  Rng,
  Standardizer,
  accuracy,
  classHistogram,
  covariance,
  fitGaussian,
  frechetDistance,
  inceptionScore,
  kernelInceptionDistance,
  matmulSquare,
  nearestDistances,
  precisionRecall,
  predictLinearSvm,
  symmetricEigen,
  trainLinearSvm,
} from '../src/index.js';

/** n samples of N(mean, A A^T) in d dimensions, row-major float64. */
function gaussianSamples(n: number, d: number, rng: Rng, mean = 0, scale = 1): Float64Array {
  return Float64Array.from(rng.normals(n * d), (v) => mean + scale * v);
}

function gaussian(mean: number[], cov: number[]): FeatureGaussian {
  return { mean: Float64Array.from(mean), covariance: Float64Array.from(cov), dims: mean.length, count: 0 };
}

test('symmetric eigendecomposition reconstructs the matrix with orthonormal vectors', () => {
  const d = 6;
  const x = gaussianSamples(50, d, Rng.derive(1));
  const c = covariance(x, 50, d);
  const { values, vectors } = symmetricEigen(c, d);
  const vt = new Float64Array(d * d);
  const vl = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    vt[i * d + j] = vectors[j * d + i]!;
    vl[i * d + j] = vectors[i * d + j]! * values[j]!;
  }
  const back = matmulSquare(vl, vt, d);
  back.forEach((v, i) => assert.ok(Math.abs(v - c[i]!) < 1e-10));
  const identity = matmulSquare(vt, vectors, d);
  identity.forEach((v, i) => assert.ok(Math.abs(v - (i % (d + 1) === 0 ? 1 : 0)) < 1e-10));
});

test('FID: identical sets give 0; a mean shift gives its squared length; known covariances', () => {
  const d = 5;
  const x = gaussianSamples(400, d, Rng.derive(2));
  const g = fitGaussian(x, 400, d);
  assert.ok(Math.abs(frechetDistance(g, g)) < 1e-8);
  const shifted = fitGaussian(x.map((v, i) => v + (i % d === 1 ? 3 : 0)), 400, d);
  assert.ok(Math.abs(frechetDistance(g, shifted) - 9) < 1e-8);
  // Diagonal covariances: sum over dims of (sqrt(a) - sqrt(b))^2.
  const fid = frechetDistance(gaussian([0, 0], [4, 0, 0, 9]), gaussian([1, 0], [1, 0, 0, 1]));
  assert.ok(Math.abs(fid - (1 + (2 - 1) ** 2 + (3 - 1) ** 2)) < 1e-10);
  // General 2x2 SPD pair against the closed form: Tr sqrt(S1 S2) = sqrt(l1) + sqrt(l2), the eigenvalues of S1 S2 from
  // its trace and determinant (a float64 reference computed another way).
  const s1 = [2, 0.7, 0.7, 1.3];
  const s2 = [0.9, -0.4, -0.4, 1.8];
  const p = [s1[0]! * s2[0]! + s1[1]! * s2[2]!, s1[0]! * s2[1]! + s1[1]! * s2[3]!, s1[2]! * s2[0]! + s1[3]! * s2[2]!, s1[2]! * s2[1]! + s1[3]! * s2[3]!];
  const tr = p[0]! + p[3]!;
  const det = p[0]! * p[3]! - p[1]! * p[2]!;
  const disc = Math.sqrt(tr * tr - 4 * det);
  const traceSqrt = Math.sqrt((tr + disc) / 2) + Math.sqrt((tr - disc) / 2);
  const want = 2 + 1.3 + 0.9 + 1.8 - 2 * traceSqrt;
  assert.ok(Math.abs(frechetDistance(gaussian([0, 0], s1), gaussian([0, 0], s2)) - want) < 1e-10);
});

test('KID: near 0 for one distribution, clearly positive for two', async () => {
  const d = 4;
  const rng = Rng.derive(3);
  const a = gaussianSamples(300, d, rng);
  const b = gaussianSamples(300, d, rng);
  const c = gaussianSamples(300, d, rng, 0.5);
  const same = await kernelInceptionDistance(a, 300, b, 300, d, Rng.derive(4), 10, 200);
  const different = await kernelInceptionDistance(a, 300, c, 300, d, Rng.derive(4), 10, 200);
  assert.ok(Math.abs(same.mean) < 3 * same.std + 1e-3, JSON.stringify(same));
  assert.ok(different.mean > 10 * Math.abs(same.mean) && different.mean > 0.01, JSON.stringify({ same, different }));
});

test('Inception score and class histogram on closed-form predictions', () => {
  const classes = 4;
  const n = 40;
  const oneHot = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) oneHot[i * classes + (i % classes)] = 1;
  assert.ok(Math.abs(inceptionScore(oneHot, n, classes, 2).mean - classes) < 1e-12);
  const collapsed = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) collapsed[i * classes] = 1;
  assert.ok(Math.abs(inceptionScore(collapsed, n, classes, 2).mean - 1) < 1e-12);
  const h = classHistogram(collapsed, n, classes);
  assert.deepEqual(h.counts, [40, 0, 0, 0]);
  assert.equal(h.modesCovered, 1);
  assert.ok(Math.abs(h.klToUniform - Math.log(4)) < 1e-12);
  assert.ok(Math.abs(classHistogram(oneHot, n, classes).klToUniform) < 1e-12);
});

test('precision/recall: 1 for the same set, 0 for far-apart sets, and the memorisation distances', async () => {
  const d = 3;
  const x = gaussianSamples(60, d, Rng.derive(5));
  assert.deepEqual(await precisionRecall(x, 60, x, 60, d), { precision: 1, recall: 1, k: 3 });
  const far = x.map((v) => v + 100);
  assert.deepEqual(await precisionRecall(x, 60, far, 60, d), { precision: 0, recall: 0, k: 3 });
  const copies = await nearestDistances(x.subarray(0, 30), 10, x, 60, d);
  assert.ok(copies.distances.every((v) => v === 0));
  assert.ok((await nearestDistances(far, 60, x, 60, d)).quantiles.p1 > 100);
});

test('linear L2-SVM separates separable classes and beats chance on noisy ones', async () => {
  const rng = Rng.derive(6);
  const d = 10;
  const classes = 3;
  const n = 150;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % classes);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) x[i * d + k] = rng.normal() * 0.5 + (k === labels[i] ? 3 : 0);
  const scaler = Standardizer.fit(x, n, d);
  const xs = scaler.apply(x, n);
  const model = await trainLinearSvm(xs, labels, d, classes, { C: 1 });
  assert.equal(accuracy(await predictLinearSvm(model, xs, n), labels), 1);
  // Held-out rows from the same distributions.
  const test = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) test[i * d + k] = rng.normal() * 0.5 + (k === labels[i] ? 3 : 0);
  assert.ok(accuracy(await predictLinearSvm(model, scaler.apply(test, n), n), labels) > 0.95);
});
