import { inceptionScore as score } from '../inceptionScore.js';
import { featureMetric, fixed } from './metric.js';

const SPLITS = 10;

/**
 * The Inception-style score: exp of the mean KL between each sample's class probabilities and their marginal, over
 * 10 splits (Salimans et al. 2016, "Improved Techniques for Training GANs", with the dataset's own classifier in place
 * of Inception; torch-fidelity's arithmetic, core/test/golden). Its floor is the reference split's own score.
 */
export const inceptionScore = featureMetric({
  name: 'is',
  summary: 'Inception-style score of the class probabilities (the dataset classifier in place of Inception)',
  source: 'Salimans et al. 2016; torch-fidelity',
  reads: 'class probabilities',
  inTrainingByDefault: true,
  floor: { kind: 'reference-itself', label: 'test set' },
  async compute({ sample, n }) {
    return score(sample.probs, n, sample.classes, SPLITS);
  },
  scalars: {
    is: { label: 'IS', title: 'Inception-style score', better: 'higher', digits: 2, spread: 'isStd' },
    isStd: { label: 'IS std', title: 'IS std over splits', better: null, digits: 2 },
  },
  flatten: (value) => ({ is: value.mean, isStd: value.std }),
  describe: (value, floor) => `IS         ${fixed(value.mean)} +- ${fixed(value.std)}   (test set ${fixed(floor.mean)}; ${SPLITS} splits)`,
});
