import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type FolderOptions, decodeFolder } from './imageFolder.js';
import { type ImageFileList, listImageFiles } from './imageFiles.js';
import { isLmdbPath, listLmdbImages } from './lmdbImages.js';
import { trainingFolder } from './kinds/folder.js';
import { type PackedHeader, PackedWriter } from './packedFile.js';
import { temporarySibling } from '../io/atomic.js';
import { describeRemovedLeftover, removeLeftovers } from '../io/leftovers.js';

/** What prepareFolder wrote: the packed file, its header, and the seconds it took. */
export interface PrepareResult {
  out: string;
  header: PackedHeader;
  seconds: number;
}

/**
 * `dcgan prepare`: decodes an image folder once, in worker threads, and packs the resized images (with their class
 * labels) into one file that later runs read by position. Written under a temporary name and renamed into place, so an
 * interrupted prepare leaves no file that looks complete; the next prepare of the same file removes what a killed one
 * left (and says so through `onNotice`).
 */
export async function prepareFolder(
  root: string,
  out: string,
  options: FolderOptions,
  onNotice?: (line: string) => void,
): Promise<PrepareResult> {
  const started = performance.now();
  // Packed as training reads it: an LMDB database (LSUN) whole, a folder's train/ where it is split into train/ and test/.
  const list = isLmdbPath(root) ? listLmdbImages(root) : await listImageFiles((await trainingFolder(root)).dir);
  try {
    return await packList(root, list, out, options, started, onNotice);
  } finally {
    list.close?.();
  }
}

async function packList(root: string, list: ImageFileList, out: string, options: FolderOptions, started: number, onNotice?: (line: string) => void): Promise<PrepareResult> {
  const outDir = path.dirname(path.resolve(out));
  try {
    await fs.mkdir(outDir, { recursive: true });
    for (const removed of await removeLeftovers(outDir, { of: path.basename(out) })) onNotice?.(describeRemovedLeftover(removed));
  } catch (e) {
    throw new DcganError(`cannot write ${out}: ${(e as Error).message}`);
  }
  const temp = temporarySibling(out);
  let writer: PackedWriter;
  try {
    writer = new PackedWriter(temp);
  } catch (e) {
    throw new DcganError(`cannot write ${out}: ${(e as Error).message}`);
  }
  try {
    const result = await decodeFolder(list, options, (pixels) => writer.append(pixels));
    const header: PackedHeader = {
      format: 'dcgan-ts packed images',
      version: 1,
      count: result.count,
      imageSize: options.imageSize,
      channels: options.channels,
      hasLabels: result.labels !== undefined,
      classes: list.classes,
      source: path.resolve(root),
      crop: options.crop,
      background: options.background,
      skipped: result.skipped,
      upscaled: result.upscaled,
      createdAt: new Date().toISOString(),
    };
    writer.finish(header, result.labels);
    await fs.rename(temp, out);
    return { out, header, seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    try {
      writer.abandon();
    } catch {
      // already closed by finish()
    }
    await fs.rm(temp, { force: true });
    throw e;
  }
}
