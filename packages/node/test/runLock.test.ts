import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RUN_LOCK, RunLock } from '../src/run/runLock.js';
import { CLI, FIXTURES, TINY, dcgan, dcganAsync, tempDir } from './cli.js';

const HOLD = path.join(FIXTURES, 'hold-run-lock.mjs');

/** A PID that no process has: one that just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

interface HoldResult {
  ok: boolean;
  error?: string;
  notices: string[];
}

function hold(root: string, holdMs: number, startAt?: number): Promise<HoldResult> {
  return new Promise((resolve, reject) => {
    const args = [HOLD, root, String(holdMs), ...(startAt ? [String(startAt)] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('close', () => {
      try {
        resolve(JSON.parse(out) as HoldResult);
      } catch {
        reject(new Error(`hold-run-lock printed ${JSON.stringify(out)}`));
      }
    });
  });
}

function writeLock(root: string, holder: object, ageMs = 0): void {
  mkdirSync(root, { recursive: true });
  const file = path.join(root, RUN_LOCK);
  writeFileSync(file, JSON.stringify(holder) + '\n');
  const t = new Date(Date.now() - ageMs);
  utimesSync(file, t, t);
}

function stepsOf(runDir: string): number[] {
  return readFileSync(path.join(runDir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
}

test('a second writer is refused with its holder named; released, the lock is free again', async () => {
  const root = path.join(tempDir(), 'run');
  const lock = await RunLock.acquire(root, { command: 'dcgan train' });
  const second = await hold(root, 0);
  assert.equal(second.ok, false);
  assert.match(second.error!, new RegExp(`run is being written by PID ${process.pid} on ${hostname()} \\(dcgan train, since \\d{4}-`));
  await lock.assertHeld();
  await lock.release();
  const third = await hold(root, 0);
  assert.equal(third.ok, true);
  assert.deepEqual(third.notices, []);
  assert.ok(!existsSync(root), 'released: no lock, no temporary file, not even the directory it made is left');
});

test('a lock that failed to be used leaves no empty run directory behind', async () => {
  const root = path.join(tempDir(), 'never-written');
  const lock = await RunLock.acquire(root, { command: 'dcgan train' });
  await lock.release();
  assert.ok(!existsSync(root));
});

test('the lock of a dead process on this host is taken over and says whose; of racing takers exactly one wins', async () => {
  const root = path.join(tempDir(), 'run');
  const pid = deadPid();
  writeLock(root, { pid, host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'dcgan train', token: 'dead' });
  const startAt = Date.now() + 400; // all four start together, after their processes have loaded
  const results = await Promise.all([0, 1, 2, 3].map(() => hold(root, 1500, startAt)));
  const winners = results.filter((r) => r.ok);
  assert.equal(winners.length, 1, JSON.stringify(results));
  assert.match(winners[0]!.notices.join('\n'), new RegExp(`took over the lock of .*run from PID ${pid} on .*: PID ${pid} is no longer running`));
  for (const r of results.filter((x) => !x.ok)) assert.match(r.error!, /is being written by PID \d+ .*hold-run-lock test/);
});

test("another host's lock holds while its lease is renewed and is taken over once it is not", async () => {
  const root = path.join(tempDir(), 'run');
  const foreign = { pid: 1, host: 'elsewhere.example', since: '2026-01-01T00:00:00.000Z', command: 'dcgan train', token: 'far' };
  writeLock(root, foreign, 5_000); // renewed 5 s ago: alive (lease 60 s)
  await assert.rejects(RunLock.acquire(root, { command: 't' }), /being written by PID 1 on elsewhere\.example/);
  await assert.rejects(RunLock.refuseIfHeld(root), /being written by PID 1 on elsewhere\.example/);
  writeLock(root, foreign, 120_000);
  const notices: string[] = [];
  const lock = await RunLock.acquire(root, { command: 't', onTakeover: (l) => notices.push(l) });
  assert.match(notices[0]!, /from PID 1 on elsewhere\.example .*its lease was last renewed 12\d s ago/);
  await lock.release();
});

test('a holder renews its lease, and one whose lock was taken over stops writing', async () => {
  const root = path.join(tempDir(), 'run');
  const lock = await RunLock.acquire(root, { command: 't', renewMs: 50 });
  const file = path.join(root, RUN_LOCK);
  const t = new Date(Date.now() - 120_000);
  utimesSync(file, t, t);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(Date.now() - (await import('node:fs')).statSync(file).mtimeMs < 10_000, 'the lease was renewed');
  writeLock(root, { pid: 1, host: 'elsewhere.example', since: 'x', command: 'dcgan train --resume', token: 'other' });
  await assert.rejects(lock.assertHeld(), /lost the lock of .*run: it was taken over by PID 1 on elsewhere\.example \(dcgan train --resume/);
  await lock.release();
  assert.ok(existsSync(file), "release leaves the new holder's lock alone");
});

test('dcgan train --resume while the run is training is refused with one line; the run ends with its log intact', async () => {
  const cwd = tempDir();
  const args = ['train', ...TINY, '--steps', '200', '--log-every', '10', '--checkpoint-every', '50', '--seed', '3', '--out', 'run'];
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, DEBUG: '' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  // Wait for the first log line: the first process is training.
  const log = path.join(cwd, 'run', 'log.jsonl');
  while (!existsSync(log)) await new Promise((r) => setTimeout(r, 50));
  const second = await dcganAsync(['train', '--resume', '--out', 'run', '--backend', 'cpu'], { cwd });
  const fresh = await dcganAsync(['train', ...TINY, '--steps', '5', '--out', 'run'], { cwd });
  const code = await done;
  assert.equal(code, 0, stderr);
  for (const refused of [second, fresh]) {
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`^dcgan: error: run is being written by PID ${child.pid} on ${hostname()} \\(dcgan train, since .*\\); one writer per run directory`));
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  }
  assert.deepEqual(stepsOf(path.join(cwd, 'run')), Array.from({ length: 20 }, (_, i) => 10 * (i + 1)));
  assert.ok(!existsSync(path.join(cwd, 'run', RUN_LOCK)), 'the finished run released its lock');
});

test('two fresh dcgan train on one directory at once: exactly one trains', async () => {
  const cwd = tempDir();
  const args = ['train', ...TINY, '--steps', '30', '--log-every', '5', '--seed', '4', '--out', 'run'];
  const [a, b] = await Promise.all([dcganAsync(args, { cwd }), dcganAsync(args, { cwd })]);
  const ok = [a, b].filter((r) => r.code === 0);
  assert.equal(ok.length, 1, `${a.stderr}\n${b.stderr}`);
  const loser = a.code === 0 ? b : a;
  assert.match(loser.stderr.trim(), /^dcgan: error: run (is being written by PID \d+|already holds a run)/);
  assert.deepEqual(stepsOf(path.join(cwd, 'run')), [5, 10, 15, 20, 25, 30]);
});

test('two dcgan train without --out at once each get their own numbered run directory', async () => {
  const cwd = tempDir();
  const args = ['train', ...TINY, '--steps', '4', '--log-every', '2'];
  const results = await Promise.all([dcganAsync(args, { cwd }), dcganAsync(args, { cwd })]);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(path.join(cwd, 'runs')).sort(), ['00000-fake16', '00001-fake16']);
  for (const dir of ['00000-fake16', '00001-fake16']) assert.deepEqual(stepsOf(path.join(cwd, 'runs', dir)), [2, 4]);
});

/** Log lines written so far (0 without a log). */
function logLines(runDir: string): number {
  const file = path.join(runDir, 'log.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0;
}

test('SIGKILL at random moments of training, --resume after each: lock taken over, leftovers removed, the run ends as a straight one', async () => {
  const cwd = tempDir();
  const run = path.join(cwd, 'killed');
  const common = [...TINY, '--log-every', '1', '--checkpoint-every', '3', '--sample-every', '2', '--seed', '5'];
  assert.equal(dcgan(['train', ...common, '--steps', '60', '--out', 'straight'], { cwd }).code, 0);
  let s = 12345; // random moments, reproducible: a seeded linear congruential sequence
  const next = (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % n);
  const runs: { hadLock: boolean; stderr: string; code: number | null }[] = [];
  const start = (resume: boolean) => {
    const args = resume ? ['train', '--resume', '--out', 'killed', '--backend', 'cpu'] : ['train', ...common, '--steps', '60', '--out', 'killed'];
    const hadLock = existsSync(path.join(run, RUN_LOCK));
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, DEBUG: '' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const closed = new Promise<void>((resolve) => child.on('close', (code) => (runs.push({ hadLock, stderr, code }), resolve())));
    return { child, closed };
  };
  let resume = false;
  for (let kill = 0; kill < 4; kill++) {
    const { child, closed } = start(resume);
    // Killed while it trains and holds the lock: after 1-8 more log lines and 0-40 ms more, mid-step or mid-write.
    const target = logLines(run) + 1 + next(8);
    while (logLines(run) < target && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, next(40)));
    child.kill('SIGKILL');
    await closed;
    resume = existsSync(path.join(run, 'checkpoints', 'latest'));
    if (!resume) spawnSync('rm', ['-rf', run]); // killed before its first checkpoint: nothing to resume, start again
  }
  await start(resume).closed;
  assert.equal(runs.at(-1)!.code, 0, runs.at(-1)!.stderr);
  // A process that started on a directory whose killed holder left its lock took it over, and said so.
  for (const r of runs.filter((x) => x.hadLock)) {
    assert.match(r.stderr, /took over the lock of killed from PID \d+ on .*: PID \d+ is no longer running/, r.stderr);
  }
  assert.ok(runs.filter((x) => x.hadLock).length >= 2, 'the kills landed while the lock was held');
  const leftovers = (dir: string) => readdirSync(path.join(run, dir)).filter((n) => n.startsWith('.'));
  assert.deepEqual([...leftovers('.'), ...leftovers('samples'), ...leftovers('checkpoints')], []);
  assert.ok(!existsSync(path.join(run, RUN_LOCK)));
  const strip = (dir: string) =>
    readFileSync(path.join(cwd, dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => {
      const { imgPerSec: _, ...rest } = JSON.parse(l) as Record<string, number>;
      return rest;
    });
  assert.deepEqual(strip('killed'), strip('straight'));
  const weights = (dir: string) => readFileSync(path.join(cwd, dir, 'checkpoints', 'step-000060', 'generator', 'weights.bin'));
  assert.ok(weights('killed').equals(weights('straight')), 'exact resume through the kills');
});
