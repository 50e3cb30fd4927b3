import { DcganError, Uint8ImageDataset } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readMaybeGzip } from './gzip.js';
import { type LoadedDataset, noProblems } from './source.js';
import { readTar } from './tar.js';

export type CifarName = 'cifar10' | 'cifar100';

/**
 * CIFAR's binary version (https://www.cs.toronto.edu/~kriz/cifar.html): records of label byte(s) then 3072 pixel
 * bytes, the 1024 red, then green, then blue values of a 32x32 image in row-major order. CIFAR-100 records carry two
 * labels, coarse then fine.
 */
interface CifarLayout {
  labelBytes: number;
  /** How many values each label byte can take (CIFAR-100: coarse, fine); a larger byte means a corrupt record. */
  labelRanges: number[];
  /** Training files: CIFAR-10 `data_batch_1.bin` ... `data_batch_5.bin`, CIFAR-100 `train.bin`. */
  train: RegExp;
  describe: string;
}

const LAYOUTS: Record<CifarName, CifarLayout> = {
  cifar10: { labelBytes: 1, labelRanges: [10], train: /^data_batch_\d+\.bin$/, describe: 'CIFAR-10 training batches (data_batch_1.bin ...)' },
  cifar100: { labelBytes: 2, labelRanges: [20, 100], train: /^train\.bin$/, describe: 'the CIFAR-100 training file (train.bin)' },
};

const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** A named file's bytes, from a folder (or its cifar-*-bin subfolder) or from inside the .tar.gz archive. */
interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

async function cifarFiles(data: string, layout: CifarLayout): Promise<{ batches: NamedBytes[]; classNames?: NamedBytes }> {
  const stat = await fs.stat(data).catch(() => null);
  if (!stat) throw new DcganError(`--data ${data}: no such file or folder`);
  let files: NamedBytes[];
  if (stat.isFile()) {
    // The archive as downloaded (cifar-10-binary.tar.gz), or one batch file.
    const bytes = await readMaybeGzip(data);
    const isArchive = Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar';
    files = isArchive
      ? readTar(bytes, data).map((e) => ({ name: `${data}:${e.name}`, bytes: e.data }))
      : [{ name: data, bytes }];
    if (!isArchive) return { batches: files };
  } else {
    const dirs = [data, ...['cifar-10-batches-bin', 'cifar-100-binary'].map((d) => path.join(data, d))];
    files = [];
    for (const dir of dirs) {
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      for (const n of names.filter((n) => layout.train.test(n) || /label_names\.txt$|batches\.meta\.txt$/.test(n))) {
        files.push({ name: path.join(dir, n), bytes: await fs.readFile(path.join(dir, n)) });
      }
      if (files.some((f) => layout.train.test(path.basename(f.name)))) break;
    }
  }
  const base = (f: NamedBytes) => path.basename(f.name.split(':').pop()!);
  const batches = files.filter((f) => layout.train.test(base(f))).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  if (batches.length === 0) throw new DcganError(`${data} holds no ${layout.describe}`);
  const names = files.find((f) => /^fine_label_names\.txt$|^batches\.meta\.txt$/.test(base(f)));
  return { batches, classNames: names };
}

/** CIFAR-10 or CIFAR-100 training images, 32x32 RGB, with (fine) labels; served at `imageSize`. */
export async function loadCifar(name: CifarName, data: string, imageSize: number, channels: number): Promise<LoadedDataset> {
  if (channels !== 3) throw new DcganError(`--channels ${channels}: ${name} images are RGB; use --channels 3`);
  const layout = LAYOUTS[name];
  const record = layout.labelBytes + PIXELS;
  const { batches, classNames } = await cifarFiles(data, layout);
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
  const dataset = new Uint8ImageDataset(name, { pixels, height: SIDE, width: SIDE, channels: 3 }, imageSize, channels);
  return { dataset, labels, classes, path: path.resolve(data), skipped: noProblems(), upscaled: noProblems() };
}
