import {
  Rng,
  RngStream,
  type classifierOutputs,
  classHistogram,
  fitGaussian,
  frechetDistance,
  inceptionScore,
  kernelInceptionDistance,
  precisionRecall,
} from '@dcgan-ts/core';

/** Features (n, d) and class probabilities (n, classes) of n images, as core's classifierOutputs returns them. */
export type ClassifierOutputs = Awaited<ReturnType<typeof classifierOutputs>>;

/** The metrics computed from classifier outputs alone (`nn` works in pixel space and lives in evaluate.ts). */
export const FEATURE_METRIC_NAMES = ['fid', 'kid', 'is', 'pr', 'hist'] as const;
export type FeatureMetricName = (typeof FEATURE_METRIC_NAMES)[number];

export interface FeatureMetrics {
  fid?: number;
  kid?: { mean: number; std: number; subsetSize: number };
  is?: { mean: number; std: number };
  pr?: { precision: number; recall: number; k: number };
  hist?: { counts: number[]; klToUniform: number; modesCovered: number };
}

/** Precision/recall is O(m^2) in memory and time: 5,000 a side keeps it to seconds. */
const PR_MAX = 5000;

/**
 * The chosen metrics of `sample` (n images' outputs) against `reference` (n images' outputs), the pipeline
 * `dcgan eval` and `dcgan train --eval-every` share: FID of the two feature Gaussians, KID (100 subsets of up to
 * 1,000, drawn from Rng.derive(seed, RngStream.kidSubsets)), precision/recall with k = 3; IS and the class histogram are of `sample`
 * alone (10 splits).
 */
export async function featureMetrics(
  sample: ClassifierOutputs,
  reference: ClassifierOutputs,
  n: number,
  metrics: ReadonlySet<string>,
  seed: number,
  say: (line: string) => void = () => {},
): Promise<FeatureMetrics> {
  const d = sample.featureDims;
  const out: FeatureMetrics = {};
  if (metrics.has('fid')) {
    say('FID');
    out.fid = frechetDistance(fitGaussian(sample.features, n, d), fitGaussian(reference.features, n, d));
  }
  if (metrics.has('kid')) {
    say('KID');
    out.kid = await kernelInceptionDistance(sample.features, n, reference.features, n, d, Rng.derive(seed, RngStream.kidSubsets), 100, 1000);
  }
  if (metrics.has('is')) out.is = inceptionScore(sample.probs, n, sample.classes, 10);
  if (metrics.has('hist')) out.hist = classHistogram(sample.probs, n, sample.classes);
  if (metrics.has('pr')) {
    say('precision and recall (k = 3)');
    const m = Math.min(n, PR_MAX);
    out.pr = await precisionRecall(reference.features.subarray(0, m * d), m, sample.features.subarray(0, m * d), m, d, 3);
  }
  return out;
}

/**
 * What the metrics read for real data, the floor each sample score is shown beside: FID, KID and precision/recall
 * of `realTrain` (n training images) against `reference`; IS and the class histogram of the reference itself.
 */
export async function floorMetrics(
  realTrain: ClassifierOutputs,
  reference: ClassifierOutputs,
  n: number,
  metrics: ReadonlySet<string>,
  seed: number,
): Promise<FeatureMetrics> {
  const pick = (names: string[]) => new Set(names.filter((m) => metrics.has(m)));
  return {
    ...(await featureMetrics(realTrain, reference, n, pick(['fid', 'kid', 'pr']), seed)),
    ...(await featureMetrics(reference, reference, n, pick(['is', 'hist']), seed)),
  };
}
