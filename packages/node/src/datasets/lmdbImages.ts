import { DcganError } from '@dcgan-ts/core';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ImageFileList } from './imageFiles.js';
import { LmdbEntries } from './lmdbReader.js';

/**
 * An LMDB database of encoded images, as the LSUN project distributes its categories
 * (`bedroom_train_lmdb/data.mdb`: key = the image's id, value = the encoded image, JPEG or WebP): listed as an image folder is,
 * its keys in place of file names, its values read a decode job at a time. No labels: every entry is one category.
 */

/** True when `p` is an LMDB database: a folder holding data.mdb, or data.mdb itself. */
export function isLmdbPath(p: string): boolean {
  if (path.basename(p) === 'data.mdb') return existsSync(p);
  return existsSync(path.join(p, 'data.mdb')) && statSync(p).isDirectory();
}

/** The database's entries as an ImageFileList (close it when done: it holds data.mdb open). */
export function listLmdbImages(root: string): ImageFileList {
  const entries = LmdbEntries.open(root);
  if (entries.size === 0) {
    entries.close();
    throw new DcganError(`--data ${root}: the LMDB database holds no entries`);
  }
  // Keys name the images in messages (a value that does not decode is reported by its key, as a file by its path).
  const files = Array.from({ length: entries.size }, (_, i) => entries.key(i));
  return {
    root,
    files,
    read: (first, last) => Array.from({ length: last - first }, (_, k) => entries.value(first + k)),
    close: () => entries.close(),
  };
}
