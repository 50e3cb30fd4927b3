import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decodePng } from '../src/index.js';
import { pathToFileURL } from 'node:url';
import { CLI, FIXTURES, TINY, dcgan, tempDir } from './cli.js';

/** The test seam that kills a dcgan process halfway through a checkpoint write. */
const KILL_DURING_CHECKPOINT = pathToFileURL(path.join(FIXTURES, 'kill-during-checkpoint.mjs')).href;
import { spawn } from 'node:child_process';

function logWithoutTiming(runDir: string): object[] {
  return readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { imgPerSec, ...rest } = JSON.parse(line) as Record<string, number>;
      assert.ok(imgPerSec! > 0);
      return rest;
    });
}

test('--help of every command shows examples', () => {
  for (const args of [['--help'], ['train', '--help'], ['sample', '--help']]) {
    const r = dcgan(args);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n\s+\$ dcgan /);
  }
});

test('train --dry-run prints the resolved paper config with parameter counts and writes nothing', () => {
  const cwd = tempDir();
  const r = dcgan(['train', '--dry-run', '--seed', '7'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout);
  assert.deepEqual(plan.parameters, { generator: 1_066_880, discriminator: 661_248 });
  assert.equal(plan.dataset, 'mnist');
  assert.equal(plan.datasetSize, 60_000);
  assert.equal(plan.config.batchSize, 128);
  assert.equal(plan.config.lr, 0.0002);
  assert.equal(plan.config.beta1, 0.5);
  assert.equal(plan.config.imageSize, 32);
  assert.equal(plan.out, path.join('runs', '00000-mnist32'));
  assert.deepEqual(readdirSync(cwd), []);
});

test('train a few steps, then sample a grid and separate images from the run', () => {
  const cwd = tempDir();
  const r = dcgan(['train', ...TINY, '--steps', '3', '--log-every', '1', '--sample-every', '2', '--seed', '1'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const run = path.join(cwd, 'runs', '00000-fake16');
  const config = JSON.parse(readFileSync(path.join(run, 'config.json'), 'utf8'));
  assert.equal(config.config.seed, 1);
  assert.equal(config.backend, 'cpu');
  const log = logWithoutTiming(run);
  assert.deepEqual(log.map((e) => Object.keys(e).sort()), Array(3).fill(['dgz1', 'dgz2', 'dx', 'epoch', 'lossD', 'lossG', 'step']));
  assert.deepEqual(readdirSync(path.join(run, 'samples')), ['step-000002.png', 'step-000003.png']);
  const grid = decodePng(readFileSync(path.join(run, 'samples', 'step-000003.png')));
  assert.deepEqual([grid.width, grid.height, grid.channels], [8 * 18 + 2, 8 * 18 + 2, 3]);
  assert.equal(readFileSync(path.join(run, 'checkpoints', 'latest'), 'utf8').trim(), 'step-000003');

  const s = dcgan(['sample', '--checkpoint', run, '--n', '9', '--seed', '4', '--out', 'g.png', '--separate', 'one', '--json'], { cwd });
  assert.equal(s.code, 0, s.stderr);
  const result = JSON.parse(s.stdout.trim().split('\n').pop()!);
  assert.equal(result.step, 3);
  const sampled = decodePng(readFileSync(path.join(cwd, 'g.png')));
  assert.deepEqual([sampled.width, sampled.height], [3 * 18 + 2, 3 * 18 + 2]);
  // Three steps in, batch norm's running statistics are still near their init (mean 0, variance 1) while the
  // activations are tiny, so inference-mode samples are near-grey; they still vary with z.
  const tile = (i: number) => sampled.data.subarray((2 + 18 * i) * sampled.width * 3, (2 + 18 * i + 16) * sampled.width * 3);
  assert.ok(new Set(tile(0).filter((v) => v !== 0)).size >= 2, 'the samples vary');
  assert.deepEqual(readdirSync(path.join(cwd, 'one')).slice(0, 2), ['seed-000004.png', 'seed-000005.png']);
  const single = decodePng(readFileSync(path.join(cwd, 'one', 'seed-000005.png')));
  assert.deepEqual([single.width, single.height, single.channels], [16, 16, 3]);
  // Inference-mode batch norm: seed 5 draws the same picture alone and inside a grid (tile (0, 1) of g.png).
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      for (let c = 0; c < 3; c++) {
        const inGrid = sampled.data[((2 + y) * sampled.width + 20 + x) * 3 + c]!;
        assert.ok(Math.abs(inGrid - single.data[(y * 16 + x) * 3 + c]!) <= 1);
      }
    }
  }
});

test('a run of 20 steps resumed to 40 logs exactly what a straight run of 40 logs', () => {
  const cwd = tempDir();
  const common = [...TINY, '--log-every', '1', '--checkpoint-every', '7', '--seed', '9'];
  assert.equal(dcgan(['train', ...common, '--steps', '40', '--out', 'straight'], { cwd }).code, 0);
  assert.equal(dcgan(['train', ...common, '--steps', '20', '--out', 'split'], { cwd }).code, 0);
  const r = dcgan(['train', '--resume', '--out', 'split', '--steps', '40', '--backend', 'cpu'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const straight = logWithoutTiming(path.join(cwd, 'straight'));
  assert.equal(straight.length, 40);
  assert.deepEqual(logWithoutTiming(path.join(cwd, 'split')), straight);
});

test('kill -9 during a checkpoint write leaves the previous checkpoint loadable, and resume continues', () => {
  const cwd = tempDir();
  const args = ['train', ...TINY, '--steps', '6', '--checkpoint-every', '2', '--log-every', '1', '--seed', '2', '--out', 'run'];
  const killed = dcgan(args, { cwd, env: { KILL_AT_STEP: '4' }, nodeOptions: ['--import', KILL_DURING_CHECKPOINT] });
  assert.equal(killed.signal, 'SIGKILL');
  const checkpoints = path.join(cwd, 'run', 'checkpoints');
  assert.equal(readFileSync(path.join(checkpoints, 'latest'), 'utf8').trim(), 'step-000002');
  assert.ok(!existsSync(path.join(checkpoints, 'step-000004')), 'no half-written step-000004');
  assert.ok(readdirSync(checkpoints).some((n) => n.startsWith('.step-000004.tmp-')), 'the partial write was a temp dir');
  const s = dcgan(['sample', '--checkpoint', 'run', '--n', '4', '--backend', 'cpu'], { cwd });
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^step 2 of/);
  const resumed = dcgan(['train', '--resume', '--out', 'run', '--backend', 'cpu'], { cwd });
  assert.equal(resumed.code, 0, resumed.stderr);
  // The killed process's lock and its half-written checkpoint are cleared, each with a line saying so.
  assert.match(resumed.stderr, /dcgan: took over the lock of run from PID \d+ on .*: PID \d+ is no longer running/);
  assert.match(resumed.stderr, /dcgan: removed run\/checkpoints\/\.step-000004\.tmp-\S+, left by an interrupted write \(its writer, PID \d+, no longer holds the run\)/);
  assert.deepEqual(readdirSync(checkpoints).filter((n) => n.startsWith('.')), []);
  const log = logWithoutTiming(path.join(cwd, 'run'));
  assert.deepEqual(log.map((e) => (e as { step: number }).step), [1, 2, 3, 4, 5, 6]); // lines past step 2 were replayed, not doubled
});

test('Ctrl-C stops after the current step with a checkpoint to resume from', async () => {
  const cwd = tempDir();
  const child = spawn(process.execPath, [CLI, 'train', ...TINY, '--steps', '100000', '--log-every', '1', '--out', 'run'], { cwd });
  let stdout = '';
  let interrupted = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!interrupted && /step 3\//.test(stdout)) interrupted = child.kill('SIGINT'); // once: a second Ctrl-C quits at once
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  const stopped = Number(/stopped at step (\d+)/.exec(stdout)?.[1]);
  assert.ok(stopped >= 3 && stopped < 100000, stdout);
  assert.equal(readFileSync(path.join(cwd, 'run', 'checkpoints', 'latest'), 'utf8').trim(), `step-${String(stopped).padStart(6, '0')}`);
});
