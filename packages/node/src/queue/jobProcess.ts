/**
 * The process that runs one queued job, forked by the worker (queue/queueWorker.ts): a training (queue/queueJobs.ts)
 * or one shard of an evaluation (queue/evalShardJob.ts). The work runs here and not in the worker so that the
 * worker's event loop stays free to renew BullMQ's job lock: a native training step holds its thread for seconds, and
 * a lock that is not renewed makes BullMQ hand the job to a second worker while the first still runs it.
 *
 * Protocol (Node's IPC channel, JSON): the worker sends `start` once, then maybe `stop`; this process answers with
 * `progress` and `line` messages and ends with one of `done`, `stopped`, `locked` or `failed`. When the channel
 * closes without a `stop` (the worker was killed), it exits at once: a training resumes elsewhere from its last
 * checkpoint (train() drops any log lines past it), so nothing written after that checkpoint matters.
 */
import { BestScore, DcganError, EVAL_SCALARS, type EvalScalar, isEvalEntry, type SampleStatistics } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type BackendChoice, nativeThreads, selectBackend, setNativeThreadCount } from '../backend.js';
import { LATEST_POINTER } from '../run/checkpoints.js';
import { RunDirectory } from '../run/runDirectory.js';
import { RunLock, RunLockHeldError } from '../run/runLock.js';
import { train } from '../train.js';
import { EVAL_SHARD_JOB, type EvalShardJobData, evaluateShard } from './evalShardJob.js';
import type { RunBest, TrainJobData, TrainJobResult } from './queueJobs.js';
import { resumeSettings } from './resumeSettings.js';
import { trainRequestOfArguments } from './trainArguments.js';

export type ToJobProcess =
  | { kind: 'start'; id: string; name: 'train'; job: TrainJobData }
  | { kind: 'start'; id: string; name: typeof EVAL_SHARD_JOB; job: EvalShardJobData; backend: BackendChoice }
  | { kind: 'stop' };
export type FromJobProcess =
  | { kind: 'progress'; step: number; steps: number }
  | { kind: 'line'; line: string }
  | { kind: 'done'; result: TrainJobResult | SampleStatistics }
  | { kind: 'stopped'; step: number }
  | { kind: 'locked'; message: string }
  | { kind: 'failed'; message: string; expected: boolean };

/** Progress messages at most this often (the worker writes each to Redis). */
const PROGRESS_MS = 1_000;

let stopRequested = false;

function send(message: FromJobProcess): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, undefined, () => resolve());
  });
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** The run's best evaluation by the score it selects by (config.json's selectBy), from its log. */
async function runBest(run: RunDirectory): Promise<RunBest | null> {
  const config = await run.readConfig().catch(() => ({}) as Record<string, unknown>);
  const scalar = config.selectBy;
  if (typeof scalar !== 'string' || !(scalar in EVAL_SCALARS)) return null;
  const score = new BestScore(scalar as EvalScalar);
  score.replay((await run.readLog()).filter(isEvalEntry));
  const best = score.best;
  if (!best) return null;
  const better = (EVAL_SCALARS[scalar as EvalScalar] as { better?: 'lower' | 'higher' }).better ?? 'lower';
  return { scalar, value: best.value, step: best.step, better };
}

async function trainJob(id: string, job: TrainJobData): Promise<FromJobProcess> {
  const request = trainRequestOfArguments(job.args, `job ${id}`);
  // A live writer (a worker that lost its lease but still trains) is waited out by the queue, never overrun.
  await RunLock.refuseIfHeld(job.run);
  const run = new RunDirectory(job.run);
  const resume = await exists(path.join(run.checkpointsDir, LATEST_POINTER));
  if (!resume && (await run.holdsRun())) {
    // A run lost before its first checkpoint: nothing to resume from. Its files are set aside, not deleted.
    const aside = `${job.run}.lost-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await fs.rename(job.run, aside);
    await send({ kind: 'line', line: `${job.run} was lost before its first checkpoint; its files moved to ${aside}, training from step 0` });
  }
  if (resume) {
    const config = await run.readConfig().catch(() => ({}) as Record<string, unknown>);
    const settings = resumeSettings(config, request, await nativeThreads());
    Object.assign(request, settings.request);
    if (settings.threads !== null) {
      await setNativeThreadCount(settings.threads);
      await send({ kind: 'line', line: settings.threadsLine! });
    }
  }
  let resumedFrom: number | null = null;
  let lastProgress = 0;
  const result = await train(
    { ...request, out: job.run, resume },
    {
      onStart: (info) => {
        if (!resume) return;
        resumedFrom = info.fromStep;
        void send({ kind: 'line', line: `resuming from its checkpoint at step ${info.fromStep}` });
      },
      onStep: (step, steps) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_MS && step !== steps) return;
        lastProgress = now;
        void send({ kind: 'progress', step, steps });
      },
      onNotice: (line) => void send({ kind: 'line', line }),
      onWarning: (line) => void send({ kind: 'line', line: `warning: ${line}` }),
      shouldStop: () => stopRequested,
    },
  );
  if (result.interrupted) return { kind: 'stopped', step: result.step };
  return { kind: 'done', result: { run: job.run, step: result.step, best: await runBest(run), resumedFrom } };
}

async function start(message: Extract<ToJobProcess, { kind: 'start' }>): Promise<void> {
  let answer: FromJobProcess;
  try {
    running = message.name === EVAL_SHARD_JOB ? 'eval' : 'train';
    if (message.name === EVAL_SHARD_JOB) {
      await selectBackend(message.backend);
      answer = { kind: 'done', result: await evaluateShard(message.job) };
    }
    else answer = await trainJob(message.id, message.job);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof RunLockHeldError) answer = { kind: 'locked', message };
    else answer = { kind: 'failed', message, expected: e instanceof DcganError };
  }
  await send(answer);
  process.exit(0);
}

/** What this process runs: a training stops gracefully after a `stop`; an evaluation shard has no such point. */
let running: 'train' | 'eval' | null = null;

process.on('disconnect', () => {
  // The worker is gone (killed, or its machine lost): stop now, unless a training was asked to stop and is writing
  // its checkpoint. Another worker resumes from the last checkpoint (or runs the shard again).
  if (!(stopRequested && running === 'train')) process.exit(1);
});
process.on('message', (message: ToJobProcess) => {
  if (message.kind === 'stop') stopRequested = true;
  else if (message.kind === 'start') void start(message);
});
// A terminal's Ctrl-C reaches the whole process group: the worker decides (it sends `stop`).
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
