import { DcganError, FlipDataset } from '@dcgan-ts/core';
import { probePath } from './detect.js';
import { cifar10, cifar100 } from './kinds/cifar.js';
import { fake } from './kinds/fake.js';
import { fashionMnist } from './kinds/fashionMnist.js';
import { DEFAULT_BACKGROUND, folder } from './kinds/folder.js';
import { idx } from './kinds/idx.js';
import { lsun } from './kinds/lsun.js';
import type { DatasetKind, KindSource, LabelledSplit, SplitCut, SplitName } from './kinds/kind.js';
import { mnist } from './kinds/mnist.js';
import { packed } from './kinds/packed.js';
import type { LoadedDataset } from './source.js';

/**
 * The kinds `--dataset` names, in the order `--help` lists them and detection tries them (folder, which takes any
 * folder, after the kinds known by a folder's file names). mnist and fashion-mnist are named presets of idx.
 */
const KINDS = [mnist, fashionMnist, idx, cifar10, cifar100, lsun, folder, packed, fake] as const;

/**
 * A kind of data `--dataset` names: 'mnist', 'fashion-mnist', 'idx', 'cifar10', 'cifar100', 'folder', 'packed' or
 * 'fake'.
 */
export type DatasetName = (typeof KINDS)[number]['name'];
/** Every DatasetName, in the order `--help` lists them and detection tries them. */
export const DATASET_NAMES: readonly DatasetName[] = KINDS.map((k) => k.name);
const kinds: readonly DatasetKind<DatasetName>[] = KINDS;

/** `name` as a DatasetName; otherwise throws a DcganError listing the known names. */
export function checkDatasetName(name: string): DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new DcganError(`unknown dataset "${name}"; known: ${DATASET_NAMES.join(', ')}`);
  }
  return name as DatasetName;
}

function kindOf(name: DatasetName): DatasetKind<DatasetName> {
  return kinds.find((k) => k.name === name)!;
}

/** Whether `name`'s images depend on --data alone (DatasetKind.definedByData): caches then key by the data's path. */
export function isDefinedByData(name: string): boolean {
  return kinds.find((k) => k.name === name)?.definedByData === true;
}

/**
 * What `--data PATH` holds, for `dcgan train --data PATH` without --dataset: the first kind whose `detect` accepts it
 * (a packed file, an IDX file or folder, CIFAR's binary files or archive, else any folder as a folder of images).
 */
export async function detectDataset(data: string): Promise<DatasetName> {
  const probe = await probePath(data);
  const kind = kinds.find((k) => k.detect?.(probe));
  if (kind === undefined) {
    const detected = kinds.filter((k) => k.detect !== undefined && k.name !== 'folder').map((k) => k.name);
    throw new DcganError(`cannot tell what ${data} holds; pass --dataset (${detected.join(', ')})`);
  }
  return kind.name;
}

/** How to read a resolved source's images: the kind checks what applies to it. */
export interface SourceOpenRequest {
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

/**
 * A dataset source resolved once (--dataset or what --data holds, the download cache, a packed file's header): what
 * every command that reads data uses: training and `data preview` open it, the labelled commands take its splits.
 */
export interface DatasetSource {
  readonly name: DatasetName;
  /** The file or folder read, as given or found in the download cache; absent for embedded and generated data. */
  readonly path?: string;
  /** The image size training uses when --image-size is not given (a packed file's own); absent: the model's default. */
  readonly imageSize?: number;
  /** What --channels resolves to when omitted: 1 for IDX sets, a packed file's own, else 3. */
  readonly channels: number;
  /** The labelled splits it has, as far as can be told without reading its images (IDX, CIFAR, train/ and test/ folders). */
  readonly splits: readonly SplitName[];
  /** The training images, with labels and the files left out; nothing is printed. */
  open(request: SourceOpenRequest): Promise<LoadedDataset>;
  /**
   * A labelled split at a model's size and channels, its images cut as `cut` says (a run's --crop and --background),
   * or one line saying why the source has none.
   */
  split(which: SplitName, imageSize: number, channels: number, cut?: SplitCut): Promise<LabelledSplit>;
}

/** The source a request means: --dataset as given, else what --data holds, else the embedded MNIST; read once. */
export async function resolveDatasetSource(request: { dataset?: string; data?: string }): Promise<DatasetSource> {
  const { data } = request;
  const name = request.dataset !== undefined ? checkDatasetName(request.dataset) : data === undefined ? 'mnist' : await detectDataset(data);
  const kind = kindOf(name);
  if (kind.data === 'required' && data === undefined) throw new DcganError(`--dataset ${name} needs --data PATH`);
  if (kind.data === 'refused' && data !== undefined) throw new DcganError(`--data is not used by --dataset ${name}, which is generated`);
  return sourceOf(kind, await kind.resolve(data));
}

function sourceOf(kind: DatasetKind<DatasetName>, source: KindSource): DatasetSource {
  const { name } = kind;
  return {
    name,
    path: source.path,
    imageSize: source.imageSize,
    channels: source.channels,
    splits: source.splits,
    async open(request) {
      if (!kind.decodes) {
        if (request.crop !== undefined) throw new DcganError(`--crop applies to --dataset folder (and dcgan prepare), not ${name}`);
        if (request.background !== undefined) throw new DcganError(`--background applies to --dataset folder (and dcgan prepare), not ${name}`);
      }
      const { channels } = request;
      if (channels !== 1 && channels !== 3) throw new DcganError(`--channels must be 1 or 3, got ${channels}`);
      if (request.crop !== undefined && !(Number.isInteger(request.crop) && request.crop > 0)) {
        throw new DcganError(`--crop must be a positive number of pixels, got ${request.crop}`);
      }
      const loaded = await source.open({
        imageSize: request.imageSize,
        channels,
        seed: request.seed,
        crop: request.crop,
        background: request.background ?? DEFAULT_BACKGROUND,
        strict: request.strict ?? false,
        onProgress: request.onProgress,
      });
      return request.flip ? { ...loaded, dataset: new FlipDataset(loaded.dataset, request.seed) } : loaded;
    },
    async split(which, imageSize, channels, cut) {
      if (!source.split || !source.splits.includes(which)) {
        throw new DcganError(source.noSplits ?? `--dataset ${name} has no ${which} split`);
      }
      return source.split(which, imageSize, channels, cut);
    },
  };
}
