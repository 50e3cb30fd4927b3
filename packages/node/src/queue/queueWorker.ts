import { DcganError, type SampleStatistics } from '@dcgan-ts/core';
import { DelayedError, type Job, Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { DEFAULT_QUEUE, TRAIN_JOB, type TrainJobResult, checkTrainJobData } from './queueJobs.js';
import { describeRedisError, openRedis, redactRedisUrl } from './redisConnection.js';
import { trainRequestOfArguments } from './trainArguments.js';
import type { BackendChoice } from '../backend.js';
import { EVAL_SHARD_JOB, checkEvalShardJobData } from './evalShardJob.js';
import type { FromJobProcess, ToJobProcess } from './jobProcess.js';

/** `dcgan queue worker`'s options, as a library call. */
export interface WorkerRequest {
  redis: string;
  queue?: string;
  /** Jobs trained at once, each in its own process (default 1). */
  concurrency?: number;
  /**
   * How long a job whose worker was lost (kill -9, machine gone) waits before another worker takes it, in seconds:
   * BullMQ's lock duration (default 30). The worker renews its locks every half of it.
   */
  stalledAfter?: number;
  /**
   * CPU threads of each job's native backend (DCGAN_THREADS of its process). Default: the environment's DCGAN_THREADS,
   * else the cores divided among `concurrency` jobs. Several workers on one machine should divide the cores between
   * them: native trainings that share cores thrash (OpenMP threads spinning on each other), ten times slower than one
   * after the other. The native backend's results depend on its thread count: for resumes exact across machines,
   * give every worker the same --threads.
   */
  threads?: number;
  /** The backend of evaluation shards (default auto); a training job names its own (--backend in its options). */
  backend?: BackendChoice;
  /**
   * Exit once the queue has had nothing waiting, delayed or active for this many seconds (a Kubernetes Job's workers,
   * a script): long enough for a submitter that starts after the workers (it may first train the metrics' classifier).
   */
  exitWhenIdle?: number;
  /** Aborting stops the worker gracefully: each training finishes its step, checkpoints, and its job goes back to wait. */
  signal?: AbortSignal;
  /** One line per event (job taken, progress, finished, given back, failed). */
  onLine?(line: string): void;
}

/** What a worker did before it stopped. */
export interface WorkerSummary {
  completed: number;
  failed: number;
  /** Jobs given back to the queue by a graceful stop. */
  returned: number;
}

/** How long a job waits when its run directory is still held by a live writer (a lost worker's training). */
const LOCKED_RETRY_MS = 5_000;
/** Progress lines at most this often per job. */
const PROGRESS_LINE_MS = 30_000;
const IDLE_POLL_MS = 1_000;

/**
 * `dcgan queue worker`: takes jobs from the queue (trainings, evaluation shards) and runs each in a forked process
 * (queue/jobProcess.ts), resuming a run that another worker started. BullMQ does the rest: a worker that dies
 * stops renewing its job's lock, and after `stalledAfter` seconds another worker's stalled-job check puts the job back
 * to wait, where a worker takes it and resumes the run from its latest checkpoint; the finished run equals a straight
 * one because resume is exact.
 */
export async function runWorker(request: WorkerRequest): Promise<WorkerSummary> {
  const concurrency = request.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new DcganError(`--concurrency must be a positive integer, got ${concurrency}`);
  const stalledMs = Math.round((request.stalledAfter ?? 30) * 1000);
  if (!(stalledMs >= 1000)) throw new DcganError(`--stalled-after must be at least 1 second, got ${request.stalledAfter}`);
  if (request.threads !== undefined && !(Number.isInteger(request.threads) && request.threads >= 1)) {
    throw new DcganError(`--threads must be a positive integer, got ${request.threads}`);
  }
  const threads = request.threads ?? (process.env.DCGAN_THREADS ? undefined : Math.max(1, Math.floor(availableParallelism() / concurrency)));
  const childEnv = threads === undefined ? process.env : { ...process.env, DCGAN_THREADS: String(threads) };
  const say = request.onLine ?? (() => {});
  const queueName = request.queue ?? DEFAULT_QUEUE;
  const connection = await openRedis(request.redis, say, 'worker');
  const summary: WorkerSummary = { completed: 0, failed: 0, returned: 0 };
  const children = new Set<ChildProcess>();
  let stopping = false;

  const processor = async (job: Job, token?: string): Promise<TrainJobResult | SampleStatistics> => {
    const id = job.id ?? '?';
    let start: Extract<ToJobProcess, { kind: 'start' }>;
    try {
      if (job.name === TRAIN_JOB) {
        const data = checkTrainJobData(job.data, id);
        trainRequestOfArguments(data.args, `job ${id}`);
        start = { kind: 'start', id, name: TRAIN_JOB, job: data };
        say(`${id}: training ${data.run}`);
      } else if (job.name === EVAL_SHARD_JOB) {
        const data = checkEvalShardJobData(job.data, id);
        start = { kind: 'start', id, name: EVAL_SHARD_JOB, job: data, backend: request.backend ?? 'auto' };
        say(`${id}: evaluating samples ${data.first}..${data.first + data.count - 1} of ${data.checkpoint}`);
      } else {
        throw new DcganError(`job ${id}: unknown job kind "${job.name}" (this worker runs "${TRAIN_JOB}" and "${EVAL_SHARD_JOB}" jobs)`);
      }
    } catch (e) {
      throw new UnrecoverableError((e as Error).message);
    }
    // Progress is advice: a Redis that refuses the write (full, or the job removed) must not take the worker down.
    const onProgress = (step: number, steps: number) => void job.updateProgress({ step, steps }).catch(() => {});
    const answer = await runInChild(start, childEnv, children, onProgress, say, () => stopping);
    switch (answer.kind) {
      case 'done': {
        const result = answer.result;
        if ('run' in result) {
          const best = result.best ? `, best ${result.best.scalar} ${Number(result.best.value.toPrecision(4))} at step ${result.best.step}` : '';
          say(`${id}: done at step ${result.step}${best}`);
        } else say(`${id}: done (${result.count} samples)`);
        return result;
      }
      case 'stopped':
        // Given back, not failed: the next worker resumes from the checkpoint this stop wrote.
        await job.moveToWait(token);
        summary.returned++;
        say(`${id}: stopped at step ${answer.step} with a checkpoint; back in the queue`);
        throw new WaitingError();
      case 'locked':
        await job.moveToDelayed(Date.now() + LOCKED_RETRY_MS, token);
        say(`${id}: ${answer.message}; trying again in ${LOCKED_RETRY_MS / 1000} s`);
        throw new DelayedError();
      case 'failed':
        // A DcganError (bad data path, options the run refuses) fails the same way every time: no retries.
        throw answer.expected ? new UnrecoverableError(answer.message) : new Error(answer.message);
      default:
        throw new Error('unreachable');
    }
  };

  const worker = new Worker(queueName, processor, {
    connection,
    concurrency,
    lockDuration: stalledMs,
    stalledInterval: Math.max(500, Math.round(stalledMs / 2)),
    // A job whose worker is lost twice is still given again; a third loss in its life fails it (a job that kills
    // machines). BullMQ counts stalls over the job's whole life.
    maxStalledCount: 2,
    autorun: false,
  });
  worker.on('failed', (job, error) => {
    summary.failed++;
    say(`${job?.id ?? '?'}: failed: ${error.message}`);
  });
  worker.on('completed', () => {
    summary.completed++;
  });
  worker.on('error', (e) => say(`queue error: ${describeRedisError(e)}`));

  const stop = () => {
    if (stopping) return;
    stopping = true;
    say(children.size > 0 ? 'stopping: each training finishes its step and checkpoints, then its job goes back to the queue' : 'stopping');
    for (const child of children) sendTo(child, { kind: 'stop' });
    void worker.close();
  };
  request.signal?.addEventListener('abort', stop);
  if (request.signal?.aborted) stop();
  let idleTimer: NodeJS.Timeout | undefined;
  if (request.exitWhenIdle !== undefined) idleTimer = watchIdle(new Queue(queueName, { connection }), worker, request.exitWhenIdle * 1000, stop);

  const threadsSaid = `${childEnv.DCGAN_THREADS ?? 'all'} CPU thread${childEnv.DCGAN_THREADS === '1' ? '' : 's'} each`;
  say(`worker on ${redactRedisUrl(request.redis)} queue "${queueName}": ${concurrency} job${concurrency > 1 ? 's' : ''} at a time, ${threadsSaid}`);
  try {
    await worker.run();
  } finally {
    clearInterval(idleTimer);
    request.signal?.removeEventListener('abort', stop);
    await worker.close();
    connection.disconnect();
  }
  return summary;
}

/** Stops the worker once the queue has had nothing waiting, delayed or active for `graceMs`. */
function watchIdle(queue: Queue, worker: Worker, graceMs: number, stop: () => void): NodeJS.Timeout {
  let checking = false;
  let idleSince: number | null = null;
  const timer = setInterval(async () => {
    if (checking || worker.isRunning() === false) return;
    checking = true;
    try {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      if (!Object.values(counts).every((n) => n === 0)) idleSince = null;
      else if (idleSince === null) idleSince = Date.now();
      if (idleSince !== null && Date.now() - idleSince >= graceMs) {
        clearInterval(timer);
        await queue.close();
        stop();
      }
    } catch {
      // Redis unreachable for a moment: the worker's own reconnect says so; try again on the next tick.
    } finally {
      checking = false;
    }
  }, IDLE_POLL_MS);
  return timer;
}

/** A message to a job process; one whose channel just closed (it is exiting) is dropped: its `exit` follows. */
function sendTo(child: ChildProcess, message: ToJobProcess): void {
  if (!child.connected) return;
  child.send(message, (e) => {
    if (e) child.emit('error', e);
  });
}

/** Runs one job in a forked process (queue/jobProcess.ts); resolves with its last message (a crash: a retryable failure). */
function runInChild(
  start: Extract<ToJobProcess, { kind: 'start' }>,
  env: NodeJS.ProcessEnv,
  children: Set<ChildProcess>,
  onProgress: (step: number, steps: number) => void,
  say: (line: string) => void,
  stopping: () => boolean,
): Promise<FromJobProcess> {
  const { id } = start;
  return new Promise((resolve) => {
    const child = fork(new URL('./jobProcess.js', import.meta.url), [], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    let answer: FromJobProcess | null = null;
    let lastLine = 0;
    child.on('message', (message: FromJobProcess) => {
      if (message.kind === 'progress') {
        onProgress(message.step, message.steps);
        if (Date.now() - lastLine >= PROGRESS_LINE_MS) {
          lastLine = Date.now();
          say(`${id}: step ${message.step}/${message.steps}`);
        }
      } else if (message.kind === 'line') say(`${id}: ${message.line}`);
      else answer = message;
    });
    // A process that could not start (or whose channel broke) ends as a retryable failure, never a hang.
    child.on('error', (e) => {
      answer ??= { kind: 'failed', message: `the job process: ${e.message}`, expected: false };
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (answer) return resolve(answer);
      const last = stderr.trim().split('\n').slice(-3).join(' | ');
      resolve({ kind: 'failed', message: `the training process died (${signal ?? `exit ${code}`})${last ? `: ${last}` : ''}`, expected: false });
    });
    sendTo(child, start);
    if (stopping()) sendTo(child, { kind: 'stop' });
  });
}
