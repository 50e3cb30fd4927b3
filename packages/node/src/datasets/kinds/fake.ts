import { fakeDataset } from '@dcgan-ts/core';
import { noProblems } from '../source.js';
import type { DatasetKind } from './kind.js';

/** Generated images (512, seeded): for tests and timing, with no labels and no file behind them. */
export const fake: DatasetKind<'fake'> = {
  name: 'fake',
  data: 'refused',
  async resolve() {
    return {
      channels: 3,
      splits: [],
      noSplits: '--dataset fake: generated images have no labels, nor train and test splits',
      open: async ({ imageSize, channels, seed }) => ({ dataset: fakeDataset(imageSize, channels, 512, seed), skipped: noProblems(), upscaled: noProblems() }),
    };
  },
};
