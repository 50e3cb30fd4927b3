import type { ImageDataset } from '@dcgan-ts/core';
import { type SourceOpenRequest, resolveDatasetSource } from './registry.js';
import type { LoadedDataset } from './source.js';

export { DEFAULT_BACKGROUND } from './kinds/folder.js';
export { DATASET_NAMES, type DatasetName, checkDatasetName } from './registry.js';

/**
 * What openDataset and loadDataset open: --dataset and --data, with the size, channels, seed and options every source
 * takes.
 */
export interface DatasetRequest extends SourceOpenRequest {
  dataset: string;
  /** File or folder; required by idx, cifar100, folder, packed; optional for mnist, fashion-mnist, cifar10. */
  data?: string;
}

/** Resolves a source and opens it: everything the CLI knows about it (images, labels, skipped files); nothing printed. */
export async function openDataset(request: DatasetRequest): Promise<LoadedDataset> {
  const { dataset, data, ...open } = request;
  return (await resolveDatasetSource({ dataset, data })).open(open);
}

/** The first API: the images only. */
export async function loadDataset(request: DatasetRequest): Promise<ImageDataset> {
  return (await openDataset(request)).dataset;
}
