import { DcganError, Uint8ImageDataset } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readMaybeGzip } from './gzip.js';
import { type LoadedDataset, noProblems } from './source.js';
import { readTar } from './tar.js';

/** Which CIFAR: 'cifar10' (10 classes) or 'cifar100' (100 fine classes in 20 coarse ones). */
export type CifarName = 'cifar10' | 'cifar100';

/** CIFAR's own split of its images: the training batches, or the test batch. */
export type CifarSplit = 'train' | 'test';

/**
 * CIFAR's binary version (https://www.cs.toronto.edu/~kriz/cifar.html): records of label byte(s) then 3072 pixel
 * bytes, the 1024 red, then green, then blue values of a 32x32 image in row-major order. CIFAR-100 records carry two
 * labels, coarse then fine.
 */
interface CifarLayout {
  labelBytes: number;
  /** How many values each label byte can take (CIFAR-100: coarse, fine); a larger byte means a corrupt record. */
  labelRanges: number[];
  /** Each split's files: CIFAR-10 `data_batch_1.bin` ... `data_batch_5.bin` and `test_batch.bin`, CIFAR-100 `train.bin` and `test.bin`. */
  files: Record<CifarSplit, RegExp>;
  describe: Record<CifarSplit, string>;
}

const LAYOUTS: Record<CifarName, CifarLayout> = {
  cifar10: {
    labelBytes: 1,
    labelRanges: [10],
    files: { train: /^data_batch_\d+\.bin$/, test: /^test_batch\.bin$/ },
    describe: { train: 'CIFAR-10 training batches (data_batch_1.bin ...)', test: 'CIFAR-10 test batch (test_batch.bin)' },
  },
  cifar100: {
    labelBytes: 2,
    labelRanges: [20, 100],
    files: { train: /^train\.bin$/, test: /^test\.bin$/ },
    describe: { train: 'the CIFAR-100 training file (train.bin)', test: 'the CIFAR-100 test file (test.bin)' },
  },
};

/** The class names, one a line: CIFAR-10's batches.meta.txt, CIFAR-100's fine_label_names.txt. */
const CLASS_NAMES = /^fine_label_names\.txt$|^batches\.meta\.txt$/;

/** The folders of a CIFAR download, as extracted, where its files are looked for after --data itself. */
const SUBFOLDERS = ['cifar-10-batches-bin', 'cifar-100-binary'];

const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;

/** CIFAR-10's class names by label, 0 (airplane) to 9 (truck), as its batches.meta.txt lists them. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** A named file's bytes, from a folder (or its cifar-*-bin subfolder) or from inside the .tar.gz archive. */
interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/**
 * The files of one split: from the archive as downloaded (cifar-10-binary.tar.gz, only the split's files and the
 * class names copied out), from a folder or its extracted subfolder, or one batch file. `batchAlone`: a batch file
 * given as --data is the whole set (training on it); otherwise it stands for the folder it is in (the splits).
 */
async function cifarFiles(data: string, layout: CifarLayout, split: CifarSplit, batchAlone: boolean): Promise<{ batches: NamedBytes[]; classNames?: NamedBytes }> {
  const stat = await fs.stat(data).catch(() => null);
  if (!stat) throw new DcganError(`--data ${data}: no such file or folder`);
  const wanted = (n: string) => layout.files[split].test(n) || CLASS_NAMES.test(n);
  let files: NamedBytes[] = [];
  let folder = data;
  if (stat.isFile()) {
    const bytes = await readMaybeGzip(data);
    if (isTar(bytes)) {
      files = (await readTar(bytes, data, (n) => wanted(path.posix.basename(n)))).map((e) => ({ name: `${data}:${e.name}`, bytes: e.data }));
    } else if (batchAlone) {
      return { batches: [{ name: data, bytes }] };
    } else {
      folder = path.dirname(data);
    }
  }
  if (!stat.isFile() || folder !== data) {
    for (const dir of [folder, ...SUBFOLDERS.map((d) => path.join(folder, d))]) {
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      for (const n of names.filter(wanted)) files.push({ name: path.join(dir, n), bytes: await fs.readFile(path.join(dir, n)) });
      if (files.some((f) => layout.files[split].test(path.basename(f.name)))) break;
      files = [];
    }
  }
  const base = (f: NamedBytes) => path.posix.basename(f.name.split(':').pop()!);
  const batches = files.filter((f) => layout.files[split].test(base(f))).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  if (batches.length === 0) throw new DcganError(`${folder} holds no ${layout.describe[split]}`);
  return { batches, classNames: files.find((f) => CLASS_NAMES.test(base(f))) };
}

/** How many classes a CIFAR set's labels index (CIFAR-100: its fine labels). */
export function cifarClassCount(name: CifarName): number {
  const layout = LAYOUTS[name];
  return layout.labelRanges[layout.labelBytes - 1]!;
}

/** True when the bytes are an uncompressed ustar archive (its magic at byte 257). */
function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= 262 && Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar';
}

/**
 * CIFAR-10 or CIFAR-100 images, 32x32 RGB, with (fine) labels; served at `imageSize`. Without `split`, the training
 * images (or the one batch file `data` names); with it, that split of the set in `data` (folder, archive, or the
 * folder of a batch file).
 */
export async function loadCifar(name: CifarName, data: string, imageSize: number, channels: number, split?: CifarSplit): Promise<LoadedDataset> {
  if (channels !== 3) throw new DcganError(`--channels ${channels}: ${name} images are RGB; use --channels 3`);
  const layout = LAYOUTS[name];
  const record = layout.labelBytes + PIXELS;
  const { batches, classNames } = await cifarFiles(data, layout, split ?? 'train', split === undefined);
  let count = 0;
  for (const b of batches) {
    if (b.bytes.length % record !== 0 || b.bytes.length === 0) {
      throw new DcganError(
        `${b.name} is truncated or not a ${name} file: ${b.bytes.length} bytes is not a whole number of ${record}-byte records`,
      );
    }
    count += b.bytes.length / record;
  }
  // One class name a line (batches.meta.txt, fine_label_names.txt), as many as the labels take; else CIFAR-10's own.
  const names = classNames && Buffer.from(classNames.bytes).toString('utf8').split('\n').map((s) => s.trim()).filter((s) => s !== '');
  const labelCount = layout.labelRanges[layout.labelBytes - 1]!;
  if (names && names.length !== labelCount) {
    throw new DcganError(`${classNames!.name} lists ${names.length} class names; ${name} has ${labelCount} classes`);
  }
  const classes = names ?? (name === 'cifar10' ? CIFAR10_CLASSES : undefined);
  const pixels = new Uint8Array(count * PIXELS); // (N, 32, 32, 3)
  const labels = new Uint16Array(count);
  let i = 0;
  for (const b of batches) {
    for (let r = 0; r < b.bytes.length; r += record, i++) {
      layout.labelRanges.forEach((range, k) => {
        if (b.bytes[r + k]! >= range) {
          throw new DcganError(`${b.name} is corrupt or not a ${name} file: record ${r / record} has label ${b.bytes[r + k]} (0 to ${range - 1})`);
        }
      });
      labels[i] = b.bytes[r + layout.labelBytes - 1]!; // CIFAR-100: the fine label, the second byte
      const planes = b.bytes.subarray(r + layout.labelBytes, r + record); // (3, 32, 32)
      const dst = i * PIXELS;
      for (let p = 0; p < SIDE * SIDE; p++) {
        pixels[dst + p * 3] = planes[p]!;
        pixels[dst + p * 3 + 1] = planes[SIDE * SIDE + p]!;
        pixels[dst + p * 3 + 2] = planes[2 * SIDE * SIDE + p]!;
      }
    }
  }
  const dataset = new Uint8ImageDataset(split === undefined ? name : `${name}-${split}`, { pixels, height: SIDE, width: SIDE, channels: 3 }, imageSize, channels);
  return { dataset, labels, classes, path: path.resolve(data), skipped: noProblems(), upscaled: noProblems() };
}
