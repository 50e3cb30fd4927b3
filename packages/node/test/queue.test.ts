import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { gridPoints, parseGrid, parseSeeds, trainRequestOfArguments } from '../src/index.js';
import { resumeSettings } from '../src/queue/resumeSettings.js';
import { CLI, TINY, dcgan, dcganAsync, logWithoutTiming, tempDir } from './cli.js';
import { redisUnavailable, startTestRedis, type TestRedis } from './redisServer.js';

/**
 * `dcgan queue` against a real redis-server: a sweep whose worker is killed with SIGKILL mid-job still finishes, and
 * the killed job's run ends with exactly the numbers of a straight run; SIGTERM gives a job back with a checkpoint;
 * bad input is one line. Jobs train TINY nets on the JS cpu backend (~0.1 s a step: slow enough to be killed mid-run,
 * the same numbers on every machine).
 */

const STEPS = 120;
// --log-every 7: a graceful stop also logs the step it stopped at, which a straight run does not (see the SIGTERM test).
const JOB = [...TINY, '--seed', '3', '--steps', String(STEPS), '--checkpoint-every', '10', '--log-every', '7', '--sample-every', '1000'];

test('--grid is a cartesian product of checked dcgan train values, named by its values', () => {
  const axes = [...parseGrid('lr=1e-4,2e-4 batch-size=8,16 flip=on,off'), parseSeeds('0..2')];
  const points = gridPoints(axes);
  assert.equal(points.length, 2 * 2 * 2 * 3);
  assert.equal(points[0]!.name, 'lr=1e-4_batch-size=8_flip=on_seed=0');
  assert.deepEqual(points[0]!.args, ['--lr', '1e-4', '--batch-size', '8', '--flip', '--seed', '0']);
  assert.deepEqual(points[points.length - 1]!.args, ['--lr', '2e-4', '--batch-size', '16', '--seed', '2']);
  assert.equal(new Set(points.map((p) => p.name)).size, points.length);
  assert.deepEqual(gridPoints([]), [{ name: 'run', args: [] }]);
  assert.throws(() => parseGrid('lrr=1'), /--grid: --lrr is not a dcgan train option/);
  assert.throws(() => parseGrid('lr=-1'), /--grid: lr=-1: not a positive number/);
  assert.throws(() => parseGrid('kernel=3'), /--grid: kernel=3: Allowed choices are 4, 5/);
  assert.throws(() => parseGrid('out=a,b'), /--out is set by the queue/);
  assert.throws(() => parseGrid('lr=1e-4,1e-4'), /repeats a value/);
  assert.throws(() => parseSeeds('5..1'), /runs backwards/);
  assert.throws(() => parseSeeds('0..100000'), /more than 10000 values/);
});

test("a job's flags are read with dcgan train's declarations; unknown and queue-owned ones are refused", () => {
  assert.deepEqual(trainRequestOfArguments(['--lr', '1e-4', '--flip', '--kernel', '5', '--background', 'black'], 'job j'), {
    lr: 1e-4,
    flip: true,
    kernel: 5,
    background: [0, 0, 0],
  });
  assert.throws(() => trainRequestOfArguments(['--evil', 'x'], 'job j'), /^DcganError: job j: --evil is not a dcgan train option$/);
  assert.throws(() => trainRequestOfArguments(['--resume'], 'job j'), /job j: --resume is set by the queue/);
  assert.throws(() => trainRequestOfArguments(['lr', '1'], 'job j'), /job j: lr is not an option/);
  assert.throws(() => trainRequestOfArguments(['--lr'], 'job j'), /job j: --lr needs a value/);
});

/** Every weight file of a checkpoint (G, D and the optimiser's state), by name. */
function checkpointFiles(run: string, step: number): Map<string, Buffer> {
  const dir = path.join(run, 'checkpoints', `step-${String(step).padStart(6, '0')}`);
  const files = new Map<string, Buffer>();
  for (const sub of ['generator', 'discriminator']) {
    for (const name of readdirSync(path.join(dir, sub))) files.set(`${sub}/${name}`, readFileSync(path.join(dir, sub, name)));
  }
  const { createdAt: _, ...state } = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
  files.set('state.json', Buffer.from(JSON.stringify(state)));
  return files;
}

function latestStep(run: string): number {
  try {
    return Number(/step-(\d+)/.exec(readFileSync(path.join(run, 'checkpoints', 'latest'), 'utf8'))?.[1] ?? -1);
  } catch {
    return -1;
  }
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface RunningWorker {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>;
}

function startWorker(args: string[], cwd: string): RunningWorker {
  const child = spawn(process.execPath, [CLI, 'queue', 'worker', ...args], { cwd, env: { ...process.env, DEBUG: '' } });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout })),
  );
  return { child, stderr: () => stderr, exited };
}

const skip = redisUnavailable() ?? false;

test("a resumed job keeps its run's backend and precision, and its native thread count where that is fewer than given", () => {
  const native = { backend: 'native', precision: 'fp32', threads: 2 };
  // auto stays what the first worker picked; the job's own flags win.
  assert.deepEqual(resumeSettings(native, {}, 2).request, { backend: 'native', precision: 'fp32' });
  assert.deepEqual(resumeSettings(native, { backend: 'cpu', precision: 'bf16' }, 2).request, { backend: 'cpu', precision: 'bf16' });
  assert.deepEqual(resumeSettings({}, {}, 2), { request: { backend: undefined, precision: undefined }, threads: null, threadsLine: null });
  // Threads: lowered to the run's count (exact), never raised above what the worker gave (oversubscription).
  assert.deepEqual(resumeSettings(native, {}, 8), {
    request: { backend: 'native', precision: 'fp32' },
    threads: 2,
    threadsLine: '2 CPU threads of the 8 given, as the run last trained with (exact resume)',
  });
  assert.equal(resumeSettings({ ...native, threads: 1 }, {}, 2).threadsLine, '1 CPU thread of the 2 given, as the run last trained with (exact resume)');
  assert.equal(resumeSettings(native, {}, 2).threads, null);
  assert.equal(resumeSettings({ ...native, threads: 4 }, {}, 2).threads, null);
  assert.equal(resumeSettings({ ...native, backend: 'cpu' }, {}, 8).threads, null);
  assert.equal(resumeSettings(native, {}, null).threads, null);
});

describe('dcgan queue on a real Redis', { skip }, () => {
  let redis: TestRedis;
  let cwd: string;
  /** One straight `dcgan train` of the lr=1e-4 point, the reference every queued copy of it must equal. */
  let straight: string;

  before(async () => {
    redis = await startTestRedis();
    cwd = tempDir();
    straight = path.join(cwd, 'straight');
    const r = await dcganAsync(['train', ...JOB, '--lr', '1e-4', '--out', straight], { cwd });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await redis?.stop();
  });

  test('two workers, one killed with SIGKILL mid-job: every job finishes, the killed run equals a straight run', async () => {
    const queue = `kill-${process.pid}`;
    const common = ['--redis', redis.url, '--queue', queue];
    const submitted = dcgan(['queue', 'submit', ...common, '--runs', 'runs', '--grid', 'lr=1e-4,2e-4,3e-4', ...JOB], { cwd });
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.match(submitted.stdout, /^3 jobs queued, 0 already there$/m);
    // The same sweep again adds nothing (job ids are the run directories').
    assert.match(dcgan(['queue', 'submit', ...common, '--runs', 'runs', '--grid', 'lr=1e-4,2e-4,3e-4', ...JOB], { cwd }).stdout, /^0 jobs queued, 3 already there$/m);

    const workerArgs = [...common, '--stalled-after', '2', '--exit-when-idle', '1'];
    const workers = [startWorker(workerArgs, cwd), startWorker(workerArgs, cwd)];
    // The victim: a worker training a run that has checkpointed at step 30 or later (of 120).
    let victim: { worker: RunningWorker; id: string; run: string } | undefined;
    await waitFor('a run with a checkpoint at step 30', () => {
      for (const worker of workers) {
        const taken = [...worker.stderr().matchAll(/dcgan: (\S+): training (\S+)/g)];
        const last = taken[taken.length - 1];
        if (!last) continue;
        const [, id, run] = last;
        if (!worker.stderr().includes(`${id}: done at step`) && latestStep(run!) >= 30) {
          victim = { worker, id: id!, run: run! };
          return true;
        }
      }
      return false;
    });
    const killedAt = latestStep(victim!.run);
    assert.ok(killedAt < STEPS, `the run was at step ${killedAt} of ${STEPS} when its worker was killed`);
    victim!.worker.child.kill('SIGKILL');
    assert.equal((await victim!.worker.exited).signal, 'SIGKILL');
    const survivor = workers.find((w) => w !== victim!.worker)!;
    const ended = await survivor.exited;
    assert.equal(ended.code, 0, survivor.stderr());
    assert.match(survivor.stderr(), new RegExp(`${victim!.id}: resuming from its checkpoint at step \\d+`));

    const status = dcgan(['queue', 'status', ...common, '--json'], { cwd });
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as {
      counts: Record<string, number>;
      finished: { run: string; step: number; resumedFrom: number | null }[];
    };
    assert.equal(parsed.counts.completed, 3);
    assert.equal(parsed.counts.failed, 0);
    assert.deepEqual(parsed.finished.map((r) => path.basename(r.run)).sort(), ['lr=1e-4', 'lr=2e-4', 'lr=3e-4']);
    for (const r of parsed.finished) assert.equal(r.step, STEPS);
    const killed = parsed.finished.find((r) => r.run === victim!.run)!;
    assert.ok(killed.resumedFrom !== null && killed.resumedFrom >= killedAt, `resumed from ${killed.resumedFrom}, killed at ${killedAt}`);

    // The killed run, whichever point it was: its numbers equal that point trained straight through. The lr=1e-4
    // point is compared with the straight run trained before; the others with a straight run of their own.
    const lr = /lr=([^_/]+)$/.exec(victim!.run)![1]!;
    let reference = straight;
    if (lr !== '1e-4') {
      reference = path.join(cwd, `straight-${lr}`);
      assert.equal((await dcganAsync(['train', ...JOB, '--lr', lr, '--out', reference], { cwd })).code, 0);
    }
    assert.deepEqual(logWithoutTiming(victim!.run), logWithoutTiming(reference));
    assert.deepEqual(checkpointFiles(victim!.run, STEPS), checkpointFiles(reference, STEPS));
    // And a run no worker lost equals its straight run too (lr=1e-4 unless that was the killed one).
    if (lr !== '1e-4') assert.deepEqual(logWithoutTiming(path.join(cwd, 'runs', 'lr=1e-4')), logWithoutTiming(straight));

    const table = dcgan(['queue', 'status', ...common], { cwd });
    assert.match(table.stdout, /3 completed, 0 failed/);
    assert.match(table.stdout, /rank\s+best\s+at step\s+steps\s+run directory/);
    assert.match(table.stdout, /^\(no run evaluated: ranked by directory after the scored ones; train with --eval-every N to rank by FID\)$/m);
  });

  test('SIGTERM: the worker finishes its step, checkpoints and gives the job back; the next worker ends it exactly', async () => {
    const queue = `term-${process.pid}`;
    const common = ['--redis', redis.url, '--queue', queue];
    assert.equal(dcgan(['queue', 'submit', ...common, '--runs', 'term-runs', '--grid', 'lr=1e-4', ...JOB], { cwd }).code, 0);
    const run = path.join(cwd, 'term-runs', 'lr=1e-4');
    const worker = startWorker(common, cwd);
    await waitFor('a checkpoint at step 20', () => latestStep(run) >= 20);
    worker.child.kill('SIGTERM');
    const ended = await worker.exited;
    // Stopped by a signal: exit 143, so that a Kubernetes Job starts the pod again rather than count it done.
    assert.equal(ended.code, 143, worker.stderr());
    assert.match(ended.stdout, /worker stopped: 0 done, 0 failed, 1 given back/);
    const stoppedAt = Number(/stopped at step (\d+) with a checkpoint; back in the queue/.exec(worker.stderr())?.[1]);
    assert.ok(stoppedAt >= 20 && stoppedAt < STEPS, worker.stderr());
    assert.equal(latestStep(run), stoppedAt);
    assert.match(dcgan(['queue', 'status', ...common], { cwd }).stdout, /1 waiting/);

    const next = startWorker([...common, '--exit-when-idle', '1'], cwd);
    assert.equal((await next.exited).code, 0, next.stderr());
    // The same numbers at every step a straight run logs, and the same weights; the log also has the line of the step
    // the stop ended on (a graceful stop logs it, off the --log-every grid unless it falls on it).
    const resumed = logWithoutTiming(run) as { step: number }[];
    const extra = resumed.filter((l) => l.step % 7 !== 0 && l.step !== STEPS).map((l) => l.step);
    assert.deepEqual(extra, stoppedAt % 7 === 0 ? [] : [stoppedAt]);
    assert.deepEqual(
      resumed.filter((l) => l.step % 7 === 0 || l.step === STEPS),
      logWithoutTiming(straight),
    );
    assert.deepEqual(checkpointFiles(run, STEPS), checkpointFiles(straight, STEPS));
  });

  test('queue eval: shards generated and classified by a worker add up to the FID and IS of one dcgan eval pass', async () => {
    const queue = `eval-${process.pid}`;
    const common = ['--redis', redis.url, '--queue', queue];
    const small = ['--dataset', 'mnist', '--image-size', '16'];
    assert.equal(dcgan(['train-classifier', ...small, '--steps', '30', '--batch-size', '32', '--out', 'clf'], { cwd }).code, 0);
    const trained = dcgan(['train', ...small, '--ngf', '8', '--ndf', '8', '--nz', '8', '--batch-size', '16', '--steps', '6', '--seed', '2', '--out', 'mnist-run'], { cwd });
    assert.equal(trained.code, 0, trained.stderr);
    const worker = startWorker(common, cwd);
    // 1,000 samples in shards of 300: the last one shorter, boundaries inside the inception score's splits of 100.
    const sharded = await dcganAsync(['queue', 'eval', ...common, '--checkpoint', 'mnist-run', '--classifier', 'clf', '--n', '1000', '--shard', '300', '--json'], { cwd });
    worker.child.kill('SIGTERM');
    await worker.exited;
    assert.equal(sharded.code, 0, sharded.stderr);
    assert.match(sharded.stderr, /4 shards of up to 300 samples queued/);
    assert.equal((worker.stderr().match(/: done \(\d+ samples\)/g) ?? []).length, 4, worker.stderr());
    const r = JSON.parse(sharded.stdout.trim().split('\n').pop()!) as { fid: { value: number; floor: number }; is: { value: { mean: number; std: number } }; protocol: { shards: number } };
    const one = dcgan(['eval', '--checkpoint', 'mnist-run', '--classifier', 'clf', '--n', '1000', '--metrics', 'fid,is', '--json'], { cwd });
    assert.equal(one.code, 0, one.stderr);
    const e = JSON.parse(one.stdout.trim().split('\n').pop()!) as { fid: { value: number; floor: number }; is: { value: { mean: number; std: number } } };
    // Equal up to float rounding: the shards put samples at other places in the batches of G and the classifier.
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.abs(b);
    assert.ok(close(r.fid.value, e.fid.value), `sharded FID ${r.fid.value} vs dcgan eval ${e.fid.value}`);
    assert.ok(close(r.is.value.mean, e.is.value.mean) && close(r.is.value.std, e.is.value.std), `IS ${JSON.stringify(r.is)} vs ${JSON.stringify(e.is)}`);
    assert.equal(r.fid.floor, e.fid.floor);
    assert.ok(r.fid.value > 10 * r.fid.floor, 'six steps of training are far from the real data');

    // Asked again: every shard is done already; nothing runs (no worker is up), the same numbers come back.
    const again = dcgan(['queue', 'eval', ...common, '--checkpoint', 'mnist-run', '--classifier', 'clf', '--n', '1000', '--shard', '300', '--json'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout.trim().split('\n').pop()!).fid.value, r.fid.value);

    // No classifier: one line before anything is queued, naming the command that trains one.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const counts = new Queue(queue, { connection });
    const before = await counts.getJobCounts();
    const noClassifier = dcgan(['queue', 'eval', ...common, '--checkpoint', 'mnist-run', '--n', '1000', '--shard', '300'], { cwd, env: { DCGAN_CACHE: tempDir() } });
    assert.match(noClassifier.stderr, /^dcgan: error: no metrics classifier for mnist 16x16x1 in \S+; train one with `dcgan train-classifier --dataset mnist --image-size 16 --channels 1` or pass --classifier\n$/);
    assert.deepEqual(await counts.getJobCounts(), before, 'nothing queued');
    await counts.close();
    connection.disconnect();
  });

  test('bad input is one line: unknown grid keys and options, an unreachable Redis, a full Redis, a job with options a worker does not know', async () => {
    const queue = `bad-${process.pid}`;
    const common = ['--redis', redis.url, '--queue', queue];
    const oneLine = (r: { code: number | null; stderr: string }, pattern: RegExp) => {
      assert.equal(r.code, 1);
      assert.match(r.stderr.trim(), pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    };
    oneLine(dcgan(['queue', 'submit', ...common, '--runs', 'r', '--grid', 'lrr=1,2'], { cwd }), /^dcgan: error: --grid: --lrr is not a dcgan train option$/);
    oneLine(dcgan(['queue', 'submit', ...common, '--runs', 'r', '--foo', '3'], { cwd }), /^dcgan: error: the train options: --foo is not a dcgan train option$/);
    oneLine(dcgan(['queue', 'submit', ...common, '--runs', 'r', '--grid', 'seed=1', '--seed', '2'], { cwd }), /--seed is both swept and given/);
    // Values dcgan train checks together, not by their own parser: refused at submit, not by a worker.
    oneLine(dcgan(['queue', 'submit', ...common, '--runs', 'r', '--grid', 'image-size=16,17'], { cwd }), /^dcgan: error: point image-size=17: image size must be a power of two from 16 to 256, got 17$/);
    oneLine(dcgan(['queue', 'status', '--redis', 'redis://127.0.0.1:1'], { cwd }), /^dcgan: error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connection refused/);
    oneLine(dcgan(['queue', 'status', '--redis', 'http://127.0.0.1:1'], { cwd }), /expected a redis:\/\/ or rediss:\/\/ URL/);
    oneLine(dcgan(['queue', 'status'], { cwd, env: { DCGAN_REDIS: '' } }), /give --redis/);

    const admin = new Redis(redis.url);
    try {
      await admin.config('SET', 'maxmemory', '1');
      oneLine(dcgan(['queue', 'submit', ...common, '--runs', 'r', ...JOB], { cwd }), /^dcgan: error: cannot queue the sweep: Redis is full: .*maxmemory/);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }

    // A job written by something else than `dcgan queue submit` (or a newer one) with an option this worker lacks:
    // failed with the reason, nothing trained.
    const rogue = new Queue(queue, { connection: admin });
    await rogue.add('train', { format: 1, run: path.join(cwd, 'rogue'), args: ['--evil', 'x'] }, { jobId: 'rogue-job' });
    await rogue.add('shell', { command: 'rm -rf /' }, { jobId: 'rogue-kind' });
    await rogue.close();
    const worker = startWorker([...common, '--exit-when-idle', '1'], cwd);
    assert.equal((await worker.exited).code, 0, worker.stderr());
    assert.match(worker.stderr(), /rogue-job: failed: job rogue-job: --evil is not a dcgan train option/);
    assert.match(worker.stderr(), /rogue-kind: failed: job rogue-kind: unknown job kind "shell"/);
    assert.equal(existsSync(path.join(cwd, 'rogue')), false);
    const status = JSON.parse(dcgan(['queue', 'status', ...common, '--json'], { cwd }).stdout) as { counts: { failed: number }; failed: { run: string }[] };
    assert.equal(status.counts.failed, 2);
    // Every failure counted is listed, whatever its kind.
    assert.deepEqual(status.failed.map((f) => f.run).sort(), [path.join(cwd, 'rogue'), 'a job of unknown kind "shell"']);

    // A Redis with a password: the URL's password works, a wrong one is one line, and neither is ever printed.
    await admin.config('SET', 'requirepass', 'pa55-in-url');
    try {
      const withPassword = redis.url.replace('redis://', 'redis://:pa55-in-url@');
      const ok = dcgan(['queue', 'status', '--redis', withPassword, '--queue', queue], { cwd });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /2 failed/);
      const wrong = dcgan(['queue', 'status', '--redis', redis.url.replace('redis://', 'redis://:wrong-one@'), '--queue', queue], { cwd });
      oneLine(wrong, /^dcgan: error: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: authentication failed/);
      const worker2 = startWorker(['--redis', withPassword, '--queue', queue, '--exit-when-idle', '1'], cwd);
      assert.equal((await worker2.exited).code, 0, worker2.stderr());
      for (const out of [ok.stdout, ok.stderr, wrong.stderr, worker2.stderr()]) assert.doesNotMatch(out, /pa55-in-url|wrong-one/);
    } finally {
      await admin.config('SET', 'requirepass', '');
    }
    admin.disconnect();
  });
});
