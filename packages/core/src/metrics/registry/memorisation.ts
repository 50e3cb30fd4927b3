import { nearestDistances } from '../neighbours.js';
import { fixed, pixelMetric } from './metric.js';

/**
 * The memorisation check (the paper's section 4.1.1 worry that G copies training images): each sample's L2 distance
 * in pixel space to its nearest training image, as quantiles, beside the same distances for test images (which
 * were never trained on). Against every training image: `dcgan eval` only.
 */
export const memorisation = pixelMetric({
  name: 'nn',
  summary: "each sample's nearest training image in pixels (memorisation), beside test images'",
  source: 'the paper, section 4.1.1',
  reads: 'pixels and the training split',
  evalOnlyBecause: 'compares samples with every training image',
  floor: { kind: 'test-vs-train', label: 'test images' },
  async compute({ query, m, train, trainN, dims }) {
    return (await nearestDistances(query, m, train, trainN, dims)).quantiles;
  },
  describe: (value, floor, samples, space) =>
    `nearest training image of ${samples} samples: median ${fixed(value.median)}, 1% ${fixed(value.p1)}   ` +
    `(test images: median ${fixed(floor.median)}, 1% ${fixed(floor.p1)}; ${space})`,
});
