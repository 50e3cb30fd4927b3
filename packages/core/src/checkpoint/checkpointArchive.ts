import { unzipSync, zipSync } from 'fflate';
import { DcganError, shownValue } from '../errors.js';
import { type CheckpointFiles, STATE_JSON } from './checkpointFiles.js';

/**
 * A checkpoint as one file: a .zip of its files (checkpointFiles.ts) at the archive's root, stored uncompressed
 * (float weights barely compress, and storing keeps writing and reading at memory speed). What the studio's
 * "Download checkpoint" gives and what `dcgan sample --checkpoint FILE.zip` and `dcgan train --resume FILE.zip` take.
 * A zip of a checkpoint directory made by hand (one folder at its root) reads too.
 */
export const CHECKPOINT_ARCHIVE_EXTENSION = '.zip';

/** Zip's local file header signature, "PK\x03\x04". */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * A checkpoint's files as one .zip, at the archive's root, stored uncompressed and in the files' order (state.json
 * last).
 */
export function zipCheckpoint(files: CheckpointFiles): Uint8Array {
  const entries: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [name, bytes] of files) entries[name] = [bytes, { level: 0 }];
  return zipSync(entries);
}

/** Entries larger than this are refused before they are inflated (a 256x256 checkpoint at ngf 128 is ~1 GB). */
const MAX_ENTRY_BYTES = 2 ** 31;

/**
 * The checkpoint files inside a zip, found by its state.json (at the root, or in one folder); entries outside that
 * folder, directories and names that climb out (`..`, absolute) are ignored. `where` names the archive in errors.
 */
export function unzipCheckpoint(bytes: Uint8Array, where: string): CheckpointFiles {
  if (!isZip(bytes)) throw new DcganError(`${where} is not a zip archive`);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        if (file.originalSize > MAX_ENTRY_BYTES) throw new DcganError(`${where}: entry ${shownValue(file.name)} is too large (${file.originalSize} bytes)`);
        return !file.name.endsWith('/') && !file.name.split('/').includes('..') && !file.name.startsWith('/');
      },
    });
  } catch (e) {
    if (e instanceof DcganError) throw e;
    throw new DcganError(`${where} is not a readable zip archive: ${(e as Error).message}`);
  }
  const stateEntries = Object.keys(entries)
    .filter((n) => n === STATE_JSON || n.endsWith(`/${STATE_JSON}`))
    .sort((a, b) => a.split('/').length - b.split('/').length);
  const statePath = stateEntries[0];
  if (statePath === undefined) throw new DcganError(`${where} holds no ${STATE_JSON}: it is not a dcgan-ts checkpoint`);
  const prefix = statePath.slice(0, statePath.length - STATE_JSON.length);
  const files: CheckpointFiles = new Map();
  for (const [name, data] of Object.entries(entries)) {
    if (name.startsWith(prefix)) files.set(name.slice(prefix.length), data);
  }
  return files;
}
