import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../rng.js';

/** The paper's init (section 4): conv weights N(0, 0.02); batch-norm gamma N(1, 0.02) and beta 0 as in the
 * PyTorch reference; running statistics mean 0, variance 1. Drawn from our seeded Rng so that a seed gives the same
 * network on every backend. */
export const INIT_STD = 0.02;

/**
 * Sets every weight of G or D in place from `rng` (paper section 4): conv kernels N(0, INIT_STD), batch-norm gamma
 * N(1, INIT_STD), beta and running mean 0, running variance 1. Throws on any other weight (e.g. a bias).
 */
export function initializeWeights(model: tfl.LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const values = weights.map((w) => {
      const shape = w.shape as number[]; // weights have fully known shapes
      const size = shape.reduce((a, b) => a * b, 1);
      const leaf = w.originalName.split('/').pop();
      switch (leaf) {
        case 'kernel':
          return tf.tensor(rng.normals(size, 0, INIT_STD), shape);
        case 'gamma':
          return tf.tensor(rng.normals(size, 1, INIT_STD), shape);
        case 'beta':
        case 'moving_mean':
          return tf.zeros(shape);
        case 'moving_variance':
          return tf.ones(shape);
        default:
          throw new Error(`initializeWeights: unexpected weight ${w.originalName}`);
      }
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** Number of trainable scalars (what PyTorch's parameters() counts: running statistics excluded). */
export function countTrainableParameters(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}
