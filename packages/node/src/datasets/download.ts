import { DcganError } from '@dcgan-ts/core';
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { temporarySibling } from '../io/atomic.js';
import { type RemovedLeftover, removeLeftovers } from '../io/leftovers.js';
import { REMOTE_DATASETS, type RemoteDataset, type RemoteDatasetName, type RemoteFile, datasetDir } from './catalog.js';

/** downloadDataset's options: where the files go, a mirror, progress, and whether files already present are kept. */
export interface DownloadOptions {
  /** Folder that receives `<dataset>/<files>` (default: the cache). */
  dir?: string;
  /** Replaces the base URL: files come from `${mirror}/${file}`; `{dataset}` in it is replaced by the dataset's name. */
  mirror?: string;
  onProgress?(file: string, received: number, total: number | null): void;
  /** Files and checksums to use instead of the built-in catalog's (a private mirror of another set; tests). */
  spec?: RemoteDataset;
  /** A file already present with the right checksum is kept (default); false fetches again. */
  reuse?: boolean;
  /** A temporary file of a killed download, removed before fetching. */
  onRemovedLeftover?(removed: RemovedLeftover): void;
}

/**
 * One file downloadDataset left in place: its path, its size in bytes, and whether it was already there with the right
 * checksum.
 */
export interface DownloadedFile {
  file: string;
  bytes: number;
  reused: boolean;
}

async function md5Of(file: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline((await fs.open(file)).createReadStream(), hash);
  return hash.digest('hex');
}

/**
 * Fetches `url` into `dest` through a temporary name beside it (io/atomic.ts), hashing as it writes; renames only
 * when the MD5 matches (where the source publishes one). A bad checksum, an HTTP error or a cut connection removes the temporary file and says which
 * happened, so the cache never holds a half-written or wrong file under its real name.
 */
export async function downloadFile(
  url: string,
  dest: string,
  expected: Omit<RemoteFile, 'md5'> & { md5?: string },
  onProgress?: DownloadOptions['onProgress'],
): Promise<number> {
  const temp = temporarySibling(dest);
  const hash = createHash('md5');
  let received = 0;
  try {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'follow' });
    } catch (e) {
      const cause = (e as { cause?: Error }).cause;
      throw new DcganError(`cannot reach ${url}: ${cause?.message ?? (e as Error).message}`);
    }
    if (!response.ok || !response.body) throw new DcganError(`${url}: HTTP ${response.status} ${response.statusText}`);
    const length = Number(response.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : null;
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      received += chunk.length;
      onProgress?.(expected.name, received, total);
    });
    try {
      await pipeline(body, createWriteStream(temp));
    } catch (e) {
      const cause = (e as { cause?: Error }).cause;
      throw new DcganError(
        `${url}: the connection dropped after ${received}${total ? ` of ${total}` : ''} bytes (${cause?.message ?? (e as Error).message}); nothing was kept, run the command again`,
      );
    }
    if (total !== null && received !== total) {
      throw new DcganError(`${url}: the connection dropped after ${received} of ${total} bytes; nothing was kept, run the command again`);
    }
    const md5 = hash.digest('hex');
    // Without a published checksum (LSUN) the caller checks the file's content instead.
    if (expected.md5 !== undefined && md5 !== expected.md5) {
      throw new DcganError(
        `${url}: checksum mismatch (MD5 ${md5}, expected ${expected.md5}); the file was discarded. A wrong mirror or a changed file?`,
      );
    }
    await fs.rename(temp, dest);
    return received;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** `dcgan download NAME`: every file of the dataset into `<dir>/<name>/`, verified. Returns the dataset folder. */
export async function downloadDataset(name: RemoteDatasetName, options: DownloadOptions = {}): Promise<{ dir: string; files: DownloadedFile[] }> {
  const spec = options.spec ?? REMOTE_DATASETS[name];
  const dir = datasetDir(name, options.dir);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new DcganError(`cannot create ${dir}: ${(e as Error).message}`);
  }
  // Temporary files of a download that was killed (kill -9, power loss) are garbage; a live download's are not.
  for (const f of spec.files) {
    for (const removed of await removeLeftovers(dir, { of: f.name })) options.onRemovedLeftover?.(removed);
  }
  const base = (options.mirror ?? process.env.DCGAN_MIRROR ?? spec.base).replace('{dataset}', name).replace(/\/+$/, '');
  const files: DownloadedFile[] = [];
  for (const f of spec.files) {
    const dest = path.join(dir, f.name);
    const present = await fs.stat(dest).then(() => true, () => false);
    if (present && options.reuse !== false && (await md5Of(dest)) === f.md5) {
      files.push({ file: dest, bytes: (await fs.stat(dest)).size, reused: true });
      continue;
    }
    const bytes = await downloadFile(`${base}/${f.name}`, dest, f, options.onProgress);
    files.push({ file: dest, bytes, reused: false });
  }
  return { dir, files };
}

/** The cached data of a downloadable dataset, or null when `dcgan download` has not fetched it (completely). */
export async function cachedDataPath(name: RemoteDatasetName): Promise<string | null> {
  const spec = REMOTE_DATASETS[name];
  const dir = datasetDir(name);
  for (const f of spec.files) {
    if (!(await fs.stat(path.join(dir, f.name)).then((s) => s.isFile(), () => false))) return null;
  }
  return path.join(dir, spec.dataPath);
}
