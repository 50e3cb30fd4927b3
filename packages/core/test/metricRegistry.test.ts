import assert from 'node:assert/strict';
import { test } from 'node:test';
import './helpers.js'; // the TF.js cpu backend: KID's and precision/recall's matrix products run on it
import {
  type ClassifierOutputs,
  DcganError,
  DEFAULT_EVAL_METRICS,
  EVAL_SCALARS,
  FEATURE_METRICS,
  type FeatureMetricResults,
  flattenScores,
  floorOfScalar,
  formatScores,
  kernelInceptionDistance,
  METRICS,
  parseMetricList,
  PLOTTED_EVAL_SCALARS,
  precisionRecall,
  Rng,
  RngStream,
} from '../src/index.js';

/** n images' made-up classifier outputs: features in d dims, probabilities over `classes`. */
function outputs(rng: Rng, n: number, d: number, classes: number, shift: number): ClassifierOutputs {
  const features = Float64Array.from({ length: n * d }, () => rng.normal() + shift);
  const probs = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: classes }, () => Math.exp(2 * rng.normal()));
    const sum = row.reduce((a, b) => a + b, 0);
    probs.set(row.map((p) => p / sum), i * classes);
  }
  return { features, probs, featureDims: d, classes };
}

test('metric registry: names, eval-line scalars and their display order are those log.jsonl and the docs have used', () => {
  assert.deepEqual(
    METRICS.map((m) => m.name),
    ['fid', 'kid', 'is', 'pr', 'hist', 'nn'],
  );
  assert.deepEqual(Object.keys(EVAL_SCALARS), ['fid', 'kid', 'kidStd', 'is', 'isStd', 'precision', 'recall', 'klToUniform', 'modesCovered']);
  assert.deepEqual(PLOTTED_EVAL_SCALARS, ['fid', 'kid', 'is', 'precision', 'recall', 'klToUniform', 'modesCovered']);
  assert.deepEqual(DEFAULT_EVAL_METRICS, ['fid', 'kid', 'is', 'pr']);
  assert.equal(floorOfScalar('isStd').label, 'test set');
  assert.equal(floorOfScalar('recall').kind, 'real-vs-reference');
  assert.equal(formatScores({ fid: 41.2, kid: 0.03121, kidStd: 0.001, is: 3.412 }), 'FID 41.20  KID 0.0312  IS 3.41');
});

test('metric registry: each metric computes what its function computes, and flattens into the eval line', async () => {
  const rng = Rng.derive(5);
  const n = 40;
  const sample = outputs(rng, n, 6, 4, 0.3);
  const reference = outputs(rng, n, 6, 4, 0);
  const results: Record<string, unknown> = {};
  for (const metric of FEATURE_METRICS) results[metric.name] = await metric.compute({ sample, reference, n, seed: 3 });
  const kid = await kernelInceptionDistance(sample.features, n, reference.features, n, 6, Rng.derive(3, RngStream.kidSubsets), 100, 1000);
  assert.deepEqual(results.kid, kid);
  assert.deepEqual(results.pr, await precisionRecall(reference.features, n, sample.features, n, 6, 3));
  const flat = flattenScores(results as FeatureMetricResults);
  assert.deepEqual(Object.keys(flat), Object.keys(EVAL_SCALARS));
  assert.equal(flat.kid, kid.mean);
  assert.equal(flat.kidStd, kid.std);
  assert.ok((flat.fid ?? -1) > 0, 'shifted features are apart');
});

test('metric registry: option lists are checked against it, in one line each', () => {
  assert.deepEqual(parseMetricList(' pr, fid ', '--eval-metrics', 'training'), ['fid', 'pr']);
  assert.deepEqual(parseMetricList('nn,hist', '--metrics', 'eval'), ['hist', 'nn']);
  assert.throws(() => parseMetricList('fid,nn', '--eval-metrics', 'training'), (e: Error) => e instanceof DcganError && /--eval-metrics: nn .*`dcgan eval` only/.test(e.message));
  assert.throws(() => parseMetricList('fid,lpips', '--metrics', 'eval'), (e: Error) => e instanceof DcganError && /--metrics: unknown metric lpips; known: fid, kid, is, pr, hist, nn/.test(e.message));
  assert.throws(() => parseMetricList(' , ', '--metrics', 'eval'), /name at least one metric/);
});
