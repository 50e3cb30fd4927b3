import { fitGaussian, frechetDistance } from '../fid.js';
import { featureMetric, fixed } from './metric.js';

/**
 * FID: the Fréchet distance between Gaussians fitted to the samples' and the reference's classifier features
 * (Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium"; matches
 * pytorch-fid's calculate_frechet_distance with scipy's sqrtm to round-off: core/test/golden).
 */
export const fid = featureMetric({
  name: 'fid',
  summary: "Fréchet distance between Gaussians fitted to the classifier's features",
  source: 'Heusel et al. 2017; pytorch-fid',
  reads: 'classifier features',
  inTrainingByDefault: true,
  floor: { kind: 'real-vs-reference', label: 'real data' },
  progress: 'FID',
  async compute({ sample, reference, n }): Promise<number> {
    const d = sample.featureDims;
    return frechetDistance(fitGaussian(sample.features, n, d), fitGaussian(reference.features, n, d));
  },
  scalars: { fid: { label: 'FID', title: 'FID', better: 'lower', digits: 2 } },
  flatten: (value) => ({ fid: value }),
  describe: (value, floor) => `FID        ${fixed(value)}   (floor ${fixed(floor)})`,
});
