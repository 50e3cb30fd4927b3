import { DcganError } from '@dcgan-ts/core';
import { Queue } from 'bullmq';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeFsError } from '../run/runDirectory.js';
import { DEFAULT_QUEUE, JOB_FORMAT, TRAIN_JOB, type TrainJobData, trainJobId } from './queueJobs.js';
import { describeRedisError, openRedis } from './redisConnection.js';
import { type GridAxis, gridPoints, parseGrid, parseSeeds } from './sweepGrid.js';
import { absoluteArguments, checkJobModel, trainRequestOfArguments } from './trainArguments.js';

/** `dcgan queue submit`'s options, as a library call. */
export interface QueueSweepRequest {
  /** redis://[:password@]host[:port][/db] */
  redis: string;
  queue?: string;
  /** The shared directory that receives one run directory per point. */
  runs: string;
  /** `lr=1e-4,2e-4 seed=0,1,2` */
  grid?: string;
  /** `0..15` or `0,3,7`: a seed axis (after the grid's). */
  seeds?: string;
  /** `dcgan train` flags every job gets (`--epochs 3 --eval-every 500`). */
  args?: string[];
  /** Where relative paths in `runs` and `args` start (default: the process's cwd). */
  cwd?: string;
}

/** One point of a submitted sweep and what became of it. */
export interface SubmittedJob {
  id: string;
  run: string;
  args: string[];
  /** `added`; `retried` (it had failed); or the state of the job already queued for this run directory (nothing added). */
  state: string;
}

/**
 * `dcgan queue submit`: one training job per point of the grid, each a `dcgan train` into its own run directory under
 * `runs`. Everything is checked before the first job is added (a typo fails the submit, not a worker hours later).
 * Submitting the same sweep again adds only the points not yet queued (the job id is the run directory's).
 */
export async function submitSweep(request: QueueSweepRequest): Promise<SubmittedJob[]> {
  const cwd = request.cwd ?? process.cwd();
  const common = absoluteArguments(request.args ?? [], cwd);
  trainRequestOfArguments(common, 'the train options');
  const axes: GridAxis[] = request.grid === undefined ? [] : parseGrid(request.grid);
  if (request.seeds !== undefined) axes.push(parseSeeds(request.seeds));
  for (const axis of axes) {
    if (common.includes(axis.flag)) throw new DcganError(`${axis.flag} is both swept and given as a train option; drop one`);
  }
  const points = gridPoints(axes);
  const runs = path.resolve(cwd, request.runs);
  await fs.mkdir(runs, { recursive: true }).catch((e: unknown) => {
    throw new DcganError(`cannot create --runs ${runs}: ${describeFsError(e)}`);
  });
  const jobs = points.map((p) => {
    const data: TrainJobData = { format: JOB_FORMAT, run: path.join(runs, p.name), args: [...common, ...absoluteArguments(p.args, cwd)] };
    checkJobModel(trainRequestOfArguments(data.args, `point ${p.name}`), `point ${p.name}`);
    return { id: trainJobId(data.run), data };
  });

  const connection = await openRedis(request.redis);
  const queue = new Queue(request.queue ?? DEFAULT_QUEUE, { connection });
  try {
    const submitted: SubmittedJob[] = [];
    for (const { id, data } of jobs) {
      const existing = await queue.getJob(id);
      if (existing) {
        // The same run directory with other options is another experiment: refused, never silently ignored.
        const had = (existing.data as Partial<TrainJobData>).args ?? [];
        if (JSON.stringify(had) !== JSON.stringify(data.args)) {
          throw new DcganError(`${data.run} is already queued with other options (${had.join(' ')}); choose another --runs, or --queue`);
        }
        let state: string = await existing.getState();
        if (state === 'failed') {
          // Submitting again is how a failed run is retried (it resumes from its latest checkpoint).
          await existing.retry();
          state = 'retried';
        }
        submitted.push({ id, run: data.run, args: data.args, state });
        continue;
      }
      // Kept after they end (status lists them); a crash of the training process is retried (it resumes from its
      // last checkpoint), a deterministic error is not (the worker fails such jobs as unrecoverable).
      await queue.add(TRAIN_JOB, data, { jobId: id, attempts: 3, backoff: { type: 'fixed', delay: 5_000 }, removeOnComplete: false, removeOnFail: false });
      submitted.push({ id, run: data.run, args: data.args, state: 'added' });
    }
    return submitted;
  } catch (e) {
    if (e instanceof DcganError) throw e;
    throw new DcganError(`cannot queue the sweep: ${describeRedisError(e)}`);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
