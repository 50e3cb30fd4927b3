import { DcganError } from '@dcgan-ts/core';

/** One regular file of a tar archive, its bytes a view into the archive. */
export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;

function text(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return Buffer.from(end === -1 ? field : field.subarray(0, end)).toString('utf8');
}

/**
 * The regular files of an uncompressed tar archive (POSIX ustar, with GNU long names): 512-byte headers, each file's
 * data padded to 512 bytes, two zero blocks at the end. Enough for the dataset archives (CIFAR's .tar.gz); links,
 * directories and extended headers are passed over.
 */
export function readTar(archive: Uint8Array, name: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | null = null;
  for (let offset = 0; offset + BLOCK <= archive.length; ) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return entries; // end of archive
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const magic = text(header, 257, 6);
    if (!Number.isFinite(size) || (magic !== 'ustar' && magic !== 'ustar ')) {
      throw new DcganError(`${name} is not a tar archive, or is corrupt at byte ${offset}`);
    }
    const start = offset + BLOCK;
    if (start + size > archive.length) throw new DcganError(`${name} is truncated: its last file ends past the archive`);
    const data = archive.subarray(start, start + size);
    if (type === 'L') {
      longName = text(data, 0, size);
    } else {
      const prefix = text(header, 345, 155);
      const entryName = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
      longName = null;
      if (type === '0' || type === '\0') entries.push({ name: entryName, data });
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new DcganError(`${name} is truncated: the archive has no end marker`);
}
