import { DcganError, FlipDataset, type ImageDataset, fakeDataset } from '@dcgan-ts/core';
import { closeSync } from 'node:fs';
import path from 'node:path';
import { loadCifar } from './cifar.js';
import { datasetDir } from './catalog.js';
import type { DecodeOptions } from './decodeImage.js';
import { detectSource } from './detect.js';
import { cachedDataPath } from './download.js';
import { loadIdx } from './idxFiles.js';
import { loadImageFolder } from './imageFolder.js';
import { openEmbeddedMnist } from './mnist.js';
import { PackedDataset, readPackedHeader } from './packedFile.js';
import { type LoadedDataset, addProblem, noProblems } from './source.js';

/** The sources `dcgan train --dataset` knows. mnist and fashion-mnist are named presets of idx. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'idx', 'cifar10', 'cifar100', 'folder', 'packed', 'fake'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Sources that need --data (the others are embedded, generated, or found in the download cache). */
const NEEDS_DATA: readonly DatasetName[] = ['idx', 'cifar100', 'folder', 'packed'];

export const DEFAULT_BACKGROUND: [number, number, number] = [255, 255, 255];

export interface DatasetRequest {
  dataset: string;
  /** File or folder; required by idx, cifar100, folder, packed; optional for mnist, fashion-mnist, cifar10. */
  data?: string;
  imageSize: number;
  channels: number;
  seed: number;
  /** folder only: centre square cut before resizing. */
  crop?: number;
  /** Random horizontal flips, a function of (seed, epoch, index). */
  flip?: boolean;
  /** folder only: what alpha is composited onto. */
  background?: [number, number, number];
  /** Bad files and upscaled images are errors, not warnings. */
  strict?: boolean;
  /** folder: decode progress, (files done, files). */
  onProgress?(done: number, total: number): void;
}

export function checkDatasetName(name: string): DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new DcganError(`unknown dataset "${name}"; known: ${DATASET_NAMES.join(', ')}`);
  }
  return name as DatasetName;
}

/** The source a request means: --dataset as given, else what --data holds, else the embedded MNIST. */
export async function resolveDatasetName(dataset: string | undefined, data: string | undefined): Promise<DatasetName> {
  if (dataset !== undefined) return checkDatasetName(dataset);
  return data === undefined ? 'mnist' : detectSource(data);
}

/** The channel count a source gives by default (what `--channels` resolves to when omitted). */
export async function defaultChannels(name: DatasetName, data?: string): Promise<number> {
  return name === 'packed' && data !== undefined ? packedHeaderOf(data).channels : nativeChannels(name);
}

/** The image size a source trains at by default: a packed file's own, otherwise the paper's 32 (set by the caller). */
export async function defaultImageSize(name: DatasetName, data?: string): Promise<number | undefined> {
  return name === 'packed' && data !== undefined ? packedHeaderOf(data).imageSize : undefined;
}

/** Synchronous channel default for the sources that do not depend on a file (kept for callers of the first API). */
export function nativeChannels(name: DatasetName): number {
  return name === 'mnist' || name === 'fashion-mnist' || name === 'idx' ? 1 : 3;
}

function packedHeaderOf(file: string) {
  const { fd, header } = readPackedHeader(file);
  closeSync(fd);
  return header;
}

/** --data of a source that can come from the download cache, or the one line that says how to fetch it. */
async function fromCache(name: 'fashion-mnist' | 'cifar10'): Promise<string> {
  const cached = await cachedDataPath(name);
  if (cached === null) {
    throw new DcganError(
      `${name} is not in the download cache (${datasetDir(name)}); fetch it with \`dcgan download ${name}\`, or pass --data PATH`,
    );
  }
  return cached;
}

/** Opens a source with everything the CLI knows about it: images, labels, skipped files. Nothing is printed. */
export async function openDataset(request: DatasetRequest): Promise<LoadedDataset> {
  const name = checkDatasetName(request.dataset);
  const { data, imageSize, channels } = request;
  if (NEEDS_DATA.includes(name) && data === undefined) throw new DcganError(`--dataset ${name} needs --data PATH`);
  if (name === 'fake' && data !== undefined) throw new DcganError('--data is not used by --dataset fake, which is generated');
  if (name !== 'folder') {
    if (request.crop !== undefined) throw new DcganError(`--crop applies to --dataset folder (and dcgan prepare), not ${name}`);
    if (request.background !== undefined) throw new DcganError(`--background applies to --dataset folder (and dcgan prepare), not ${name}`);
  }
  if (channels !== 1 && channels !== 3) throw new DcganError(`--channels must be 1 or 3, got ${channels}`);

  let loaded: LoadedDataset;
  switch (name) {
    case 'mnist':
      loaded = data === undefined ? await openEmbeddedMnist(imageSize, channels) : await loadIdx(data, name, imageSize, channels);
      break;
    case 'fashion-mnist':
      loaded = await loadIdx(data ?? (await fromCache(name)), name, imageSize, channels);
      break;
    case 'idx':
      loaded = await loadIdx(data!, name, imageSize, channels);
      break;
    case 'cifar10':
      loaded = await loadCifar(name, data ?? (await fromCache(name)), imageSize, channels);
      break;
    case 'cifar100':
      loaded = await loadCifar(name, data!, imageSize, channels);
      break;
    case 'folder': {
      const decode: DecodeOptions = { imageSize, channels, crop: request.crop, background: request.background ?? DEFAULT_BACKGROUND };
      if (decode.crop !== undefined && !(Number.isInteger(decode.crop) && decode.crop > 0)) {
        throw new DcganError(`--crop must be a positive number of pixels, got ${decode.crop}`);
      }
      loaded = await loadImageFolder(data!, { ...decode, strict: request.strict, pool: { onProgress: request.onProgress } });
      break;
    }
    case 'packed':
      loaded = openPacked(data!, imageSize, channels, request.strict ?? false);
      break;
    case 'fake':
      loaded = { dataset: fakeDataset(imageSize, channels, 512, request.seed), skipped: noProblems(), upscaled: noProblems() };
      break;
  }
  if (request.flip) loaded = { ...loaded, dataset: new FlipDataset(loaded.dataset, request.seed) };
  return loaded;
}

function openPacked(file: string, imageSize: number, channels: number, strict: boolean): LoadedDataset {
  const { fd, header, labels } = readPackedHeader(file);
  const upscaled = noProblems();
  try {
    if (imageSize > header.imageSize) {
      const line = `${file} holds ${header.imageSize}x${header.imageSize} images, smaller than --image-size ${imageSize}`;
      if (strict) throw new DcganError(`--strict: ${line}, and they would be upscaled`);
      addProblem(upscaled, line);
      upscaled.count = header.count;
    }
    const dataset = new PackedDataset(fd, header, imageSize, channels);
    return { dataset, labels, classes: header.classes, path: path.resolve(file), skipped: header.skipped, upscaled };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** The first API: the images only. */
export async function loadDataset(request: DatasetRequest): Promise<ImageDataset> {
  return (await openDataset(request)).dataset;
}
