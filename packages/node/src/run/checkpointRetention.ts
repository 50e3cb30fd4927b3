import { DcganError } from '@dcgan-ts/core';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { temporaryName } from '../io/leftovers.js';
import { describeFsError } from './runDirectory.js';

/**
 * Which checkpoints a run keeps (`--keep-checkpoints N`, `--keep-every K`): the newest N, the ones `latest` and
 * `best` point at, and every one whose step is a multiple of K. A 64x64x3 checkpoint is ~75 MB, so unlimited is not
 * the default.
 *
 * Removal is crash-safe: the pointers are written before anything is removed and are read again here, so whatever is
 * removed is named by no pointer; a checkpoint leaves by an atomic rename to a leftover name
 * (`.step-000500.tmp-HOST-PID-RANDOM`) before its files are deleted, so a kill mid-removal leaves either the whole
 * checkpoint or a leftover, which the next run in the directory clears (io/leftovers.ts).
 */
export interface RetentionPolicy {
  /** Newest checkpoints kept; 0 keeps every one. */
  keep: number;
  /** Checkpoints at multiples of this step also kept; null: none. */
  keepEvery: number | null;
}

/** Checkpoints kept by default: with `latest` and `best`, enough to go back a little without filling a disk. */
export const DEFAULT_KEEP_CHECKPOINTS = 5;

/** The pointer to the checkpoint with the best --select-by score (a one-line file, as `latest`). */
export const BEST_POINTER = 'best';

const STEP_DIR = /^step-(\d+)$/;

/** The step-N folder a pointer file names, or null when there is no such pointer (or it names no step folder). */
export async function readPointer(checkpointsDir: string, pointer: string): Promise<string | null> {
  const text = await fs.readFile(path.join(checkpointsDir, pointer), 'utf8').catch(() => null);
  const name = text?.trim() ?? '';
  return STEP_DIR.test(name) ? name : null;
}

/** The checkpoint folders a policy would remove now, oldest first. */
export async function checkpointsToRemove(checkpointsDir: string, policy: RetentionPolicy, pinned: readonly string[]): Promise<string[]> {
  if (policy.keep === 0) return [];
  const names = (await fs.readdir(checkpointsDir)).filter((n) => STEP_DIR.test(n));
  const step = (n: string) => Number(STEP_DIR.exec(n)![1]);
  names.sort((a, b) => step(a) - step(b));
  const newest = new Set(names.slice(-policy.keep));
  return names.filter((n) => !newest.has(n) && !pinned.includes(n) && !(policy.keepEvery !== null && step(n) % policy.keepEvery === 0));
}

/**
 * Removes the checkpoints `policy` does not keep (see above); the pointers `latest` and `best` must already name
 * their final targets. Returns the folders removed.
 */
export async function pruneCheckpoints(checkpointsDir: string, policy: RetentionPolicy, pointers: readonly string[]): Promise<string[]> {
  const pinned = (await Promise.all(pointers.map((p) => readPointer(checkpointsDir, p)))).filter((n): n is string => n !== null);
  const removed: string[] = [];
  for (const name of await checkpointsToRemove(checkpointsDir, policy, pinned)) {
    const leaving = path.join(checkpointsDir, temporaryName(name, randomBytes(4).toString('hex')));
    try {
      await fs.rename(path.join(checkpointsDir, name), leaving);
      await fs.rm(leaving, { recursive: true, force: true });
    } catch (e) {
      throw new DcganError(`cannot remove old checkpoint ${path.join(checkpointsDir, name)}: ${describeFsError(e)}`);
    }
    removed.push(name);
  }
  return removed;
}
