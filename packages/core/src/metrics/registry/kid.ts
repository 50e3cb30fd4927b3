import { Rng, RngStream } from '../../rng.js';
import { kernelInceptionDistance } from '../kid.js';
import { featureMetric, fixed } from './metric.js';

/** Subsets of KID's estimate and their size (torch-fidelity's defaults). */
const SUBSETS = 100;
const SUBSET_SIZE = 1000;

/**
 * KID: the unbiased MMD^2 between the two feature sets with a cubic polynomial kernel, mean and std over 100 random
 * subsets of up to 1,000 a side (Binkowski et al. 2018, "Demystifying MMD GANs"; torch-fidelity's arithmetic,
 * core/test/golden). Subsets come from the evaluation seed's RngStream.kidSubsets.
 */
export const kid = featureMetric({
  name: 'kid',
  summary: "kernel MMD between the classifier's features, unbiased (mean +- std over 100 subsets)",
  source: 'Binkowski et al. 2018; torch-fidelity',
  reads: 'classifier features',
  inTrainingByDefault: true,
  floor: { kind: 'real-vs-reference', label: 'real data' },
  progress: 'KID',
  compute: ({ sample, reference, n, seed }) =>
    kernelInceptionDistance(sample.features, n, reference.features, n, sample.featureDims, Rng.derive(seed, RngStream.kidSubsets), SUBSETS, SUBSET_SIZE),
  scalars: {
    kid: { label: 'KID', title: 'KID', better: 'lower', digits: 4, spread: 'kidStd' },
    kidStd: { label: 'KID std', title: 'KID std over subsets', better: null, digits: 4 },
  },
  flatten: (value) => ({ kid: value.mean, kidStd: value.std }),
  describe: (value, floor) =>
    `KID        ${fixed(value.mean, 5)} +- ${fixed(value.std, 5)}   (floor ${fixed(floor.mean, 5)}; ${value.subsetSize}-image subsets x ${SUBSETS})`,
});
