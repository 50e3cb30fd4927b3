import { DcganError, type ImageDataset, Uint8ImageDataset } from '@dcgan-ts/core';
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { openForReading } from '../io/openForReading.js';
import type { FileProblems } from './source.js';

/**
 * A packed dataset file (`dcgan prepare`), read with positioned reads so that a folder of millions of images trains
 * without being held in memory (stylegan's dataset_tool, as one flat file):
 *
 *   offset 0            "DCGANPK1" magic (8 bytes), then 8 zero bytes
 *   offset 16           images, (count, size, size, channels) uint8, image i at 16 + i * size*size*channels
 *   after the images    labels, (count,) uint16 little-endian, when the header says so
 *   then                the header, JSON (PackedHeader), then its byte length as uint32 LE, then "DCGANEND"
 *
 * The header goes last because the count is known only once every file has decoded (bad files are skipped); a file
 * cut short by a crash has no end marker and is refused.
 */
export const PACKED_MAGIC = 'DCGANPK1';
const END_MAGIC = 'DCGANEND';
/** Byte offset of the first image in a packed file (after the magic and 8 zero bytes). */
export const PACKED_DATA_OFFSET = 16;
const TRAILER = 12; // uint32 header length + end magic

/**
 * A packed file's JSON header (stored at its end): the images' count and shape, labels and class names, and how the
 * file was made.
 */
export interface PackedHeader {
  format: 'dcgan-ts packed images';
  version: 1;
  count: number;
  imageSize: number;
  channels: number;
  hasLabels: boolean;
  classes?: string[];
  /** How it was made: source folder, crop, background, and what was skipped. */
  source: string;
  crop?: number;
  background: [number, number, number];
  skipped: FileProblems;
  upscaled: FileProblems;
  createdAt: string;
}

/** Appends images (and at the end labels and header) to a new packed file; the caller renames it into place. */
export class PackedWriter {
  private readonly fd: number;
  private offset = PACKED_DATA_OFFSET;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
    const preamble = Buffer.alloc(PACKED_DATA_OFFSET);
    preamble.write(PACKED_MAGIC, 0, 'latin1');
    writeSync(this.fd, preamble, 0, preamble.length, 0);
  }

  append(pixels: Uint8Array): void {
    writeSync(this.fd, pixels, 0, pixels.length, this.offset);
    this.offset += pixels.length;
  }

  finish(header: PackedHeader, labels?: Uint16Array): void {
    if (labels) {
      const le = Buffer.alloc(labels.length * 2);
      labels.forEach((l, i) => le.writeUInt16LE(l, i * 2));
      this.append(le);
    }
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const trailer = Buffer.alloc(TRAILER);
    trailer.writeUInt32LE(json.length, 0);
    trailer.write(END_MAGIC, 4, 'latin1');
    this.append(json);
    this.append(trailer);
    closeSync(this.fd);
  }

  abandon(): void {
    closeSync(this.fd);
  }
}

/** True when the file starts with the packed magic number (for --data auto-detection). */
export function isPackedFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(8);
    return readSync(fd, head, 0, 8, 0) === 8 && head.toString('latin1') === PACKED_MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isPositiveInteger(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 1;
}

function isProblems(x: unknown): x is FileProblems {
  return isRecord(x) && Number.isInteger(x.count) && (x.count as number) >= 0 && Array.isArray(x.first) && x.first.every((l) => typeof l === 'string');
}

/**
 * The header JSON checked field by field (it comes from a file: a number may be a string, a list may be missing), so
 * that what the size check and the readers compute from it is what it means. Returns what is wrong, or null.
 */
function headerProblem(h: unknown): string | null {
  if (!isRecord(h) || h.format !== 'dcgan-ts packed images') return 'it is not a dcgan-ts packed images header';
  if (h.version !== 1) {
    return `${typeof h.version === 'number' ? `version ${h.version}` : 'its version'} is not supported (this dcgan-ts reads version 1)`;
  }
  for (const key of ['count', 'imageSize'] as const) if (!isPositiveInteger(h[key])) return `${key} must be a positive integer`;
  if (h.channels !== 1 && h.channels !== 3) return 'channels must be 1 or 3';
  if (typeof h.hasLabels !== 'boolean') return 'hasLabels must be true or false';
  const classes = h.classes;
  if (classes !== undefined && !(Array.isArray(classes) && classes.length <= 65_536 && classes.every((c) => typeof c === 'string'))) {
    return 'classes must be a list of names';
  }
  if (typeof h.source !== 'string' || typeof h.createdAt !== 'string') return 'source and createdAt must be strings';
  if (h.crop !== undefined && !isPositiveInteger(h.crop)) return 'crop must be a positive integer';
  const background = h.background;
  if (!Array.isArray(background) || background.length !== 3 || !background.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
    return 'background must be three values from 0 to 255';
  }
  if (!isProblems(h.skipped) || !isProblems(h.upscaled)) return 'skipped and upscaled must be { count, first }';
  return null;
}

/** Opens a packed file and checks that its parts add up to its length. */
export function readPackedHeader(file: string): { fd: number; header: PackedHeader; labels?: Uint16Array; length: number } {
  const fd = openForReading(file);
  try {
    const length = fstatSync(fd).size;
    const read = (position: number, n: number) => {
      const b = Buffer.alloc(n);
      if (readSync(fd, b, 0, n, position) !== n) throw new DcganError(`${file} is truncated`);
      return b;
    };
    if (length < PACKED_DATA_OFFSET + TRAILER || read(0, 8).toString('latin1') !== PACKED_MAGIC) {
      throw new DcganError(`${file} is not a packed dataset file (wrong magic number); make one with dcgan prepare`);
    }
    const trailer = read(length - TRAILER, TRAILER);
    if (trailer.toString('latin1', 4) !== END_MAGIC) {
      throw new DcganError(`${file} is truncated (no end marker): was dcgan prepare interrupted? Run it again`);
    }
    // The length comes from the file: checked against the file's size before anything that long is allocated.
    const headerLength = trailer.readUInt32LE(0);
    if (headerLength > length - PACKED_DATA_OFFSET - TRAILER) {
      throw new DcganError(`${file} is truncated or corrupt: its header length (${headerLength} bytes) is more than the file holds`);
    }
    let json: unknown;
    try {
      json = JSON.parse(read(length - TRAILER - headerLength, headerLength).toString('utf8'));
    } catch (e) {
      if (e instanceof DcganError) throw e;
      throw new DcganError(`${file} has a corrupt header (not valid JSON)`);
    }
    const problem = headerProblem(json);
    if (problem !== null) throw new DcganError(`${file} has a corrupt header: ${problem}`);
    const header = json as PackedHeader;
    const imageBytes = header.count * header.imageSize * header.imageSize * header.channels;
    const labelBytes = header.hasLabels ? header.count * 2 : 0;
    if (PACKED_DATA_OFFSET + imageBytes + labelBytes + headerLength + TRAILER !== length) {
      throw new DcganError(`${file} is truncated or corrupt: ${length} bytes, its header describes a different size`);
    }
    let labels: Uint16Array | undefined;
    if (header.hasLabels) {
      const le = read(PACKED_DATA_OFFSET + imageBytes, labelBytes);
      labels = Uint16Array.from({ length: header.count }, (_, i) => le.readUInt16LE(i * 2));
      const classes = header.classes?.length;
      const outside = classes === undefined ? -1 : labels.findIndex((l) => l >= classes);
      if (outside !== -1) {
        throw new DcganError(`${file} is corrupt: image ${outside} has label ${labels[outside]}, its header names ${classes} classes`);
      }
    }
    return { fd, header, labels, length };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The images of a packed file, read on demand: each batch costs one positioned read per image (the OS page cache
 * keeps a file that fits in memory hot after the first epoch). A different --image-size or 1 -> 3 channels is
 * converted per batch, as Uint8ImageDataset does for in-memory sets.
 */
export class PackedDataset implements ImageDataset {
  readonly name = 'packed';
  readonly size: number;
  private readonly imageBytes: number;
  private scratch = new Uint8Array(0);
  private converter: Uint8ImageDataset | null = null;

  constructor(
    private readonly fd: number,
    readonly header: PackedHeader,
    readonly imageSize: number,
    readonly channels: number,
  ) {
    this.size = header.count;
    this.imageBytes = header.imageSize * header.imageSize * header.channels;
    if (channels !== header.channels && !(header.channels === 1 && channels === 3)) {
      throw new DcganError(`--channels ${channels}: the packed file holds ${header.channels}-channel images; use --channels ${header.channels}`);
    }
  }

  fillBatch(indices: ArrayLike<number>, out: Float32Array): void {
    const n = indices.length;
    if (this.scratch.length < n * this.imageBytes) {
      this.scratch = new Uint8Array(n * this.imageBytes); // (n, S, S, C) as stored
      const { imageSize: s, channels: c } = this.header;
      this.converter = new Uint8ImageDataset('packed', { pixels: this.scratch, height: s, width: s, channels: c }, this.imageSize, this.channels);
    }
    for (let b = 0; b < n; b++) {
      const position = PACKED_DATA_OFFSET + indices[b]! * this.imageBytes;
      const got = readSync(this.fd, this.scratch, b * this.imageBytes, this.imageBytes, position);
      if (got !== this.imageBytes) throw new DcganError(`packed file: short read of image ${indices[b]} (was the file changed?)`);
    }
    this.converter!.fillBatch(Uint32Array.from({ length: n }, (_, i) => i), out);
  }

  close(): void {
    closeSync(this.fd);
  }
}
