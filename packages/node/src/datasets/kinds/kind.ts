import { DcganError, type ImageDataset } from '@dcgan-ts/core';
import { datasetDir } from '../catalog.js';
import { cachedDataPath } from '../download.js';
import type { PathProbe } from '../detect.js';
import type { LoadedDataset } from '../source.js';

/** A labelled set's own parts: the images a classifier trains on, and those it is scored on. */
export type SplitName = 'train' | 'test';

/** A labelled split: images and their classes. */
export interface LabelledSplit {
  dataset: ImageDataset;
  labels: Uint16Array;
  /** How many classes the labels index (the set's own count where it names them, else the largest label + 1). */
  classes: number;
  /** The class names, when the source names them (CIFAR-10's, class folders). */
  classNames?: string[];
}

/** How to read a source's images for training; the registry has checked them against the kind. */
export interface OpenOptions {
  imageSize: number;
  channels: 1 | 3;
  seed: number;
  /** folder only: centre square cut before resizing. */
  crop?: number;
  /** folder only: what alpha is composited onto. */
  background: [number, number, number];
  /** Bad files and upscaled images are errors, not warnings. */
  strict: boolean;
  /** folder: decode progress, (files done, files). */
  onProgress?(done: number, total: number): void;
}

/** What a kind knows about one source once resolved: read once, then used by training, previews and the splits. */
export interface KindSource {
  /** The file or folder read, as given or found in the download cache; absent for embedded and generated data. */
  path?: string;
  /** The image size training uses when --image-size is not given; absent: the model's default. */
  imageSize?: number;
  /** What --channels resolves to when omitted. */
  channels: number;
  /** The labelled splits the source has, as far as can be told without reading its images. */
  splits: readonly SplitName[];
  /** The training images (with labels, skipped files and where they came from). */
  open(options: OpenOptions): Promise<LoadedDataset>;
  /** A labelled split at a model's size and channels; absent for kinds that have none. */
  split?(which: SplitName, imageSize: number, channels: number, cut?: SplitCut): Promise<LabelledSplit>;
  /** Why `split` is refused, for kinds that have no splits or a source without them. */
  noSplits?: string;
}

/**
 * How a split's images are cut, as the run being scored was trained (config.json's data record): a folder's centre
 * crop and the colour under transparency. Only decoded images (folders) have these; the other kinds ignore them.
 */
export interface SplitCut {
  crop?: number;
  background?: [number, number, number];
}

/**
 * One kind of dataset `--dataset` names: how it is recognised, what --data it takes, and how a source of it is
 * resolved into a KindSource. Adding a kind is a file in this folder and a line in registry.ts.
 */
export interface DatasetKind<N extends string = string> {
  readonly name: N;
  /** Whether --data is required, optional (embedded or in the download cache) or refused. */
  readonly data: 'required' | 'optional' | 'refused';
  /** Whether --crop and --background apply (images decoded from files). */
  readonly decodes?: boolean;
  /**
   * True when what the images are depends on --data alone (any IDX set, any folder), not on a named dataset: what is
   * cached per dataset (the metrics classifier) is then cached per data path.
   */
  readonly definedByData?: boolean;
  /** True when the path holds this kind (auto-detection of --data); absent for kinds never detected. */
  detect?(probe: PathProbe): boolean;
  /** Reads what the source is (headers, folder listings) once. */
  resolve(data: string | undefined): Promise<KindSource>;
}

/** --data of a kind that can come from the download cache, or the one line that says how to fetch it. */
export async function fromCache(name: 'fashion-mnist' | 'cifar10'): Promise<string> {
  const cached = await cachedDataPath(name);
  if (cached === null) {
    throw new DcganError(
      `${name} is not in the download cache (${datasetDir(name)}); fetch it with \`dcgan download ${name}\`, or pass --data PATH`,
    );
  }
  return cached;
}

/** The number of classes labels index: the largest + 1 (not Math.max(...labels): too many arguments). */
export function classCount(labels: Uint16Array): number {
  return labels.reduce((a, b) => Math.max(a, b), 0) + 1;
}
