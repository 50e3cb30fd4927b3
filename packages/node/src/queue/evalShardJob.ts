import {
  classifierOutputs,
  DcganError,
  generate,
  generatorInputWidth,
  joinSampleStatistics,
  type SampleStatistics,
  sampleStatistics,
  seedRange,
  seedSampleInputs,
} from '@dcgan-ts/core';
import path from 'node:path';
import { checkClassifierInput, loadClassifier } from '../metrics/classifierStore.js';
import { withGenerator } from '../run/checkpoints.js';
import { JOB_FORMAT } from './queueJobs.js';

/** BullMQ's job name of one shard of a sharded evaluation (`dcgan queue eval`). */
export const EVAL_SHARD_JOB = 'eval-shard';

/**
 * One shard of a large evaluation: samples first..first+count-1 (the latents of those seeds, as `dcgan eval` draws
 * them) of a checkpoint's G, through the metrics' classifier, returned as sums (core's sampleStatistics) that the
 * submitter adds up exactly. Paths are absolute and must resolve on the worker (a shared file system or cache).
 */
export interface EvalShardJobData {
  format: typeof JOB_FORMAT;
  checkpoint: string;
  /** false: G itself where the checkpoint also holds its moving average (--no-ema). */
  ema: boolean;
  classifier: string;
  first: number;
  count: number;
  total: number;
}

/** An eval shard's data as the worker reads it: refused in one line unless complete and consistent. */
export function checkEvalShardJobData(data: unknown, id: string): EvalShardJobData {
  const d = data as Partial<EvalShardJobData> | null;
  if (d === null || typeof d !== 'object') throw new DcganError(`job ${id}: no data`);
  if (d.format !== JOB_FORMAT) throw new DcganError(`job ${id}: job format ${String(d.format)}, this worker reads ${JOB_FORMAT} (update the worker or resubmit)`);
  for (const key of ['checkpoint', 'classifier'] as const) {
    if (typeof d[key] !== 'string' || !path.isAbsolute(d[key])) throw new DcganError(`job ${id}: "${key}" must be an absolute path`);
  }
  if (typeof d.ema !== 'boolean') throw new DcganError(`job ${id}: "ema" must be true or false`);
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (!whole(d.first) || !whole(d.count) || !whole(d.total) || d.count! < 1 || d.first! + d.count! > d.total!) {
    throw new DcganError(`job ${id}: "first", "count" and "total" must be whole numbers with first + count <= total`);
  }
  const unknown = Object.keys(d).filter((k) => !['format', 'checkpoint', 'ema', 'classifier', 'first', 'count', 'total'].includes(k));
  if (unknown.length > 0) throw new DcganError(`job ${id}: unknown field ${unknown.join(', ')}`);
  return d as EvalShardJobData;
}

/** Samples generated and classified at a time: bounds a shard's memory whatever its size. */
const CHUNK = 2_000;

/** Runs one shard: G's samples first..first+count-1 through the classifier, as sums. */
export async function evaluateShard(job: EvalShardJobData): Promise<SampleStatistics> {
  const { model: classifier } = await loadClassifier(job.classifier);
  try {
    return await withGenerator({ checkpoint: job.checkpoint, ema: job.ema }, async (loaded) => {
      const { config } = loaded.state;
      checkClassifierInput(classifier, config.imageSize, config.channels);
      const parts: SampleStatistics[] = [];
      for (let start = job.first; start < job.first + job.count; start += CHUNK) {
        const seeds = seedRange(start, Math.min(CHUNK, job.first + job.count - start));
        const images = generate(loaded.generator, seedSampleInputs(config, seeds), generatorInputWidth(config));
        try {
          parts.push(sampleStatistics(await classifierOutputs(classifier, images), start, job.total));
        } finally {
          images.dispose();
        }
      }
      return joinSampleStatistics(parts);
    });
  } finally {
    classifier.dispose();
  }
}
