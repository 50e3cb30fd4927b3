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

/** An octal number field (size, checksum): digits, then NULs or spaces; null for anything else (a sign, base-256). */
function octal(bytes: Uint8Array, start: number, length: number): number | null {
  const digits = text(bytes, start, length).trim();
  return /^[0-7]*$/.test(digits) ? parseInt(digits || '0', 8) : null;
}

/** The header's checksum: the sum of its bytes with the checksum field as spaces (old tars summed signed bytes). */
function checksumMatches(header: Uint8Array): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b >= 0x80 ? b - 0x100 : b;
  }
  const stored = octal(header, 148, 8);
  return stored === unsigned || stored === signed;
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
    // A size that is not plain octal (negative, base-256 for files over 8 GiB) is refused: it would move backwards.
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const magic = text(header, 257, 6);
    if (size === null || (magic !== 'ustar' && magic !== 'ustar ') || !checksumMatches(header)) {
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
