import { type CifarName, cifarClassCount, loadCifar } from '../cifar.js';
import { isTarHead } from '../detect.js';
import { type DatasetKind, type KindSource, fromCache } from './kind.js';

/** A CIFAR source: the archive as downloaded, its extracted folder, or one batch file (training on it alone). */
function cifarSource(name: CifarName, data: string): KindSource {
  return {
    path: data,
    channels: 3,
    // The set's own: training batches and a test batch (a source without one says so when the split is read).
    splits: ['train', 'test'],
    open: ({ imageSize, channels }) => loadCifar(name, data, imageSize, channels),
    async split(which, imageSize, channels) {
      const loaded = await loadCifar(name, data, imageSize, channels, which);
      return { dataset: loaded.dataset, labels: loaded.labels!, classes: cifarClassCount(name), classNames: loaded.classes };
    },
  };
}

/** CIFAR-10: recognised by its batch names, its extracted folder, or a tar archive named cifar-10*. */
export const cifar10: DatasetKind<'cifar10'> = {
  name: 'cifar10',
  data: 'optional',
  detect: (p) =>
    p.isFile ? isTarHead(p) && /cifar-?10(?!0)/i.test(p.basename) : p.names.some((n) => /^data_batch_\d+\.bin$/.test(n) || n === 'cifar-10-batches-bin'),
  resolve: async (data) => cifarSource('cifar10', data ?? (await fromCache('cifar10'))),
};

/** CIFAR-100: recognised by train.bin, its extracted folder, or a tar archive named cifar-100*. */
export const cifar100: DatasetKind<'cifar100'> = {
  name: 'cifar100',
  data: 'required',
  detect: (p) => (p.isFile ? isTarHead(p) && /cifar-?100/i.test(p.basename) : p.names.some((n) => n === 'train.bin' || n === 'cifar-100-binary')),
  resolve: async (data) => cifarSource('cifar100', data!),
};
