import { DcganError, fitGaussian, frechetDistance, mergeSampleStatistics, type SampleStatistics } from '@dcgan-ts/core';
import { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { checkpointData } from '../datasets/trainingData.js';
import { defaultClassifierDir, hasClassifier, missingClassifierMessage } from '../metrics/classifierStore.js';
import { floorMetrics } from '../metrics/featureMetrics.js';
import { openMetricsReference } from '../metrics/metricsReference.js';
import { withGenerator } from '../run/checkpoints.js';
import { EVAL_SHARD_JOB, type EvalShardJobData } from './evalShardJob.js';
import { DEFAULT_QUEUE, JOB_FORMAT } from './queueJobs.js';
import { describeRedisError, openRedis } from './redisConnection.js';

/** `dcgan queue eval`'s options, as a library call. */
export interface QueueEvalRequest {
  redis: string;
  queue?: string;
  checkpoint: string;
  /** false: G itself where the checkpoint also holds its moving average (--no-ema). Default true. */
  ema?: boolean;
  /** Samples in all (seeds 0..n-1), e.g. 50,000. */
  n: number;
  /** Samples per job (default 5,000). */
  shard?: number;
  dataset?: string;
  data?: string;
  classifier?: string;
  /** How often the shards' states are read, ms (default 1,000). */
  pollMs?: number;
  onProgress?(line: string): void;
}

/** What a sharded evaluation measured: FID and the Inception-style score of n samples, each beside its floor. */
export interface QueueEvalResult {
  protocol: { samples: number; shards: number; reference: string; floor: string; extractor: string; checkpoint: string; step: number };
  fid: { value: number; floor: number };
  is: { value: { mean: number; std: number }; floor: { mean: number; std: number } };
  histogram: number[];
}

/** Default samples per shard: a few minutes of a CPU worker at 32x32. */
export const DEFAULT_EVAL_SHARD = 5_000;

/** A stable id per shard of one evaluation: asking again reuses the shards already done. */
function shardJobId(job: EvalShardJobData): string {
  const key = JSON.stringify([job.checkpoint, job.ema, job.classifier, job.total, job.first, job.count]);
  return `eval-${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

/**
 * `dcgan queue eval`: FID and the Inception-style score of `n` samples of a checkpoint, their generation and
 * classification split into jobs of `shard` samples that the queue's workers run (on other machines too), combined
 * here from their sums (core's sampleStatistics: Σf, Σff^T, per-split probability sums), so the numbers are those of
 * one pass over all n samples, not averages of per-shard scores. The reference (the dataset's test split, at most its
 * size) and the floors are computed here, as `dcgan eval` does. KID and precision/recall need every feature at once
 * and are not sharded (use `dcgan eval`).
 */
export async function queueEval(request: QueueEvalRequest): Promise<QueueEvalResult> {
  const say = request.onProgress ?? (() => {});
  const shard = request.shard ?? DEFAULT_EVAL_SHARD;
  if (!Number.isInteger(request.n) || request.n < 2) throw new DcganError(`--n must be at least 2, got ${request.n}`);
  if (!Number.isInteger(shard) || shard < 1) throw new DcganError(`--shard must be a positive integer, got ${shard}`);
  const ema = request.ema ?? true;
  // The checkpoint is read here too: for its dataset, image size and the run's cut of the real images.
  const run = await withGenerator({ checkpoint: request.checkpoint, ema }, async (loaded) => ({
    dir: path.resolve(loaded.dir),
    step: loaded.state.step,
    config: loaded.state.config,
    ...(await checkpointData(loaded, request.dataset, request.data)),
  }));
  const { imageSize: s, channels: c } = run.config;
  const classifier = path.resolve(request.classifier ?? defaultClassifierDir(run.dataset, s, c, run.data));
  // Before any shard is queued: without it every shard would fail in the workers.
  if (!(await hasClassifier(classifier))) {
    throw new DcganError(request.classifier ? `no classifier in ${classifier}` : missingClassifierMessage(run.dataset, s, c, run.data, classifier));
  }
  const jobs: { id: string; data: EvalShardJobData }[] = [];
  for (let first = 0; first < request.n; first += shard) {
    const data: EvalShardJobData = { format: JOB_FORMAT, checkpoint: run.dir, ema, classifier, first, count: Math.min(shard, request.n - first), total: request.n };
    jobs.push({ id: shardJobId(data), data });
  }
  const connection = await openRedis(request.redis, say);
  const queue = new Queue(request.queue ?? DEFAULT_QUEUE, { connection });
  try {
    // The shards first, so that workers generate while the reference is loaded here.
    await redisStep(() => queueShards(queue, jobs));
    say(`${jobs.length} shard${jobs.length === 1 ? '' : 's'} of up to ${jobs[0]!.data.count} samples queued for the workers (dcgan queue worker)`);
    const ref = await openMetricsReference({ dataset: run.dataset, data: run.data, cut: run.cut, imageSize: s, channels: c, n: request.n, classifier, seed: 0, onProgress: say });
    try {
      const floor = await floorMetrics(ref.floorSet, ref.reference, ref.n, new Set(['fid', 'is']), 0);
      const shards = await redisStep(() => waitForShards(queue, jobs, request.pollMs ?? 1_000, say));
      let merged: ReturnType<typeof mergeSampleStatistics>;
      try {
        merged = mergeSampleStatistics(shards);
      } catch (e) {
        throw new DcganError(`cannot combine the shards: ${(e as Error).message}`);
      }
      const fid = frechetDistance(merged.gaussian, fitGaussian(ref.reference.features, ref.n, merged.gaussian.dims));
      return {
        protocol: { samples: request.n, shards: jobs.length, ...ref.protocol, extractor: ref.extractor, checkpoint: run.dir, step: run.step },
        fid: { value: fid, floor: floor.fid! },
        is: { value: merged.inceptionScore, floor: floor.is! },
        histogram: merged.histogram,
      };
    } finally {
      ref.dispose();
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** A Redis failure mid-way as one line (our own errors pass through). */
async function redisStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof DcganError) throw e;
    throw new DcganError(`the sharded evaluation: ${describeRedisError(e)}`);
  }
}

/** Queues the shards not queued yet, and a failed one again (asking twice reuses what is done). */
async function queueShards(queue: Queue, jobs: { id: string; data: EvalShardJobData }[]): Promise<void> {
  for (const { id, data } of jobs) {
    const existing = await queue.getJob(id);
    if (!existing) await queue.add(EVAL_SHARD_JOB, data, { jobId: id, attempts: 3, backoff: { type: 'fixed', delay: 5_000 }, removeOnComplete: false, removeOnFail: false });
    else if ((await existing.getState()) === 'failed') await existing.retry();
  }
}

/** Waits for every shard; returns their sums, or one line naming a shard that failed. */
async function waitForShards(queue: Queue, jobs: { id: string; data: EvalShardJobData }[], pollMs: number, say: (line: string) => void): Promise<SampleStatistics[]> {
  let reported = -1;
  for (;;) {
    const states = await Promise.all(jobs.map(async ({ id }) => (await queue.getJob(id))?.getState() ?? 'missing'));
    const failed = jobs.findIndex((_, i) => states[i] === 'failed' || states[i] === 'missing');
    if (failed >= 0) {
      const job = await queue.getJob(jobs[failed]!.id);
      const { first, count } = jobs[failed]!.data;
      throw new DcganError(`shard ${first}..${first + count - 1} ${job ? `failed: ${job.failedReason}` : 'was removed from the queue'}`);
    }
    const done = states.filter((st) => st === 'completed').length;
    if (done !== reported) say(`${done}/${jobs.length} shards done`);
    reported = done;
    if (done === jobs.length) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return Promise.all(jobs.map(async ({ id }) => (await queue.getJob(id))!.returnvalue as SampleStatistics));
}
