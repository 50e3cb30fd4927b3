import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TEST_IMAGES, TRAIN_IMAGES, loadIdx } from '../idxFiles.js';
import { type DatasetKind, type KindSource, type LabelledSplit, type SplitName, classCount } from './kind.js';

const SPLIT_IMAGES: Record<SplitName, RegExp> = { train: TRAIN_IMAGES, test: TEST_IMAGES };

/**
 * An IDX set (LeCun's format: MNIST, Fashion-MNIST, EMNIST, KMNIST): `data` is a folder with the standard names or one
 * image file. Training reads its train-* images (or that file); the labelled splits are the folder's own train-* and
 * t10k-* files with the labels beside them, never a slice of one another. `embedded`: files that ship with a package,
 * so no path is recorded.
 */
export async function idxSource(name: string, data: string, { embedded = false } = {}): Promise<KindSource> {
  const stat = await fs.stat(data).catch(() => null);
  if (!stat) throw new DcganError(`--data ${data}: no such file or folder`);
  const folder = stat.isFile() ? path.dirname(data) : data;
  const names = (await fs.readdir(folder).catch(() => [] as string[])).sort();
  const splits = (['train', 'test'] as const).filter((s) => names.some((n) => SPLIT_IMAGES[s].test(n)));
  return {
    path: embedded ? undefined : data,
    channels: 1,
    splits,
    async open({ imageSize, channels }) {
      const loaded = await loadIdx(data, name, imageSize, channels);
      return embedded ? { ...loaded, path: undefined } : loaded;
    },
    async split(which, imageSize, channels): Promise<LabelledSplit> {
      const images = names.find((n) => SPLIT_IMAGES[which].test(n));
      if (images === undefined) {
        throw new DcganError(`${folder} has no ${which} split (expected ${which === 'test' ? 't10k' : 'train'}-images-idx3-ubyte)`);
      }
      const loaded = await loadIdx(path.join(folder, images), `${name}-${which}`, imageSize, channels);
      if (!loaded.labels) throw new DcganError(`${loaded.path ?? folder}: no label file beside the ${which} images`);
      return { dataset: loaded.dataset, labels: loaded.labels, classes: classCount(loaded.labels) };
    },
  };
}

/** Recognised by an IDX image file's magic number (plain or gzipped), or a folder with MNIST's training file names. */
export const idx: DatasetKind<'idx'> = {
  name: 'idx',
  data: 'required',
  definedByData: true,
  detect: (p) => (p.isFile ? p.content.length >= 4 && p.content.readUInt32BE(0) === 0x00000803 : p.names.some((n) => TRAIN_IMAGES.test(n))),
  resolve: (data) => idxSource('idx', data!),
};
