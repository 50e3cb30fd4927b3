import type { FeatureGaussian } from './fid.js';
import type { ClassifierOutputs } from './registry/metric.js';

/**
 * What FID, the Inception-style score and the class histogram need of a set of samples, as sums: computed per shard
 * of a large evaluation (rows first..first+count-1 of `total` samples, e.g. one job of `dcgan queue eval`) and added
 * up exactly, so that a 50,000-sample evaluation split over many machines gives the numbers one machine would (up to
 * floating-point summation order), never an average of per-shard FIDs (which is biased: FID of a mean is not the
 * mean of FIDs).
 *
 *   FID:  mean = sum / n;  covariance = (outer - n mean mean^T) / (n - 1)      (sum = Σ f, outer = Σ f f^T)
 *   IS:   per split s (the same contiguous splits as inceptionScore()): KL_s = Σ_i Σ_c p_ic log p_ic
 *         - Σ_c P_c log(P_c / n_s) with P_c = Σ_i p_ic, so each split needs Σ p log p and the class sums P.
 *
 * Plain arrays (not typed): a shard's statistics travel as JSON (a job's return value), which keeps float64 exact.
 */
export interface SampleStatistics {
  first: number;
  count: number;
  total: number;
  featureDims: number;
  /** Σ f over the shard's rows, (d). */
  featureSum: number[];
  /** Σ f f^T, (d, d) row-major. */
  featureOuter: number[];
  classes: number;
  /** For each inception-score split the shard overlaps: its index, rows, Σ p log p and the class sums. */
  splits: { split: number; rows: number; pLogP: number; probSum: number[] }[];
  /** Argmax counts per class. */
  histogram: number[];
}

/** The inception score's splits (inceptionScore()'s default). */
export const SCORE_SPLITS = 10;

/** Row range [lo, hi) of split s of n rows in `parts` parts: inceptionScore()'s own split. */
function splitRange(s: number, n: number, parts: number): [number, number] {
  return [Math.floor((s * n) / parts), Math.floor(((s + 1) * n) / parts)];
}

/** The sums of `outputs`, whose row i is sample first + i of `total`. */
export function sampleStatistics(outputs: ClassifierOutputs, first: number, total: number): SampleStatistics {
  const { featureDims: d, classes: k } = outputs;
  const count = outputs.features.length / d;
  if (!(first >= 0 && first + count <= total)) throw new Error(`rows ${first}..${first + count - 1} are not within ${total} samples`);
  const featureSum = new Float64Array(d);
  const featureOuter = new Float64Array(d * d);
  for (let i = 0; i < count; i++) {
    const row = outputs.features.subarray(i * d, (i + 1) * d);
    for (let a = 0; a < d; a++) {
      const fa = row[a]!;
      featureSum[a]! += fa;
      for (let b = a; b < d; b++) featureOuter[a * d + b]! += fa * row[b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) featureOuter[a * d + b] = featureOuter[b * d + a]!;

  const parts = Math.min(SCORE_SPLITS, total);
  const splits: SampleStatistics['splits'] = [];
  for (let s = 0; s < parts; s++) {
    const [lo, hi] = splitRange(s, total, parts);
    const from = Math.max(lo, first);
    const to = Math.min(hi, first + count);
    if (from >= to) continue;
    const probSum = new Float64Array(k);
    let pLogP = 0;
    for (let g = from; g < to; g++) {
      const i = g - first;
      for (let c = 0; c < k; c++) {
        const p = outputs.probs[i * k + c]!;
        probSum[c]! += p;
        if (p > 0) pLogP += p * Math.log(p);
      }
    }
    splits.push({ split: s, rows: to - from, pLogP, probSum: [...probSum] });
  }
  const histogram = new Array<number>(k).fill(0);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (outputs.probs[i * k + c]! > outputs.probs[i * k + best]!) best = c;
    histogram[best]! += 1;
  }
  return { first, count, total, featureDims: d, featureSum: [...featureSum], featureOuter: [...featureOuter], classes: k, splits, histogram };
}

/** What the shards of one evaluation add up to. */
export interface MergedStatistics {
  gaussian: FeatureGaussian;
  inceptionScore: { mean: number; std: number };
  histogram: number[];
}

/**
 * Adds statistics of adjacent row ranges into those of their union (sums of sums): the parts may come in any order
 * but must tile first..first+count-1 without gaps or overlaps, or an error names the rows missing or doubled.
 */
export function joinSampleStatistics(parts: readonly SampleStatistics[]): SampleStatistics {
  if (parts.length === 0) throw new Error('no shards to merge');
  const { total, featureDims: d, classes: k } = parts[0]!;
  const sorted = [...parts].sort((a, b) => a.first - b.first);
  let next = sorted[0]!.first;
  for (const s of sorted) {
    if (s.total !== total || s.featureDims !== d || s.classes !== k) throw new Error('the shards come from different evaluations');
    // A NaN travels through JSON as null, which adds like 0: refused here, not turned into a plausible score.
    const finite = (xs: readonly number[]) => xs.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!finite(s.featureSum) || !finite(s.featureOuter) || !s.splits.every((p) => Number.isFinite(p.pLogP) && finite(p.probSum))) {
      throw new Error(`samples ${s.first}..${s.first + s.count - 1}: the statistics are not finite (G drew NaNs?)`);
    }
    if (s.first !== next) throw new Error(s.first < next ? `samples ${s.first}..${next - 1} are in two shards` : `samples ${next}..${s.first - 1} are in no shard`);
    next = s.first + s.count;
  }
  const sum = new Float64Array(d);
  const outer = new Float64Array(d * d);
  const histogram = new Array<number>(k).fill(0);
  const splits = new Map<number, { split: number; rows: number; pLogP: number; probSum: number[] }>();
  for (const s of sorted) {
    for (let a = 0; a < d; a++) sum[a]! += s.featureSum[a]!;
    for (let j = 0; j < d * d; j++) outer[j]! += s.featureOuter[j]!;
    for (let c = 0; c < k; c++) histogram[c]! += s.histogram[c]!;
    for (const part of s.splits) {
      const into = splits.get(part.split) ?? { split: part.split, rows: 0, pLogP: 0, probSum: new Array<number>(k).fill(0) };
      into.rows += part.rows;
      into.pLogP += part.pLogP;
      for (let c = 0; c < k; c++) into.probSum[c]! += part.probSum[c]!;
      splits.set(part.split, into);
    }
  }
  const first = sorted[0]!.first;
  return {
    first,
    count: next - first,
    total,
    featureDims: d,
    featureSum: [...sum],
    featureOuter: [...outer],
    classes: k,
    splits: [...splits.values()].sort((a, b) => a.split - b.split),
    histogram,
  };
}

/** Adds the shards of `total` samples: each row counted exactly once, or an error naming what is missing or doubled. */
export function mergeSampleStatistics(shards: readonly SampleStatistics[]): MergedStatistics {
  const all = joinSampleStatistics(shards);
  const { total, featureDims: d, classes: k } = all;
  if (all.first !== 0) throw new Error(`samples 0..${all.first - 1} are in no shard`);
  if (all.count !== total) throw new Error(`samples ${all.count}..${total - 1} are in no shard`);
  const n = total;
  const mean = all.featureSum.map((v) => v / n);
  const covariance = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) covariance[a * d + b] = (all.featureOuter[a * d + b]! - n * mean[a]! * mean[b]!) / (n - 1);

  const parts = Math.min(SCORE_SPLITS, total);
  const scores: number[] = [];
  for (let s = 0; s < parts; s++) {
    const split = all.splits.find((x) => x.split === s);
    const [lo, hi] = splitRange(s, total, parts);
    if (!split || split.rows !== hi - lo) throw new Error(`inception-score split ${s} has ${split?.rows ?? 0} of its ${hi - lo} rows`);
    let kl = split.pLogP;
    for (let c = 0; c < k; c++) {
      const p = split.probSum[c]!;
      if (p > 0) kl -= p * Math.log(p / split.rows);
    }
    scores.push(Math.exp(kl / split.rows));
  }
  const isMean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const isStd = Math.sqrt(scores.reduce((a, b) => a + (b - isMean) ** 2, 0) / scores.length);
  return { gaussian: { mean: Float64Array.from(mean), covariance, dims: d, count: n }, inceptionScore: { mean: isMean, std: isStd }, histogram: all.histogram };
}
