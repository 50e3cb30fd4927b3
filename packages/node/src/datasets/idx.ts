import { DcganError } from '@dcgan-ts/core';

/** An IDX image file (LeCun's MNIST format): big-endian header, then (count, rows, cols) uint8 pixels. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

const IDX_IMAGES_MAGIC = 0x00000803; // unsigned byte, 3 dimensions
const IDX_LABELS_MAGIC = 0x00000801; // unsigned byte, 1 dimension

/**
 * Checks and reads the bytes of an IDX image file (magic 0x803); the pixels are a view into `bytes`. Throws a
 * DcganError naming `name` when the header and size disagree.
 */
export function parseIdxImages(bytes: Uint8Array, name: string): IdxImages {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 16 || view.getUint32(0) !== IDX_IMAGES_MAGIC) {
    throw new DcganError(`${name} is not an IDX image file (wrong magic number)`);
  }
  const [count, rows, cols] = [view.getUint32(4), view.getUint32(8), view.getUint32(12)];
  // A side of 0 would make every count agree with a 16-byte file, and images of no pixels.
  if (rows === 0 || cols === 0) throw new DcganError(`${name} is corrupt: its header says ${rows}x${cols} images`);
  const expected = 16 + count * rows * cols;
  if (bytes.byteLength !== expected) {
    throw new DcganError(`${name} is truncated or padded: ${bytes.byteLength} bytes, its header says ${expected}`);
  }
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/**
 * The labels of an IDX label file (magic 0x801), one byte per image, as a view into `bytes`. Throws a DcganError naming
 * `name` when the header and size disagree.
 */
export function parseIdxLabels(bytes: Uint8Array, name: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0) !== IDX_LABELS_MAGIC) {
    throw new DcganError(`${name} is not an IDX label file (wrong magic number)`);
  }
  const count = view.getUint32(4);
  if (bytes.byteLength !== 8 + count) {
    throw new DcganError(`${name} is truncated or padded: ${bytes.byteLength} bytes, its header says ${8 + count}`);
  }
  return bytes.subarray(8);
}
