import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng, classHistogram, fitGaussian, frechetDistance, inceptionScore, mergeSampleStatistics, sampleStatistics } from '../src/index.js';

/** n rows of classifier outputs: features with a non-zero mean (the case where sums lose precision) and softmax probs. */
function outputs(n: number, d: number, k: number, rng: Rng) {
  const features = Float64Array.from(rng.normals(n * d), (v, i) => 3 + (i % d) + 0.5 * v);
  const logits = rng.normals(n * k);
  const probs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let c = 0; c < k; c++) z += Math.exp(2 * logits[i * k + c]!);
    for (let c = 0; c < k; c++) probs[i * k + c] = Math.exp(2 * logits[i * k + c]!) / z;
  }
  return { features, probs, featureDims: d, classes: k };
}

function rows(o: ReturnType<typeof outputs>, from: number, to: number) {
  const { featureDims: d, classes: k } = o;
  return { ...o, features: o.features.slice(from * d, to * d), probs: o.probs.slice(from * k, to * k) };
}

function close(a: number, b: number, rel: number, what: string) {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test('shards of uneven sizes add up to the statistics of the whole: FID, inception score (its 10 splits) and the class histogram', () => {
  const [n, d, k] = [1003, 12, 7];
  const all = outputs(n, d, k, Rng.derive(5));
  const reference = outputs(800, d, k, Rng.derive(6));
  // Shard boundaries that cut through inception-score splits (each ~100 rows).
  const cuts = [0, 37, 401, 402, 950, n];
  const shards = cuts.slice(1).map((to, i) => sampleStatistics(rows(all, cuts[i]!, to), cuts[i]!, n));
  const merged = mergeSampleStatistics([...shards].reverse());

  const whole = fitGaussian(all.features, n, d);
  for (let j = 0; j < d * d; j++) close(merged.gaussian.covariance[j]!, whole.covariance[j]!, 1e-9, `covariance[${j}]`);
  const ref = fitGaussian(reference.features, 800, d);
  close(frechetDistance(merged.gaussian, ref), frechetDistance(whole, ref), 1e-9, 'FID');
  const score = inceptionScore(all.probs, n, k);
  close(merged.inceptionScore.mean, score.mean, 1e-12, 'IS');
  close(merged.inceptionScore.std, score.std, 1e-9, 'IS std');
  assert.ok(score.std > 0);
  assert.deepEqual(merged.histogram, classHistogram(all.probs, n, k).counts);
});

test('merging refuses shards that miss or double samples, or come from another evaluation', () => {
  const all = outputs(100, 4, 3, Rng.derive(1));
  const a = sampleStatistics(rows(all, 0, 50), 0, 100);
  const b = sampleStatistics(rows(all, 50, 100), 50, 100);
  const overlap = sampleStatistics(rows(all, 40, 100), 40, 100);
  assert.throws(() => mergeSampleStatistics([a]), /samples 50\.\.99 are in no shard/);
  assert.throws(() => mergeSampleStatistics([a, overlap]), /samples 40\.\.49 are in two shards/);
  assert.throws(() => mergeSampleStatistics([a, sampleStatistics(rows(all, 50, 100), 50, 101)]), /different evaluations/);
  assert.doesNotThrow(() => mergeSampleStatistics([b, a]));
  assert.throws(() => sampleStatistics(rows(all, 50, 100), 60, 100), /not within 100 samples/);
});
