import { DcganError } from '@dcgan-ts/core';
import { Unzip, UnzipInflate } from 'fflate';
import { closeSync, createReadStream, openSync, promises as fs, writeSync } from 'node:fs';
import path from 'node:path';
import { writeDirectoryAtomic } from '../io/atomic.js';
import { type RemovedLeftover, removeLeftovers } from '../io/leftovers.js';
import { cacheRoot } from './catalog.js';
import { downloadFile } from './download.js';
import { LmdbEntries } from './lmdbReader.js';

/**
 * `dcgan download lsun --category bedroom [--set train|val]`: the LSUN project's zip of one category
 * (`http://dl.yf.io/lsun/scenes/<category>_<set>_lmdb.zip`, as fyu/lsun's download.py fetches it; bedrooms' training
 * set is 43 GB), unzipped as a stream into `<dir>/lsun/<category>_<set>_lmdb/` (data.mdb, lock.mdb), checked by
 * opening the database (LSUN publishes no checksums: the check is that every entry of the tree is where it says),
 * and the zip removed. Where the network does not reach the site, the error says which file to fetch and where to put
 * it.
 */
export const LSUN_CATEGORIES = ['bedroom', 'bridge', 'church_outdoor', 'classroom', 'conference_room', 'dining_room', 'kitchen', 'living_room', 'restaurant', 'tower'] as const;
/** LSUN's sets per category. */
export const LSUN_SETS = ['train', 'val'] as const;
const LSUN_BASE = 'http://dl.yf.io/lsun/scenes';

/** What downloadLsun fetches and where it puts it. */
export interface LsunDownloadOptions {
  category: string;
  set?: string;
  /** Folder that receives `lsun/<category>_<set>_lmdb/` (default: the cache). */
  dir?: string;
  /** Replaces LSUN_BASE: the zip comes from `${mirror}/<category>_<set>_lmdb.zip`. */
  mirror?: string;
  onProgress?(file: string, received: number, total: number | null): void;
  onRemovedLeftover?(removed: RemovedLeftover): void;
}

/** Where the database landed, whether it was there already, and its entries. */
export interface LsunDownload {
  /** The database folder: `--data` names it. */
  dir: string;
  reused: boolean;
  entries: number;
  bytes: number;
}

function entriesOf(dir: string): number {
  const db = LmdbEntries.open(dir);
  db.close();
  return db.size;
}

/** Fetches, unzips and checks one LSUN category's set (above). */
export async function downloadLsun(options: LsunDownloadOptions): Promise<LsunDownload> {
  const { category } = options;
  const set = options.set ?? 'train';
  if (!(LSUN_CATEGORIES as readonly string[]).includes(category)) throw new DcganError(`--category: LSUN's scene categories are ${LSUN_CATEGORIES.join(', ')}; got ${category}`);
  if (!(LSUN_SETS as readonly string[]).includes(set)) throw new DcganError(`--set must be train or val, got ${set}`);
  const name = `${category}_${set}_lmdb`;
  const root = path.join(options.dir ?? cacheRoot(), 'lsun');
  const target = path.join(root, name);
  if (await fs.stat(path.join(target, 'data.mdb')).then(() => true, () => false)) {
    const entries = entriesOf(target); // a folder that does not open is an error, not a reason to fetch 43 GB again
    await fs.rm(path.join(root, `${name}.zip`), { force: true }); // left by a kill between the unzip and its removal
    return { dir: target, reused: true, entries, bytes: 0 };
  }
  await fs.mkdir(root, { recursive: true }).catch((e: unknown) => {
    throw new DcganError(`cannot create ${root}: ${(e as Error).message}`);
  });
  for (const of of [`${name}.zip`, name]) for (const removed of await removeLeftovers(root, { of })) options.onRemovedLeftover?.(removed);
  const zip = path.join(root, `${name}.zip`);
  const url = `${(options.mirror ?? process.env.DCGAN_MIRROR ?? LSUN_BASE).replace(/\/+$/, '')}/${name}.zip`;
  let bytes: number;
  try {
    bytes = await downloadFile(url, zip, { name: `${name}.zip` }, options.onProgress);
  } catch (e) {
    if (!(e instanceof DcganError) || !/cannot reach/.test(e.message)) throw e;
    throw new DcganError(`${e.message}; fetch ${LSUN_BASE}/${name}.zip where the network allows, unzip it, and pass its ${name}/ folder as --data`);
  }
  await writeDirectoryAtomic(target, (dir) => unzipDatabase(zip, name, dir));
  const entries = entriesOf(target);
  await fs.rm(zip, { force: true });
  return { dir: target, reused: false, entries, bytes };
}

/** Streams `zip`'s `<name>/data.mdb` and `lock.mdb` (at its root or in its one folder) into `dir`. */
async function unzipDatabase(zip: string, name: string, dir: string): Promise<void> {
  const written = new Set<string>();
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  let failure: Error | null = null;
  // fflate calls back synchronously: a full disk or a refused write is kept here and ends the unzip as one line.
  unzip.onfile = (file) => {
    const base = path.posix.basename(file.name);
    const inFolder = file.name === base || path.posix.dirname(file.name) === name;
    if (!inFolder || (base !== 'data.mdb' && base !== 'lock.mdb') || failure) return;
    let fd: number;
    try {
      fd = openSync(path.join(dir, base), 'w');
    } catch (e) {
      failure = new DcganError(`cannot write ${path.join(dir, base)}: ${(e as Error).message}`);
      return;
    }
    file.ondata = (err, chunk, final) => {
      try {
        if (err) failure = err;
        else if (!failure) writeSync(fd, chunk);
      } catch (e) {
        failure = new DcganError(`cannot write ${path.join(dir, base)}: ${(e as Error).message}`);
      }
      if (final || err) {
        closeSync(fd);
        written.add(base);
      }
    };
    file.start();
  };
  for await (const chunk of createReadStream(zip)) {
    unzip.push(chunk as Uint8Array);
    if (failure) break;
  }
  if (!failure) unzip.push(new Uint8Array(0), true);
  const failed = failure as Error | null; // set in fflate's callbacks, which the compiler does not follow
  if (failed instanceof DcganError) throw failed;
  if (failed) throw new DcganError(`${zip} does not unzip: ${failed.message}`);
  if (!written.has('data.mdb')) throw new DcganError(`${zip} holds no ${name}/data.mdb: not an LSUN category's zip`);
}
