import { DcganError } from '@dcgan-ts/core';
import { closeSync, openSync, promises as fs, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { isPackedFile } from './packedFile.js';

/** The sources a path can be, by what it holds. */
export type DetectedSource = 'idx' | 'cifar10' | 'cifar100' | 'folder' | 'packed';

function head(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** The first bytes of a file, inflated when it is gzip (enough of the stream to read a magic number). */
function contentHead(file: string): Buffer {
  const raw = head(file, 64 * 1024);
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw, { finishFlush: 2 /* Z_SYNC_FLUSH: a prefix inflates without the rest */ });
  } catch {
    return Buffer.alloc(0);
  }
}

/**
 * What `--data PATH` holds, for `dcgan train --data PATH` without --dataset: a packed file, an IDX file or folder,
 * CIFAR's binary files (folder or archive), or else a folder of images.
 */
export async function detectSource(data: string): Promise<DetectedSource> {
  const stat = await fs.stat(data).catch(() => null);
  if (!stat) throw new DcganError(`--data ${data}: no such file or folder`);
  if (stat.isFile()) {
    if (isPackedFile(data)) return 'packed';
    const h = contentHead(data);
    if (h.length >= 4 && h.readUInt32BE(0) === 0x00000803) return 'idx';
    if (h.length >= 262 && h.toString('latin1', 257, 262) === 'ustar') {
      if (/cifar-?100/i.test(path.basename(data))) return 'cifar100';
      if (/cifar-?10/i.test(path.basename(data))) return 'cifar10';
    }
    throw new DcganError(`cannot tell what ${data} holds; pass --dataset (idx, cifar10, cifar100, packed)`);
  }
  const names = await fs.readdir(data);
  if (names.some((n) => /train-images[-.]idx3-ubyte(\.gz)?$/.test(n))) return 'idx';
  if (names.some((n) => /^data_batch_\d+\.bin$/.test(n) || n === 'cifar-10-batches-bin')) return 'cifar10';
  if (names.some((n) => n === 'train.bin' || n === 'cifar-100-binary')) return 'cifar100';
  return 'folder';
}
