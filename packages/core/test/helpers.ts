import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  type DcganConfig,
  Rng,
  Uint8ImageDataset,
} from '../src/index.js';

await tf.setBackend('cpu');
tf.env().set('PROD', true);

/** A tiny config that trains in milliseconds on the JS cpu backend. */
export function tinyConfig(overrides: Partial<DcganConfig> = {}): DcganConfig {
  return {
    ...DEFAULT_MODEL_CONFIG,
    ...DEFAULT_TRAINING_CONFIG,
    imageSize: 16,
    channels: 1,
    nz: 8,
    ngf: 4,
    ndf: 4,
    batchSize: 4,
    steps: 4,
    seed: 11,
    ...overrides,
  };
}

/** n random uint8 images (S, S, C). */
export function randomDataset(n: number, size: number, channels: number, seed = 0): Uint8ImageDataset {
  const rng = Rng.derive(seed);
  const pixels = new Uint8Array(n * size * size * channels).map(() => rng.int(256));
  return new Uint8ImageDataset('random', { pixels, height: size, width: size, channels }, size, channels);
}
