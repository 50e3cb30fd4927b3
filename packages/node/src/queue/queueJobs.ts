import { DcganError } from '@dcgan-ts/core';
import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * What travels through the queue: data, never code. A training job is a run directory and `dcgan train` flags; the
 * worker checks both (queue/trainArguments.ts) before it runs anything.
 */

/** The BullMQ queue name when --queue is not given. */
export const DEFAULT_QUEUE = 'dcgan';
/** BullMQ's job name of a training job. */
export const TRAIN_JOB = 'train';
/** The job data format; a worker refuses another. */
export const JOB_FORMAT = 1;

/** A training job as Redis holds it: where the run lives and its `dcgan train` flags. */
export interface TrainJobData {
  format: typeof JOB_FORMAT;
  /** The run directory: absolute, on the shared file system every worker mounts at the same path. */
  run: string;
  /** `dcgan train` flags (paths in them made absolute at submit). */
  args: string[];
}

/** The best evaluation of a finished run by its --select-by score. */
export interface RunBest {
  scalar: string;
  value: number;
  step: number;
  /** Lower or higher is better. */
  better: 'lower' | 'higher';
}

/** What a finished training job returns (kept by Redis with the job: `dcgan queue status` reads it). */
export interface TrainJobResult {
  run: string;
  step: number;
  /** The run's --select-by best; null when it did not evaluate. */
  best: RunBest | null;
  /** The checkpoint step the finishing worker resumed from (another worker's, stopped or lost); null: trained straight. */
  resumedFrom: number | null;
}

/**
 * A stable id per run directory: submitting the same sweep twice adds nothing already queued or done (BullMQ ignores
 * an add whose id exists). BullMQ ids may not contain ':' and must not be integers.
 */
export function trainJobId(run: string): string {
  return `train-${createHash('sha256').update(path.resolve(run)).digest('hex').slice(0, 20)}`;
}

/** A job's data as the worker reads it: refused in one line unless it is a training job this version knows. */
export function checkTrainJobData(data: unknown, id: string): TrainJobData {
  const d = data as Partial<TrainJobData> | null;
  if (d === null || typeof d !== 'object') throw new DcganError(`job ${id}: no data`);
  if (d.format !== JOB_FORMAT) throw new DcganError(`job ${id}: job format ${String(d.format)}, this worker reads ${JOB_FORMAT} (update the worker or resubmit)`);
  if (typeof d.run !== 'string' || !path.isAbsolute(d.run)) throw new DcganError(`job ${id}: "run" must be an absolute path`);
  if (!Array.isArray(d.args) || !d.args.every((a) => typeof a === 'string')) throw new DcganError(`job ${id}: "args" must be a list of strings`);
  const unknown = Object.keys(d).filter((k) => !['format', 'run', 'args'].includes(k));
  if (unknown.length > 0) throw new DcganError(`job ${id}: unknown field ${unknown.join(', ')}`);
  return d as TrainJobData;
}
