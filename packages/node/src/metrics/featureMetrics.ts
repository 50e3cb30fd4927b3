import { type ClassifierOutputs, FEATURE_METRICS, type FeatureMetricResults, type FloorKind } from '@dcgan-ts/core';

/**
 * The chosen feature metrics (core's registry) of `sample` (n images' classifier outputs) against `reference`, the
 * pipeline `dcgan eval` and `dcgan train --eval-every` share. `say` hears the name of each slow one as it starts.
 */
export async function featureMetrics(
  sample: ClassifierOutputs,
  reference: ClassifierOutputs,
  n: number,
  metrics: ReadonlySet<string>,
  seed: number,
  say: (line: string) => void = () => {},
): Promise<FeatureMetricResults> {
  const out: Record<string, unknown> = {};
  for (const metric of FEATURE_METRICS) {
    if (!metrics.has(metric.name)) continue;
    if (metric.progress) say(metric.progress);
    out[metric.name] = await metric.compute({ sample, reference, n, seed });
  }
  return out as FeatureMetricResults;
}

/**
 * What the metrics read for real data, the floor each sample score is shown beside, as each metric declares it:
 * `real-vs-reference` metrics (FID, KID, precision/recall) of `realTrain` (n training images) against `reference`;
 * `reference-itself` metrics (IS, the class histogram) of the reference alone.
 */
export async function floorMetrics(
  realTrain: ClassifierOutputs,
  reference: ClassifierOutputs,
  n: number,
  metrics: ReadonlySet<string>,
  seed: number,
): Promise<FeatureMetricResults> {
  const ofKind = (kind: FloorKind) => new Set(FEATURE_METRICS.filter((m) => m.floor.kind === kind && metrics.has(m.name)).map((m) => m.name));
  return {
    ...(await featureMetrics(realTrain, reference, n, ofKind('real-vs-reference'), seed)),
    ...(await featureMetrics(reference, reference, n, ofKind('reference-itself'), seed)),
  };
}
