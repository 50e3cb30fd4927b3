import { DcganError, type ImageDataset } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { cachedDataPath } from '../datasets/download.js';
import { TEST_IMAGES, TRAIN_IMAGES, loadIdx } from '../datasets/idxFiles.js';
import { embeddedMnistDir } from '../datasets/mnist.js';

/** A labelled split: images and their classes. */
export interface LabelledSplit {
  dataset: ImageDataset;
  labels: Uint16Array;
  classes: number;
}


/** The folder of an IDX-style source: the embedded MNIST, the download cache, or --data. */
async function idxFolder(dataset: string, data: string | undefined): Promise<string> {
  if (data !== undefined) return (await fs.stat(data).catch(() => null))?.isFile() ? path.dirname(data) : data;
  if (dataset === 'mnist') return embeddedMnistDir();
  if (dataset === 'fashion-mnist') {
    const cached = await cachedDataPath('fashion-mnist');
    if (cached) return cached;
    throw new DcganError('fashion-mnist is not in the download cache; fetch it with `dcgan download fashion-mnist`, or pass --data');
  }
  throw new DcganError(`--dataset ${dataset}: classification reads labelled IDX sets (mnist, fashion-mnist, idx) for now`);
}

/**
 * The labelled train or test split of an IDX set (MNIST: 60,000 / 10,000), at the model's size and channels. The
 * test split is the set's own (t10k-*), never a slice of the training images.
 */
export async function loadLabelledSplit(
  dataset: string,
  data: string | undefined,
  split: 'train' | 'test',
  imageSize: number,
  channels: number,
): Promise<LabelledSplit> {
  const folder = await idxFolder(dataset, data);
  const pattern = split === 'test' ? TEST_IMAGES : TRAIN_IMAGES;
  const names = (await fs.readdir(folder).catch(() => [] as string[])).filter((n) => pattern.test(n)).sort();
  if (names.length === 0) throw new DcganError(`${folder} has no ${split} split (expected ${split === 'test' ? 't10k' : 'train'}-images-idx3-ubyte)`);
  const loaded = await loadIdx(path.join(folder, names[0]!), `${dataset}-${split}`, imageSize, channels);
  if (!loaded.labels) throw new DcganError(`${loaded.path ?? folder}: no label file beside the ${split} images`);
  const classes = loaded.labels.reduce((a, b) => Math.max(a, b), 0) + 1; // not Math.max(...): too many arguments
  return { dataset: loaded.dataset, labels: loaded.labels, classes };
}

/** `perClass` random indices of each class (seeded), in class order; fails when a class has too few. */
export function drawPerClass(labels: Uint16Array, classes: number, perClass: number, order: Uint32Array): Uint32Array {
  const picked: number[][] = Array.from({ length: classes }, () => []);
  for (const i of order) {
    const c = labels[i]!;
    if (picked[c]!.length < perClass) picked[c]!.push(i);
  }
  picked.forEach((p, c) => {
    if (p.length < perClass) throw new DcganError(`class ${c} has ${p.length} labelled images, fewer than ${perClass}`);
  });
  return Uint32Array.from(picked.flat());
}
