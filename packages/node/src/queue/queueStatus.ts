import { DcganError } from '@dcgan-ts/core';
import { Queue } from 'bullmq';
import { EVAL_SHARD_JOB, type EvalShardJobData } from './evalShardJob.js';
import { DEFAULT_QUEUE, TRAIN_JOB, type TrainJobData, type TrainJobResult } from './queueJobs.js';
import { describeRedisError, openRedis } from './redisConnection.js';

/** The states a job can be in, as BullMQ names them. */
export const JOB_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const;
/** One of JOB_STATES. */
export type JobState = (typeof JOB_STATES)[number];

/** What `dcgan queue status` shows (and prints with --json). */
export interface QueueStatus {
  queue: string;
  counts: Record<JobState, number>;
  /** Finished runs, best first by their --select-by score (runs that did not evaluate last, by directory). */
  finished: (TrainJobResult & { id: string })[];
  active: { id: string; run: string; step: number | null; steps: number | null }[];
  /** Failed jobs: a training's run directory, or an evaluation shard's checkpoint and seeds, with the reason. */
  failed: { id: string; run: string; reason: string; attempts: number }[];
}

/** Best first; a run without a score after every run with one. Scores of different scalars compare by their own sign. */
function byBest(a: TrainJobResult, b: TrainJobResult): number {
  if (a.best && b.best) {
    const sign = a.best.better === 'higher' ? -1 : 1;
    return sign * (a.best.value - b.best.value) || a.run.localeCompare(b.run);
  }
  if (a.best || b.best) return a.best ? -1 : 1;
  return a.run.localeCompare(b.run);
}

/** An evaluation shard in a line: its checkpoint and seeds. */
function describeShard(shard: EvalShardJobData): string {
  return `eval shard of ${shard.checkpoint}, seeds ${shard.first}..${shard.first + shard.count - 1}`;
}

/** `dcgan queue status`: jobs by state, the finished runs ranked, what is training now and what failed (and why). */
export async function queueStatus(request: { redis: string; queue?: string }): Promise<QueueStatus> {
  const name = request.queue ?? DEFAULT_QUEUE;
  const connection = await openRedis(request.redis);
  const queue = new Queue(name, { connection });
  try {
    const counts = (await queue.getJobCounts(...JOB_STATES)) as Record<JobState, number>;
    const completed = await queue.getJobs(['completed'], 0, -1);
    const finished = completed
      .filter((j) => j.name === TRAIN_JOB && j.returnvalue && typeof (j.returnvalue as TrainJobResult).run === 'string')
      .map((j) => ({ id: j.id!, ...(j.returnvalue as TrainJobResult) }))
      .sort(byBest);
    // Active and finished list trainings (an evaluation's shards are counted above; `dcgan queue eval` follows its
    // own); failures list both, so that the failed count is the lines below it.
    const active = (await queue.getJobs(['active'], 0, -1)).filter((j) => j.name === TRAIN_JOB).map((j) => {
      const progress = j.progress as { step?: number; steps?: number } | number | undefined;
      const p = typeof progress === 'object' && progress !== null ? progress : {};
      return { id: j.id!, run: (j.data as TrainJobData).run, step: p.step ?? null, steps: p.steps ?? null };
    });
    const failed = (await queue.getJobs(['failed'], 0, -1)).map((j) => ({
      id: j.id!,
      run:
        j.name === TRAIN_JOB ? String((j.data as TrainJobData).run) : j.name === EVAL_SHARD_JOB ? describeShard(j.data as EvalShardJobData) : `a job of unknown kind "${j.name}"`,
      reason: j.failedReason ?? '',
      attempts: j.attemptsMade,
    }));
    return { queue: name, counts, finished, active, failed };
  } catch (e) {
    throw new DcganError(`cannot read the queue "${name}": ${describeRedisError(e)}`);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
