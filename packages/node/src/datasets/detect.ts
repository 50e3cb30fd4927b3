import { DcganError } from '@dcgan-ts/core';
import { closeSync, openSync, promises as fs, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';

/** What a path holds, read once for every kind's `detect`: a file's first bytes, or a folder's names. */
export interface PathProbe {
  path: string;
  /** The base name, for kinds known by it (cifar-10-binary.tar.gz). */
  basename: string;
  isFile: boolean;
  /** A file's first 64 KiB as stored. */
  head: Buffer;
  /** The same, inflated when the file is gzip (enough of the stream to read a magic number). */
  content: Buffer;
  /** A folder's entries (empty for a file). */
  names: string[];
}

function head(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function inflatedHead(raw: Buffer): Buffer {
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw, { finishFlush: 2 /* Z_SYNC_FLUSH: a prefix inflates without the rest */ });
  } catch {
    return Buffer.alloc(0);
  }
}

/** Looks at `--data PATH` once: its first bytes (a file) or its names (a folder). */
export async function probePath(data: string): Promise<PathProbe> {
  const stat = await fs.stat(data).catch(() => null);
  if (!stat) throw new DcganError(`--data ${data}: no such file or folder`);
  const basename = path.basename(data);
  if (stat.isFile()) {
    const raw = head(data, 64 * 1024);
    return { path: data, basename, isFile: true, head: raw, content: inflatedHead(raw), names: [] };
  }
  return { path: data, basename, isFile: false, head: Buffer.alloc(0), content: Buffer.alloc(0), names: await fs.readdir(data) };
}

/** True when a file's (inflated) first bytes are a tar header (ustar magic at byte 257). */
export function isTarHead(probe: PathProbe): boolean {
  return probe.content.length >= 262 && probe.content.toString('latin1', 257, 262) === 'ustar';
}
