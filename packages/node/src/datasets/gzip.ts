import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** True when `bytes` start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A whole file, gunzipped when it is gzip (by content, whatever its name); one clear error when it cannot be read. */
export async function readMaybeGzip(file: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DcganError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DcganError(`${file} is a truncated or corrupt gzip file (${(e as Error).message})`);
  }
}
