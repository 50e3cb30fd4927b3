import { DcganError } from '@dcgan-ts/core';
import { openSync } from 'node:fs';

/** A file descriptor for reading `file` by position, or one DcganError line: "cannot read FILE: no such file" or why. */
export function openForReading(file: string): number {
  try {
    return openSync(file, 'r');
  } catch (e) {
    throw new DcganError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
