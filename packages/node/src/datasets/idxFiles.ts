import { DcganError, Uint8ImageDataset } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readMaybeGzip } from './gzip.js';
import { parseIdxImages, parseIdxLabels } from './idx.js';
import { type LoadedDataset, noProblems } from './source.js';

/** An IDX image file and the label file beside it, when there is one. */
export interface IdxFiles {
  images: string;
  labels?: string;
}

/**
 * The standard names: MNIST's `train-images-idx3-ubyte`, with `.gz`, with the `.idx3` spelling some mirrors use, or
 * with a prefix (EMNIST's `emnist-letters-train-images-idx3-ubyte.gz`, KMNIST's `kmnist-...`).
 */
export const TRAIN_IMAGES = /^(.*?)train-images[-.]idx3-ubyte(\.gz)?$/;
/** The test split's images under the same conventions (MNIST's `t10k-images-idx3-ubyte`). */
export const TEST_IMAGES = /^(.*?)t10k-images[-.]idx3-ubyte(\.gz)?$/;

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then((s) => s.isFile(), () => false);
}

/** The label file named after an image file (`...images-idx3-ubyte[.gz]` -> `...labels-idx1-ubyte[.gz]`), if present. */
async function labelsBeside(images: string): Promise<string | undefined> {
  const base = path.basename(images).replace(/images([-.])idx3-ubyte(\.gz)?$/, 'labels$1idx1-ubyte');
  if (base === path.basename(images)) return undefined;
  for (const name of [base, base + '.gz']) {
    const candidate = path.join(path.dirname(images), name);
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

/** Finds the training images (and labels) of an IDX set: `data` is a folder with standard names, or an image file. */
export async function findIdxFiles(data: string): Promise<IdxFiles> {
  const stat = await fs.stat(data).catch(() => null);
  if (!stat) throw new DcganError(`--data ${data}: no such file or folder`);
  if (stat.isFile()) return { images: data, labels: await labelsBeside(data) };
  const names = (await fs.readdir(data)).filter((n) => TRAIN_IMAGES.test(n)).sort();
  if (names.length === 0) {
    throw new DcganError(`${data} holds no IDX training images (expected a file named train-images-idx3-ubyte or .gz)`);
  }
  // The same set plain and gzipped counts once (plain first: no inflating); different prefixes are different sets.
  const sets = new Map<string, string>();
  for (const n of names) {
    const prefix = TRAIN_IMAGES.exec(n)![1]!;
    if (!sets.has(prefix) || sets.get(prefix)!.endsWith('.gz')) sets.set(prefix, n);
  }
  if (sets.size > 1) {
    throw new DcganError(`${data} holds several IDX sets (${[...sets.values()].join(', ')}); pass one file as --data`);
  }
  const images = path.join(data, [...sets.values()][0]!);
  return { images, labels: await labelsBeside(images) };
}

/** (count, rows, cols) -> (count, cols, rows). */
function transposeImages(pixels: Uint8Array, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(pixels.length);
  const n = rows * cols;
  for (let i = 0; i < pixels.length; i += n) {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[i + c * rows + r] = pixels[i + r * cols + c]!;
  }
  return out;
}

/** An IDX set (gray images, uint8) served at `imageSize` and `channels`, with its labels when present. */
export async function loadIdx(data: string, name: string, imageSize: number, channels: number): Promise<LoadedDataset> {
  const files = await findIdxFiles(data);
  const idx = parseIdxImages(await readMaybeGzip(files.images), files.images);
  if (idx.count === 0) throw new DcganError(`${files.images} holds no images`);
  let labels: Uint16Array | undefined;
  if (files.labels) {
    const bytes = parseIdxLabels(await readMaybeGzip(files.labels), files.labels);
    if (bytes.length !== idx.count) {
      throw new DcganError(`${files.labels} has ${bytes.length} labels for ${idx.count} images in ${files.images}`);
    }
    labels = Uint16Array.from(bytes);
  }
  // EMNIST's IDX files store each image transposed (column-major, from its MATLAB origin): turn them upright.
  const transposed = path.basename(files.images).startsWith('emnist-');
  const pixels = transposed ? transposeImages(idx.pixels, idx.rows, idx.cols) : idx.pixels;
  const [height, width] = transposed ? [idx.cols, idx.rows] : [idx.rows, idx.cols];
  const dataset = new Uint8ImageDataset(
    name,
    { pixels, height, width, channels: 1 },
    imageSize,
    channels,
  );
  return { dataset, labels, path: path.resolve(files.images), skipped: noProblems(), upscaled: noProblems() };
}
