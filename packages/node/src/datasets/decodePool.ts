import { DcganError } from '@dcgan-ts/core';
import { availableParallelism } from 'node:os';
import Tinypool from 'tinypool';
import { type DecodeOptions, type DecodeResult, decodeImage, loadSharp } from './decodeImage.js';
import type { DecodeJob } from './decodeWorker.js';

/** How decodeFiles spreads the work: worker threads, files per job, and progress. */
export interface DecodePoolOptions {
  /** Worker threads; 0 decodes on this thread (sharp still works off it, in libuv's pool). Default: cores, at most 2. */
  workers?: number;
  /** Files per job: large enough to amortise messages, small enough to keep workers evenly busy. */
  filesPerJob?: number;
  /** Called after each job with the number of files done so far. */
  onProgress?(done: number, total: number): void;
}

/**
 * What decodeFiles decodes: file paths, or anything that hands out encoded images by range (an LMDB database's
 * values, read a job at a time so that a large database is never in memory whole).
 */
export type DecodeItems = readonly string[] | { readonly length: number; slice(first: number, last: number): (string | Uint8Array)[] };

/** Decode worker threads by default: the cores, at most 2. */
export function defaultDecodeWorkers(): number {
  return Math.min(2, availableParallelism());
}

/**
 * Decodes `files` on a pool of worker threads (tinypool) and hands each result to `onResult` in file order, so that
 * callers can append images to a file as they come.
 */
export async function decodeFiles(
  files: DecodeItems,
  options: DecodeOptions,
  onResult: (index: number, result: DecodeResult) => void,
  pool: DecodePoolOptions = {},
): Promise<void> {
  if (files.length > 0) await loadSharp(); // here, so that a missing sharp is one line, not a worker's crash
  const workers = pool.workers ?? defaultDecodeWorkers();
  const perJob = pool.filesPerJob ?? 16;
  const jobs = Math.ceil(files.length / perJob);
  const filesOf = (id: number): (string | Uint8Array)[] => files.slice(id * perJob, Math.min((id + 1) * perJob, files.length));
  /** Job `id`'s results to onResult, jobs in order. */
  const deliver = (id: number, results: DecodeResult[]) => {
    results.forEach((r, k) => onResult(id * perJob + k, r));
    pool.onProgress?.(Math.min((id + 1) * perJob, files.length), files.length);
  };

  if (jobs === 0) return;
  if (workers === 0) {
    for (let id = 0; id < jobs; id++) {
      const results: DecodeResult[] = [];
      for (const f of filesOf(id)) results.push(await decodeImage(f, options));
      deliver(id, results);
    }
    return;
  }

  // Tinypool runs the jobs on its worker threads; a window of jobs in flight keeps every worker busy while holding at
  // most that many jobs' pixels, and awaiting them in order hands results over in file order.
  const threads = Math.min(workers, jobs);
  const threadPool = new Tinypool({ filename: new URL('./decodeWorker.js', import.meta.url).href, minThreads: threads, maxThreads: threads });
  const window: Promise<DecodeResult[]>[] = [];
  let next = 0;
  const start = () => {
    const job: DecodeJob = { files: filesOf(next), options };
    const running = threadPool.run(job) as Promise<DecodeResult[]>;
    running.catch(() => {}); // awaited below in order; a later job's failure must not go unhandled meanwhile
    window.push(running);
    next += 1;
  };
  try {
    while (next < jobs && window.length < 2 * threads) start();
    for (let id = 0; id < jobs; id++) {
      let results: DecodeResult[];
      try {
        results = await window.shift()!;
      } catch (e) {
        throw new DcganError(`a decode worker failed: ${(e as Error).message}`);
      }
      if (next < jobs) start();
      deliver(id, results); // onResult's own errors (a full disk, --strict) end the pool too
    }
  } finally {
    await threadPool.destroy();
  }
}
