import { DcganError, type ImageDataset } from '@dcgan-ts/core';
import { fakeDataset } from './fake.js';
import { loadMnist } from './mnist.js';

/** The sources `dcgan train --dataset` knows; other sources arrive with the datasets issue. */
export const DATASET_NAMES = ['mnist', 'fake'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** The channel count a source gives by default (what `--channels` resolves to when omitted). */
export function nativeChannels(name: DatasetName): number {
  return name === 'mnist' ? 1 : 3;
}

export interface DatasetRequest {
  dataset: string;
  imageSize: number;
  channels: number;
  seed: number;
}

export function checkDatasetName(name: string): DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new DcganError(`unknown dataset "${name}"; known: ${DATASET_NAMES.join(', ')}`);
  }
  return name as DatasetName;
}

export async function loadDataset(request: DatasetRequest): Promise<ImageDataset> {
  switch (checkDatasetName(request.dataset)) {
    case 'mnist':
      return loadMnist(request.imageSize, request.channels);
    case 'fake':
      return fakeDataset(request.imageSize, request.channels, 512, request.seed);
  }
}
