import os from 'node:os';
import path from 'node:path';

/**
 * The datasets `dcgan download` fetches: canonical files and the MD5 checksums their authors (CIFAR) or the reference
 * loaders (torchvision's MNIST and FashionMNIST `resources`, which match Fashion-MNIST's README) publish.
 */
export interface RemoteFile {
  name: string;
  md5: string;
}

/**
 * One dataset of the download catalog: where its files are, their checksums, and the path --data names once they are
 * downloaded.
 */
export interface RemoteDataset {
  /** Base URL; a file is fetched from `${base}/${name}`. */
  base: string;
  files: RemoteFile[];
  /** The file or folder, inside the dataset's cache folder, that `--data` would name. */
  dataPath: string;
}

/** The download catalog: MNIST (torchvision's mirror), Fashion-MNIST and CIFAR-10's binary archive, with their MD5s. */
export const REMOTE_DATASETS = {
  mnist: {
    // yann.lecun.com refuses automated downloads; torchvision's mirror serves the same files.
    base: 'https://ossci-datasets.s3.amazonaws.com/mnist',
    files: [
      { name: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
      { name: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
      { name: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3' },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
    ],
    dataPath: '.',
  },
  'fashion-mnist': {
    base: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com',
    files: [
      { name: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
      { name: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
      { name: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
    ],
    dataPath: '.',
  },
  cifar10: {
    base: 'https://www.cs.toronto.edu/~kriz',
    files: [{ name: 'cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' }],
    dataPath: 'cifar-10-binary.tar.gz',
  },
} as const satisfies Record<string, RemoteDataset>;

/** A dataset `dcgan download` fetches: 'mnist', 'fashion-mnist' or 'cifar10'. */
export type RemoteDatasetName = keyof typeof REMOTE_DATASETS;
/** The names of REMOTE_DATASETS, in catalog order. */
export const REMOTE_DATASET_NAMES = Object.keys(REMOTE_DATASETS) as RemoteDatasetName[];

/** Where downloads live: $DCGAN_CACHE, else ~/.cache/dcgan-ts. */
export function cacheRoot(): string {
  return process.env.DCGAN_CACHE || path.join(os.homedir(), '.cache', 'dcgan-ts');
}

/** A dataset's folder in the cache (or under --dir). */
export function datasetDir(name: RemoteDatasetName, dir = cacheRoot()): string {
  return path.join(dir, name);
}
