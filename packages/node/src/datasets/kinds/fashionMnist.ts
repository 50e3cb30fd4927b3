import { idxSource } from './idx.js';
import { type DatasetKind, fromCache } from './kind.js';

/** Fashion-MNIST: IDX files like MNIST's, from `dcgan download fashion-mnist` or --data. */
export const fashionMnist: DatasetKind<'fashion-mnist'> = {
  name: 'fashion-mnist',
  data: 'optional',
  resolve: async (data) => idxSource('fashion-mnist', data ?? (await fromCache('fashion-mnist'))),
};
