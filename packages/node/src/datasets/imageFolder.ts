import { DcganError, Uint8ImageDataset } from '@dcgan-ts/core';
import path from 'node:path';
import type { DecodeOptions } from './decodeImage.js';
import { type DecodePoolOptions, decodeFiles } from './decodePool.js';
import { type ImageFileList, listImageFiles } from './imageFiles.js';
import { type FileProblems, type LoadedDataset, addProblem, noProblems } from './source.js';

/** Beyond this many bytes of decoded images, a folder is packed once with `dcgan prepare` instead. */
export const IN_MEMORY_LIMIT = 1 << 30;

/**
 * How a folder of images is decoded (DecodeOptions), whether a bad or too small file is an error, and the decode pool's
 * settings.
 */
export interface FolderOptions extends DecodeOptions {
  /** A file that does not decode, or an image smaller than the target, is an error rather than a warning. */
  strict?: boolean;
  pool?: DecodePoolOptions;
}

/** A problem with one file as one line, or under --strict the error that ends the run. */
export function fileProblem(list: ImageFileList, file: string, reason: string): string {
  return `${path.join(list.root, file)}: ${reason}`;
}

/**
 * Decodes a listed folder, calling `emit` with each good image (in file order) and its label; counts the files that
 * fail (or, under --strict, stops at the first).
 */
export async function decodeFolder(
  list: ImageFileList,
  options: FolderOptions,
  emit: (pixels: Uint8Array, label: number) => void,
): Promise<{ count: number; labels?: Uint16Array; skipped: FileProblems; upscaled: FileProblems }> {
  const skipped = noProblems();
  const upscaled = noProblems();
  const labels = list.labels ? new Uint16Array(list.files.length) : undefined;
  let count = 0;
  // Files under the root, or (an LMDB database) values read a job at a time.
  const read = list.read;
  const items = read ? { length: list.files.length, slice: (first: number, last: number) => read(first, last) } : list.files.map((f) => path.join(list.root, f));
  // Only plain decode settings cross to the workers (the pool's callbacks stay here).
  const decode: DecodeOptions = { imageSize: options.imageSize, channels: options.channels, crop: options.crop, background: options.background };
  await decodeFiles(
    items,
    decode,
    (i, r) => {
      const file = list.files[i]!;
      if (!r.ok) {
        if (options.strict) throw new DcganError(`--strict: ${fileProblem(list, file, r.reason)}`);
        addProblem(skipped, fileProblem(list, file, r.reason));
        return;
      }
      if (r.upscaled) {
        const why = `${r.width}x${r.height}${options.crop !== undefined ? ' after --crop' : ''} is smaller than ${options.imageSize}x${options.imageSize}`;
        if (options.strict) throw new DcganError(`--strict: ${fileProblem(list, file, why)}, and would be upscaled`);
        addProblem(upscaled, fileProblem(list, file, why));
      }
      if (labels) labels[count] = list.labels![i]!;
      count += 1;
      emit(r.pixels, list.labels?.[i] ?? 0);
    },
    options.pool,
  );
  if (count === 0) {
    throw new DcganError(`--data ${list.root}: none of its ${list.files.length} files is a readable image (${skipped.first[0]})`);
  }
  return { count, labels: labels?.subarray(0, count), skipped, upscaled };
}

/**
 * An image folder decoded into memory at the target size (the small-folder path; large folders go through
 * `dcgan prepare`). `onProgress` sees (done, total) as files decode.
 */
export async function loadImageFolder(root: string, options: FolderOptions): Promise<LoadedDataset> {
  return decodeImageList(await listImageFiles(root), options);
}

/** A listed folder decoded into memory (loadImageFolder, or a list whose labels the caller has set). */
export async function decodeImageList(list: ImageFileList, options: FolderOptions, name = 'folder'): Promise<LoadedDataset> {
  const root = list.root;
  const bytesPer = options.imageSize * options.imageSize * options.channels;
  if (list.files.length * bytesPer > IN_MEMORY_LIMIT) {
    throw new DcganError(
      `--data ${root}: ${list.files.length} files at ${options.imageSize}x${options.imageSize}x${options.channels} would take ` +
        `${((list.files.length * bytesPer) / 2 ** 30).toFixed(1)} GiB in memory; pack them once with ` +
        `\`dcgan prepare --data ${root} --image-size ${options.imageSize} --channels ${options.channels} --out FILE\` ` +
        'and train with --data FILE',
    );
  }
  const pixels = new Uint8Array(list.files.length * bytesPer); // (files, S, S, C), trimmed to the good ones below
  let at = 0;
  const result = await decodeFolder(list, options, (img) => {
    pixels.set(img, at);
    at += bytesPer;
  });
  const source = { pixels: pixels.subarray(0, result.count * bytesPer), height: options.imageSize, width: options.imageSize, channels: options.channels };
  return {
    dataset: new Uint8ImageDataset(name, source, options.imageSize, options.channels),
    labels: result.labels,
    classes: list.classes,
    path: path.resolve(root),
    skipped: result.skipped,
    upscaled: result.upscaled,
  };
}
