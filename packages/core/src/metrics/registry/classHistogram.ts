import { classHistogram as histogram } from '../inceptionScore.js';
import { featureMetric, fixed } from './metric.js';

/**
 * The class histogram of the samples (each one's most likely class): its KL divergence to uniform and how many
 * classes appear, the mode-collapse check (the paper's concern in section 1). Its floor is the reference split's.
 */
export const classHistogram = featureMetric({
  name: 'hist',
  summary: "class histogram of the samples: KL to uniform and classes covered",
  source: 'mode coverage as in Metz et al. 2017 (Unrolled GANs), with the dataset classifier',
  reads: 'class probabilities',
  inTrainingByDefault: false,
  floor: { kind: 'reference-itself', label: 'test set' },
  async compute({ sample, n }) {
    return histogram(sample.probs, n, sample.classes);
  },
  scalars: {
    klToUniform: { label: 'KL to uniform', title: 'class KL to uniform', better: 'lower', digits: 3 },
    modesCovered: { label: 'classes covered', title: 'classes covered', better: 'higher', digits: 0 },
  },
  flatten: (value) => ({ klToUniform: value.klToUniform, modesCovered: value.modesCovered }),
  describe: (value, floor) =>
    `classes    ${value.counts.join(' ')}   KL to uniform ${fixed(value.klToUniform)}, ${value.modesCovered} modes covered (test set KL ${fixed(floor.klToUniform)})`,
});
