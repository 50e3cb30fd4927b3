import { DcganError } from '@dcgan-ts/core';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type DecodeOptions, type DecodeResult, decodeImage, loadSharp } from './decodeImage.js';
import type { DecodeJob, DecodeJobResult } from './decodeWorker.js';

/** How decodeFiles spreads the work: worker threads, files per job, and progress. */
export interface DecodePoolOptions {
  /** Worker threads; 0 decodes on this thread (sharp still works off it, in libuv's pool). Default: cores, at most 2. */
  workers?: number;
  /** Files per job: large enough to amortise messages, small enough to keep workers evenly busy. */
  filesPerJob?: number;
  /** Called after each job with the number of files done so far. */
  onProgress?(done: number, total: number): void;
}

/** Decode worker threads by default: the cores, at most 2. */
export function defaultDecodeWorkers(): number {
  return Math.min(2, availableParallelism());
}

/**
 * Decodes `files` with a pool of worker threads and hands each result to `onResult` in file order (results arrive
 * out of order and wait in a small reorder buffer), so that callers can append images to a file as they come.
 */
export async function decodeFiles(
  files: readonly string[],
  options: DecodeOptions,
  onResult: (index: number, result: DecodeResult) => void,
  pool: DecodePoolOptions = {},
): Promise<void> {
  if (files.length > 0) await loadSharp(); // here, so that a missing sharp is one line, not a worker's crash
  const workers = pool.workers ?? defaultDecodeWorkers();
  const perJob = pool.filesPerJob ?? 16;
  const jobs = Math.ceil(files.length / perJob);
  const filesOf = (id: number) => files.slice(id * perJob, (id + 1) * perJob);
  let delivered = 0; // jobs handed to onResult, in order
  const waiting = new Map<number, DecodeResult[]>();
  const deliver = (id: number, results: DecodeResult[]) => {
    waiting.set(id, results);
    while (waiting.has(delivered)) {
      const batch = waiting.get(delivered)!;
      waiting.delete(delivered);
      batch.forEach((r, k) => onResult(delivered * perJob + k, r));
      delivered += 1;
      pool.onProgress?.(Math.min(delivered * perJob, files.length), files.length);
    }
  };

  if (workers === 0) {
    for (let id = 0; id < jobs; id++) {
      const results: DecodeResult[] = [];
      for (const f of filesOf(id)) results.push(await decodeImage(f, options));
      deliver(id, results);
    }
    return;
  }

  const threads = Array.from({ length: Math.min(workers, jobs) }, () => new Worker(new URL('./decodeWorker.js', import.meta.url)));
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      const feed = (w: Worker) => {
        if (next < jobs) {
          const job: DecodeJob = { id: next, files: filesOf(next), options };
          next += 1;
          w.postMessage(job);
        }
      };
      for (const w of threads) {
        w.on('message', (m: DecodeJobResult) => {
          try {
            deliver(m.id, m.results);
          } catch (e) {
            reject(e); // onResult's own error (a full disk, --strict)
            return;
          }
          if (delivered === jobs) resolve();
          else feed(w);
        });
        w.on('error', (e) => reject(new DcganError(`a decode worker failed: ${e.message}`)));
        w.on('exit', (code) => {
          if (code !== 0 && delivered < jobs) reject(new DcganError(`a decode worker exited with code ${code}`));
        });
        feed(w);
      }
      if (jobs === 0) resolve();
    });
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
}
