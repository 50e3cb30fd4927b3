import { Command, Option } from 'commander';
import { DcganError } from '@dcgan-ts/core';
import { type BackendChoice, DEFAULT_EVAL_SHARD, JOB_STATES, type QueueStatus, queueEval, queueStatus, runWorker, submitSweep } from '@dcgan-ts/node';
import { positiveInteger, positiveNumber } from './parse.js';
import { backendOption, useBackend } from './useBackend.js';
import { checkpointOption, jsonOption, noEmaOption } from './sharedOptions.js';

const EXAMPLES = `
Examples:
  $ redis-server --port 6379 --daemonize yes      # or any Redis you can reach (a URL with a password works)
  $ dcgan queue submit --redis redis://localhost:6379 --runs /shared/runs --grid "lr=1e-4,2e-4 seed=0,1,2" --epochs 3 --eval-every 500
  $ dcgan queue worker --redis redis://localhost:6379     # on each machine (or twice on one); Ctrl-C gives its job back
  $ dcgan queue status --redis redis://localhost:6379     # jobs by state; finished runs ranked by their best FID
  $ DCGAN_REDIS=redis://:secret@redis:6379 dcgan queue worker --exit-when-idle   # the URL from the environment
  $ dcgan queue eval --redis redis://localhost:6379 --checkpoint runs/00000-mnist32 --n 50000   # FID of 50,000 samples, in 10 jobs`;

/** --redis, or $DCGAN_REDIS (keeps a password out of the process list). */
function redisOption(): Option {
  return new Option('--redis <url>', 'the Redis of the queue: redis://[:password@]host[:port][/db] (default: $DCGAN_REDIS)');
}

function queueNameOption(): Option {
  return new Option('--queue <name>', 'the queue, to keep sweeps apart on one Redis (default: dcgan)');
}

function redisUrl(o: { redis?: string }): string {
  const url = o.redis ?? process.env.DCGAN_REDIS;
  if (url === undefined || url === '') throw new DcganError('give --redis redis://host:port (or set DCGAN_REDIS)');
  return url;
}

function submitCommand(): Command {
  return new Command('submit')
    .description('queue one `dcgan train` job per point of a grid, each into its own run directory under --runs')
    .addOption(redisOption())
    .addOption(queueNameOption())
    .requiredOption('--runs <dir>', 'shared directory for the run directories (the same path on every worker)')
    .option('--grid <axes>', 'train options to sweep: "lr=1e-4,2e-4 seed=0,1,2" (a cartesian product; a..b spans integers)')
    .option('--seeds <list>', 'a seed axis: 0..15 or 0,3,7')
    .addOption(jsonOption())
    .argument('[train options...]', 'any `dcgan train` option, given to every job (--epochs 3 --eval-every 500)')
    .allowUnknownOption()
    .addHelpText('after', EXAMPLES)
    .action(async (trainArgs: string[], o: { redis?: string; queue?: string; runs: string; grid?: string; seeds?: string; json?: boolean }) => {
      const jobs = await submitSweep({ redis: redisUrl(o), queue: o.queue, runs: o.runs, grid: o.grid, seeds: o.seeds, args: trainArgs });
      const added = jobs.filter((j) => j.state === 'added' || j.state === 'retried').length;
      const said: Record<string, string> = { added: 'queued', retried: 'failed before, queued again' };
      for (const job of jobs) process.stderr.write(`dcgan: ${said[job.state] ?? `already ${job.state}`}: ${job.run} ${job.args.join(' ')}\n`);
      process.stdout.write(`${added} job${added === 1 ? '' : 's'} queued, ${jobs.length - added} already there\n`);
      if (o.json) process.stdout.write(JSON.stringify({ jobs }) + '\n');
    });
}

function workerCommand(): Command {
  return new Command('worker')
    .description('take training jobs from the queue and train them (resuming runs another worker started)')
    .addOption(redisOption())
    .addOption(queueNameOption())
    .option('--concurrency <n>', 'jobs trained at once, each in its own process (default: 1)', positiveInteger)
    .option('--threads <n>', 'CPU threads of each job (default: the cores divided among --concurrency); several workers on one machine: divide the cores', positiveInteger)
    .option('--stalled-after <seconds>', "how long a lost worker's job waits before another worker takes it (default: 30)", positiveNumber)
    .option('--exit-when-idle [seconds]', 'exit once nothing has been waiting or training for this long (default: 30) (Kubernetes Jobs, scripts)', positiveNumber)
    .addOption(backendOption('the backend of evaluation shards (default: auto); a training job runs on the --backend it was submitted with'))
    .addHelpText('after', EXAMPLES)
    .action(async (o: { redis?: string; queue?: string; concurrency?: number; stalledAfter?: number; exitWhenIdle?: number | true; threads?: number; backend?: BackendChoice }) => {
      const stop = new AbortController();
      let signals = 0;
      let lastSignal = 'SIGTERM' as NodeJS.Signals;
      const onSignal = (signal: NodeJS.Signals) => {
        // The first SIGTERM or Ctrl-C stops gracefully; a second one quits now (jobs then come back as stalled).
        if (++signals > 1) process.exit(130);
        lastSignal = signal;
        stop.abort();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      const summary = await runWorker({
        redis: redisUrl(o),
        queue: o.queue,
        concurrency: o.concurrency,
        stalledAfter: o.stalledAfter,
        exitWhenIdle: o.exitWhenIdle === true ? 30 : o.exitWhenIdle,
        backend: o.backend,
        threads: o.threads,
        signal: stop.signal,
        onLine: (line) => process.stderr.write(`dcgan: ${line}\n`),
      });
      process.stdout.write(`worker stopped: ${summary.completed} done, ${summary.failed} failed, ${summary.returned} given back\n`);
      // Stopped by a signal: not a success (a Kubernetes Job restarts the pod; its jobs went back to the queue).
      if (signals > 0) process.exitCode = 128 + (lastSignal === 'SIGINT' ? 2 : 15);
    });
}

function formatStatus(s: QueueStatus): string {
  const lines = [`queue "${s.queue}": ${JOB_STATES.map((state) => `${s.counts[state]} ${state}`).join(', ')}`];
  for (const a of s.active) lines.push(`training: ${a.run}${a.step !== null ? ` (step ${a.step}/${a.steps})` : ''}`);
  for (const f of s.failed) lines.push(`failed: ${f.run}: ${f.reason}`);
  if (s.finished.length > 0) {
    const rows = s.finished.map((r, i) => [
      String(i + 1),
      r.best ? `${r.best.scalar} ${Number(r.best.value.toPrecision(4))}` : '-',
      r.best ? String(r.best.step) : '-',
      String(r.step),
      r.run,
    ]);
    const header = ['rank', 'best', 'at step', 'steps', 'run directory'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const format = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ');
    lines.push('', format(header), ...rows.map(format));
    const unscored = s.finished.filter((r) => !r.best).length;
    if (unscored > 0) {
      lines.push(`(${unscored === s.finished.length ? 'no run' : `${unscored} run${unscored === 1 ? '' : 's'}`} evaluated: ranked by directory after the scored ones; train with --eval-every N to rank by FID)`);
    }
  }
  return lines.join('\n') + '\n';
}

function statusCommand(): Command {
  return new Command('status')
    .description('jobs by state, what trains now, what failed and why, and the finished runs ranked by their best score')
    .addOption(redisOption())
    .addOption(queueNameOption())
    .addOption(jsonOption())
    .action(async (o: { redis?: string; queue?: string; json?: boolean }) => {
      const status = await queueStatus({ redis: redisUrl(o), queue: o.queue });
      process.stdout.write(o.json ? JSON.stringify(status) + '\n' : formatStatus(status));
    });
}

function evalCommand(): Command {
  return new Command('eval')
    .description("FID and Inception-style score of many samples, generated and classified by the queue's workers in shards, combined exactly")
    .addOption(redisOption())
    .addOption(queueNameOption())
    .addOption(checkpointOption())
    .addOption(noEmaOption())
    .option('--n <n>', 'samples in all (seeds 0..n-1) (default: 50000)', positiveInteger)
    .option('--shard <n>', `samples per job (default: ${DEFAULT_EVAL_SHARD})`, positiveInteger)
    .option('--dataset <name>', "the reference's dataset (default: the checkpoint's)")
    .option('--data <path>', "where that dataset lives (default, for the checkpoint's own dataset: where its run read it, else the cache)")
    .option('--classifier <dir>', "the metrics' classifier (default: the one `dcgan train-classifier` cached); the same path on every worker")
    .addOption(backendOption('the backend of the reference and the floor, computed here (the shards run on their workers\' --backend)'))
    .addOption(jsonOption())
    .addHelpText('after', EXAMPLES)
    .action(
      async (o: {
        redis?: string;
        queue?: string;
        checkpoint: string;
        ema: boolean;
        n?: number;
        shard?: number;
        dataset?: string;
        data?: string;
        classifier?: string;
        backend?: BackendChoice;
        json?: boolean;
      }) => {
        await useBackend(o.backend);
        const r = await queueEval({
          redis: redisUrl(o),
          queue: o.queue,
          checkpoint: o.checkpoint,
          ema: o.ema,
          n: o.n ?? 50_000,
          shard: o.shard,
          dataset: o.dataset,
          data: o.data,
          classifier: o.classifier,
          onProgress: (line) => process.stderr.write(`dcgan: ${line}\n`),
        });
        // The lines of `dcgan eval` for these two metrics.
        const f = (x: number) => x.toFixed(3);
        process.stdout.write(
          [
            `checkpoint step ${r.protocol.step}: ${r.protocol.samples} samples (seeds 0..${r.protocol.samples - 1}) in ${r.protocol.shards} shards; features: ${r.protocol.extractor}`,
            `reference: ${r.protocol.reference}; floor: ${r.protocol.floor}`,
            `  FID        ${f(r.fid.value)}   (floor ${f(r.fid.floor)})`,
            `  IS         ${f(r.is.value.mean)} +- ${f(r.is.value.std)}   (test set ${f(r.is.floor.mean)}; 10 splits)`,
          ].join('\n') + '\n',
        );
        if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
      },
    );
}

export function queueCommand(): Command {
  return new Command('queue')
    .description('sweeps on a job queue (BullMQ on Redis): submit a grid of runs, run workers on any machines, rank the results')
    .addCommand(submitCommand())
    .addCommand(workerCommand())
    .addCommand(statusCommand())
    .addCommand(evalCommand());
}
