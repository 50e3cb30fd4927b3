import { DcganError, duplicatesByHash, HashAutoencoder, hashCodes, indexRange, type ImageDataset, unitMedians } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { temporarySibling } from '../io/atomic.js';
import { type PackedHeader, PackedWriter } from './packedFile.js';
import { resolveDatasetSource } from './registry.js';
import { closeDataset, noProblems } from './source.js';

/** What `dcgan dedup` reads and writes. */
export interface DedupRequest {
  dataset?: string;
  data?: string;
  /** Autoencoder training epochs over the data (default 5). */
  epochs?: number;
  /** Code bits (default 128, the paper's). */
  codeSize?: number;
  /** Where a code's bit turns on: each unit's median over the data (default), or 0 (the paper's ReLU threshold). */
  threshold?: 'median' | 'zero';
  seed?: number;
  /** A packed file of the images kept, at `imageSize` x `channels`. */
  out?: string;
  imageSize?: number;
  channels?: number;
  /** A JSON list of the groups found: each duplicate's index (and name where the source names images) and its first. */
  report?: string;
  onProgress?(stage: string, done: number, total: number): void;
}

/** What `dcgan dedup` found: how many images, how many removed in how many groups, and what it wrote. */
export interface DedupResult {
  images: number;
  removed: number;
  /** Groups of near-duplicates (images sharing a code), and the largest one's size. */
  groups: number;
  largestGroup: number;
  /** The autoencoder's reconstruction loss over its last epoch. */
  loss: number;
  out?: string;
  report?: string;
}

/** The paper's resolution for the hashes: 32x32 downsampled centre crops (section 4.1.1). */
const HASH_SIDE = 32;
const BATCH = 128;

/**
 * `dcgan dedup`: the paper's de-duplication (core's data/semanticHash.ts) of any source dcgan-ts reads (an LSUN
 * database, a folder, a packed file, IDX, CIFAR): an autoencoder trained on the images at 32x32, their binarised
 * codes compared, the first of each group kept. Writes the kept images as a packed file (`out`), and the groups as
 * JSON (`report`).
 */
export async function dedup(request: DedupRequest): Promise<DedupResult> {
  const epochs = request.epochs ?? 5;
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new DcganError(`--epochs must be a positive whole number, got ${epochs}`);
  const source = await resolveDatasetSource(request);
  const channels = request.channels ?? source.channels;
  if (channels !== 1 && channels !== 3) throw new DcganError(`--channels must be 1 or 3, got ${channels}`);
  const seed = request.seed ?? 0;
  const say = request.onProgress ?? (() => {});
  // Built (and --code-size checked) before the data is decoded, which can take hours.
  const autoencoder = new HashAutoencoder(HASH_SIDE * HASH_SIDE * channels, { codeSize: request.codeSize, seed });
  let data: ImageDataset;
  try {
    data = (await source.open({ imageSize: HASH_SIDE, channels, seed, onProgress: (d, t) => say('decoding', d, t) })).dataset;
  } catch (e) {
    autoencoder.dispose();
    throw e;
  }
  let loss = Number.NaN;
  let hashes: string[];
  try {
    const order = indexRange(0, data.size);
    const batches = Math.ceil(data.size / BATCH);
    for (let epoch = 0; epoch < epochs; epoch++) {
      let sum = 0;
      for (let b = 0; b < batches; b++) {
        sum += await autoencoder.trainStep(batchOf(data, order, b));
        say(`training the autoencoder (epoch ${epoch + 1}/${epochs})`, b + 1, batches);
      }
      loss = sum / batches;
    }
    // Every image's code (n x codeSize floats: 512 bytes an image at 128 bits), then the bits at each unit's median.
    const codes = new Float32Array(data.size * autoencoder.codeSize);
    for (let b = 0; b < batches; b++) {
      codes.set(await autoencoder.codes(batchOf(data, order, b)), b * BATCH * autoencoder.codeSize);
      say('hashing', b + 1, batches);
    }
    const thresholds = request.threshold === 'zero' ? new Float32Array(autoencoder.codeSize) : unitMedians(codes, autoencoder.codeSize);
    hashes = hashCodes(codes, autoencoder.codeSize, thresholds);
  } finally {
    autoencoder.dispose();
    closeDataset(data);
  }
  const firstOf = duplicatesByHash(hashes);
  // One pass: each group's kept image and the duplicates removed for it (LSUN: ~275,000 of them, the paper says).
  const groupOf = new Map<number, number[]>();
  let removed = 0;
  for (let i = 0; i < firstOf.length; i++) {
    const first = firstOf[i]!;
    if (first < 0) continue;
    removed++;
    const group = groupOf.get(first);
    if (group) group.push(i);
    else groupOf.set(first, [i]);
  }
  let largestGroup = 1;
  for (const group of groupOf.values()) largestGroup = Math.max(largestGroup, group.length + 1);
  const result: DedupResult = { images: data.size, removed, groups: groupOf.size, largestGroup, loss };
  if (request.report) {
    const groups = Array.from(groupOf, ([keep, remove]) => ({ keep, remove }));
    await writeAtomically(request.report, (file) => fs.writeFile(file, JSON.stringify({ images: data.size, removed, groups }, null, 1) + '\n'));
    result.report = request.report;
  }
  if (request.out) {
    const imageSize = request.imageSize ?? source.imageSize ?? 64;
    const full = await source.open({ imageSize, channels, seed, onProgress: (d, t) => say('decoding at full size', d, t) });
    try {
      if (full.dataset.size !== data.size) throw new DcganError(`${request.data ?? request.dataset}: changed while it was read`);
      await writeKept(full.dataset, full.labels, full.classes, firstOf, request.out, source.path ?? source.name, imageSize, channels);
    } finally {
      closeDataset(full.dataset);
    }
    result.out = request.out;
  }
  return result;
}

/** Batch `b` of the images in order, (≤ BATCH, 32 * 32 * C) in [-1, 1]. */
function batchOf(data: ImageDataset, order: Uint32Array, b: number): Float32Array {
  const indices = order.subarray(b * BATCH, Math.min((b + 1) * BATCH, data.size));
  const out = new Float32Array(indices.length * data.imageSize * data.imageSize * data.channels);
  data.fillBatch(indices, out);
  return out;
}

/** Writes through a temporary sibling renamed into place: a kill never leaves a file that looks complete. */
async function writeAtomically(file: string, write: (temp: string) => Promise<void>): Promise<void> {
  const temp = temporarySibling(file);
  try {
    await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await write(temp);
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    if (e instanceof DcganError) throw e;
    throw new DcganError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

/** The kept images (firstOf -1) as a packed file, bytes as the source gave them at the output size. */
async function writeKept(
  data: ImageDataset,
  labels: Uint16Array | undefined,
  classes: string[] | undefined,
  firstOf: Int32Array,
  out: string,
  sourceName: string,
  imageSize: number,
  channels: number,
): Promise<void> {
  await writeAtomically(out, async (temp) => {
    const writer = new PackedWriter(temp);
    try {
      const kept = [...firstOf.keys()].filter((i) => firstOf[i] === -1);
      const pixels = new Float32Array(imageSize * imageSize * channels);
      const bytes = new Uint8Array(pixels.length);
      for (const i of kept) {
        data.fillBatch([i], pixels);
        for (let k = 0; k < pixels.length; k++) bytes[k] = Math.round((pixels[k]! + 1) * 127.5);
        writer.append(bytes);
      }
      const header: PackedHeader = {
        format: 'dcgan-ts packed images',
        version: 1,
        count: kept.length,
        imageSize,
        channels,
        hasLabels: labels !== undefined,
        classes,
        source: `${sourceName}, de-duplicated by dcgan dedup`,
        background: [255, 255, 255],
        skipped: noProblems(),
        upscaled: noProblems(),
        createdAt: new Date().toISOString(),
      };
      writer.finish(header, labels ? Uint16Array.from(kept, (i) => labels[i]!) : undefined);
    } catch (e) {
      try {
        writer.abandon();
      } catch {
        // already closed by finish()
      }
      throw e;
    }
  });
}
