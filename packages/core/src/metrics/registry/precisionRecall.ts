import { precisionRecall as improvedPrecisionRecall } from '../neighbours.js';
import { featureMetric, fixed } from './metric.js';

/** Precision/recall is O(m^2) in memory and time: 5,000 a side keeps it to seconds. */
const MAX_SIDE = 5000;
const K = 3;

/**
 * Improved precision and recall with k = 3 (Kynkaanniemi et al. 2019; their precision_recall.py's arithmetic,
 * core/test/golden): the fraction of samples inside the real features' k-NN manifold, and of reals inside the
 * samples'. At most 5,000 a side.
 */
export const precisionRecall = featureMetric({
  name: 'pr',
  summary: "precision and recall (k = 3) of the samples' and the reals' feature manifolds",
  source: 'Kynkaanniemi et al. 2019; their precision_recall.py',
  reads: 'classifier features',
  inTrainingByDefault: true,
  floor: { kind: 'real-vs-reference', label: 'real data' },
  progress: `precision and recall (k = ${K})`,
  async compute({ sample, reference, n }) {
    const m = Math.min(n, MAX_SIDE);
    const d = sample.featureDims;
    return improvedPrecisionRecall(reference.features.subarray(0, m * d), m, sample.features.subarray(0, m * d), m, d, K);
  },
  scalars: {
    precision: { label: 'precision', title: `precision (k=${K})`, better: 'higher', digits: 3 },
    recall: { label: 'recall', title: `recall (k=${K})`, better: 'higher', digits: 3 },
  },
  flatten: (value) => ({ precision: value.precision, recall: value.recall }),
  describe: (value, floor) =>
    `precision  ${fixed(value.precision)}  recall ${fixed(value.recall)}   (floor ${fixed(floor.precision)} / ${fixed(floor.recall)}; k = ${value.k})`,
});
