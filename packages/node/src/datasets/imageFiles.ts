import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isPackedFile } from './packedFile.js';

/** The files of an image folder, in a fixed order, and their classes when the folder is laid out by class. */
export interface ImageFileList {
  root: string;
  /** Paths relative to `root`, '/'-separated, sorted by code point (the same order on every file system). */
  files: string[];
  /** Class names, sorted, when every file lies in a subfolder (torchvision's ImageFolder layout): the first folder. */
  classes?: string[];
  /** (files.length,) index into `classes`. */
  labels?: Uint16Array;
  /**
   * Where the images' bytes come from when they are not files under `root` (an LMDB database: `files` are then its
   * keys, for messages): entries first..last-1's encoded bytes. Absent: read the files.
   */
  read?: (first: number, last: number) => Uint8Array[];
  /** Releases what `read` holds open. */
  close?(): void;
}

/**
 * Lists every file under `root`, recursively, following symbolic links; hidden files and folders (a leading dot:
 * .DS_Store, .git, ._AppleDouble) are left out. Every other file is a candidate image: one that does not decode is
 * skipped and counted later, as the datasets issue asks, rather than filtered silently by its extension.
 */
export async function listImageFiles(root: string): Promise<ImageFileList> {
  const stat = await fs.stat(root).catch(() => null);
  if (!stat) throw new DcganError(`--data ${root}: no such folder`);
  if (!stat.isDirectory()) {
    const hint = isPackedFile(root) ? ' (this one is packed: use --dataset packed, or leave --dataset out)' : '';
    throw new DcganError(`--data ${root} is a file; --dataset folder wants a folder of images${hint}`);
  }
  const files: string[] = [];
  const seen = new Set<string>(); // real paths of visited folders: a link cycle is walked once
  const walk = async (rel: string) => {
    const abs = path.join(root, rel);
    const real = await fs.realpath(abs);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = await fs.readdir(abs, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      throw new DcganError(`cannot read the folder ${abs}: ${e.code ?? e.message}`);
    });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const isLink = entry.isSymbolicLink();
      const target = isLink ? await fs.stat(path.join(root, childRel)).catch(() => null) : null;
      if (entry.isDirectory() || target?.isDirectory()) await walk(childRel);
      else if (entry.isFile() || target?.isFile()) files.push(childRel);
    }
  };
  await walk('');
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) throw new DcganError(`--data ${root}: the folder holds no files`);

  if (!files.every((f) => f.includes('/'))) return { root, files };
  const classes = [...new Set(files.map((f) => f.slice(0, f.indexOf('/'))))];
  if (classes.length < 2 || classes.length > 65_535) return { root, files };
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = Uint16Array.from(files, (f) => index.get(f.slice(0, f.indexOf('/')))!);
  return { root, files, classes, labels };
}
