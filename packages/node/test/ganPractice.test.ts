import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import { checkpointsToRemove, pruneCheckpoints, resolveCheckpointDir } from '../src/index.js';
import { openBestScore } from '../src/run/bestCheckpoint.js';
import { HOST_TAG } from '../src/io/leftovers.js';
import { dcgan, TINY, tempDir } from './cli.js';
import { idxImages, idxLabels } from './datasetFixtures.js';

/**
 * The GAN practice beyond the paper (issue: EMA, DiffAugment, best checkpoints, retention, truncation) as a user
 * runs it: tiny runs on the JS cpu backend, through the `dcgan` command.
 */
const PRACTICE = [...TINY, '--channels', '1', '--seed', '5', '--ema', '0.9', '--augment', 'translation,cutout,color', '--checkpoint-every', '4'];
const file = (...p: string[]) => readFileSync(path.join(...p));

/** Runs `dcgan args` in `cwd` and checks it failed with exit 1 and a stderr matching `message`. */
function assertFails(args: readonly string[], message: RegExp, cwd: string): void {
  const r = dcgan([...args], { cwd });
  assert.equal(r.code, 1, args.join(' '));
  assert.match(r.stderr, message);
}

test('--ema and --augment resume exactly: from the run directory and from an exported archive', () => {
  const cwd = tempDir();
  for (const args of [
    ['train', ...PRACTICE, '--steps', '8', '--out', 'straight'],
    ['train', ...PRACTICE, '--steps', '4', '--out', 'split'],
    ['train', '--resume', '--out', 'split', '--steps', '8', '--backend', 'cpu'],
    ['export', '--checkpoint', 'split@4', '--format', 'checkpoint', '--out', 'zip'],
    ['train', '--resume', 'zip/checkpoint-step-000004.zip', '--out', 'from-zip', '--steps', '8', '--backend', 'cpu'],
  ]) {
    const r = dcgan(args, { cwd });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  const state = JSON.parse(readFileSync(path.join(cwd, 'straight/checkpoints/step-000008/state.json'), 'utf8'));
  assert.equal(state.config.ema, 0.9);
  assert.equal(state.config.augment, 'color,translation,cutout');
  for (const run of ['split', 'from-zip']) {
    for (const f of ['generator/weights.bin', 'generator_ema/weights.bin', 'discriminator/weights.bin', 'generator/adam.bin', 'discriminator/adam.bin']) {
      assert.deepEqual(file(cwd, run, 'checkpoints/step-000008', f), file(cwd, 'straight/checkpoints/step-000008', f), `${run}: ${f}`);
    }
  }
  const zip = unzipSync(file(cwd, 'zip/checkpoint-step-000004.zip'));
  assert.ok(Object.keys(zip).some((name) => name.endsWith('generator_ema/weights.bin')), 'the archive holds the averaged G');
  assert.notDeepEqual(file(cwd, 'straight/checkpoints/step-000008/generator_ema/weights.bin'), file(cwd, 'straight/checkpoints/step-000008/generator/weights.bin'));

  // The readers take the average by default and say so; --no-ema takes G.
  const ema = dcgan(['sample', '--checkpoint', 'straight', '--n', '4', '--out', 'ema.png', '--backend', 'cpu', '--json'], { cwd });
  const raw = dcgan(['sample', '--checkpoint', 'straight', '--n', '4', '--out', 'raw.png', '--backend', 'cpu', '--no-ema', '--json'], { cwd });
  assert.equal(ema.code, 0, ema.stderr);
  assert.equal(raw.code, 0, raw.stderr);
  assert.match(ema.stdout, /^step 8 of \S+ -> ema\.png \(moving average of G's weights\)\n/);
  assert.equal(JSON.parse(ema.stdout.trim().split('\n').pop()!).ema, true);
  assert.equal(JSON.parse(raw.stdout.trim().split('\n').pop()!).ema, false);
  assert.notDeepEqual(file(cwd, 'ema.png'), file(cwd, 'raw.png'));
  const tfjs = dcgan(['export', '--checkpoint', 'straight', '--format', 'tfjs', '--out', 'web'], { cwd });
  assert.equal(tfjs.code, 0, tfjs.stderr);
  assert.deepEqual(file(cwd, 'web/weights.bin'), file(cwd, 'straight/checkpoints/step-000008/generator_ema/weights.bin'));

  // What a resume may not change.
  const cases: [string[], RegExp][] = [
    [['--ema', '0.99'], /^dcgan: error: --resume: split was trained with --ema 0\.9, not 0\.99; drop the option or start a new run\n$/],
    [['--augment', 'cutout'], /^dcgan: error: --resume: split was trained with --augment color,translation,cutout, not cutout; /],
  ];
  for (const [extra, message] of cases) {
    assertFails(['train', '--resume', '--out', 'split', '--steps', '9', '--backend', 'cpu', ...extra], message, cwd);
  }
  // The same options in another order are the same augmentation.
  const same = dcgan(['train', '--resume', '--out', 'split', '--steps', '9', '--backend', 'cpu', '--augment', 'cutout,color,translation'], { cwd });
  assert.equal(same.code, 0, same.stderr);
  const without = dcgan(['train', ...TINY, '--steps', '2', '--out', 'plain'], { cwd });
  assert.equal(without.code, 0, without.stderr);
  const added = dcgan(['train', '--resume', '--out', 'plain', '--steps', '3', '--backend', 'cpu', '--ema', '0.9'], { cwd });
  assert.match(added.stderr, /^dcgan: error: --resume: plain was trained without --ema, not --ema 0\.9; /);
});

test('--keep-checkpoints N keeps the newest N, latest, best and --keep-every; RUN@STEP names one', async () => {
  const cwd = tempDir();
  const r = dcgan(['train', ...TINY, '--steps', '9', '--checkpoint-every', '1', '--keep-checkpoints', '2', '--keep-every', '4', '--out', 'run'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(path.join(cwd, 'run/checkpoints')).sort(), ['latest', 'step-000004', 'step-000008', 'step-000009']);
  assert.match(r.stderr, /removed old checkpoint \S+step-000001 \(--keep-checkpoints 2\)/);
  assert.equal(path.basename(await resolveCheckpointDir(path.join(cwd, 'run@4'))), 'step-000004');
  const sampled = dcgan(['sample', '--checkpoint', 'run@8', '--n', '1', '--out', 'one.png', '--backend', 'cpu'], { cwd });
  assert.match(sampled.stdout, /^step 8 of /);
  const config = JSON.parse(readFileSync(path.join(cwd, 'run/config.json'), 'utf8'));
  assert.deepEqual(config.checkpoints, { keep: 2, keepEvery: 4 });
  // A resume keeps the run's policy unless told otherwise; --keep-checkpoints 0 keeps all from then on.
  const resumed = dcgan(['train', '--resume', '--out', 'run', '--steps', '11', '--checkpoint-every', '1', '--backend', 'cpu'], { cwd });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(readdirSync(path.join(cwd, 'run/checkpoints')).filter((n) => n.startsWith('step')).sort(), ['step-000004', 'step-000008', 'step-000010', 'step-000011']);
  const all = dcgan(['train', '--resume', '--out', 'run', '--steps', '13', '--checkpoint-every', '1', '--keep-checkpoints', '0', '--backend', 'cpu'], { cwd });
  assert.equal(all.code, 0, all.stderr);
  assert.equal(readdirSync(path.join(cwd, 'run/checkpoints')).filter((n) => n.startsWith('step')).length, 6);

  for (const [spec, message] of [
    ['run@99', /^dcgan: error: run has no checkpoint at step 99\n$/],
    ['run@best', /^dcgan: error: run has no best checkpoint: a run gets one when it evaluates a score to select by \(dcgan train --eval-every N, FID or --select-by\)\n$/],
    ['nowhere@best', /^dcgan: error: no run at nowhere: no such directory\n$/],
  ] as const) {
    assertFails(['sample', '--checkpoint', spec, '--backend', 'cpu'], message, cwd);
  }
});

test('retention never removes what a pointer names, and a removal cut short leaves only a leftover the next run clears', async () => {
  const cwd = tempDir();
  const checkpoints = path.join(cwd, 'checkpoints');
  for (let step = 1; step <= 6; step++) mkdirSync(path.join(checkpoints, `step-00000${step}`), { recursive: true });
  writeFileSync(path.join(checkpoints, 'latest'), 'step-000005\n');
  writeFileSync(path.join(checkpoints, 'best'), 'step-000001\n');
  assert.deepEqual(await checkpointsToRemove(checkpoints, { keep: 2, keepEvery: null }, ['step-000001']), ['step-000002', 'step-000003', 'step-000004']);
  assert.deepEqual(await checkpointsToRemove(checkpoints, { keep: 0, keepEvery: null }, []), []);
  assert.deepEqual(await pruneCheckpoints(checkpoints, { keep: 1, keepEvery: 3 }, ['latest', 'best']), ['step-000002', 'step-000004']);
  assert.deepEqual(readdirSync(checkpoints).sort(), ['best', 'latest', 'step-000001', 'step-000003', 'step-000005', 'step-000006']);

  // A kill between the rename and the delete: the checkpoint is gone from step-N, a dead writer's leftover remains.
  const run = tempDir();
  const made = dcgan(['train', ...TINY, '--steps', '2', '--checkpoint-every', '1', '--out', 'r'], { cwd: run });
  assert.equal(made.code, 0, made.stderr);
  const leftover = `.step-000001.tmp-${HOST_TAG}-999999999-0123abcd`;
  mkdirSync(path.join(run, 'r/checkpoints', leftover, 'generator'), { recursive: true });
  const resumed = dcgan(['train', '--resume', '--out', 'r', '--steps', '3', '--backend', 'cpu'], { cwd: run });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(!existsSync(path.join(run, 'r/checkpoints', leftover)), 'the leftover was cleared');
  assert.match(resumed.stderr, /removed/);
});

test('sample --truncation: resampled or scaled z, one error line for what cannot be', () => {
  const cwd = tempDir();
  assert.equal(dcgan(['train', ...TINY, '--steps', '1', '--out', 'r'], { cwd }).code, 0);
  const grids = ['none', '0.5', 'scale'].map((kind) => {
    const extra = kind === 'none' ? [] : kind === 'scale' ? ['--truncation', '0.5', '--truncation-mode', 'scale'] : ['--truncation', kind];
    const r = dcgan(['sample', '--checkpoint', 'r', '--n', '4', '--out', `${kind}.png`, '--backend', 'cpu', ...extra], { cwd });
    assert.equal(r.code, 0, r.stderr);
    return file(cwd, `${kind}.png`);
  });
  assert.notDeepEqual(grids[0], grids[1]);
  assert.notDeepEqual(grids[1], grids[2]);
  const again = dcgan(['sample', '--checkpoint', 'r', '--n', '4', '--out', 'again.png', '--backend', 'cpu', '--truncation', '0.5'], { cwd });
  assert.equal(again.code, 0);
  assert.deepEqual(file(cwd, 'again.png'), grids[1], 'a seed names one truncated z');
  for (const [args, message] of [
    [['--truncation', '2', '--truncation-mode', 'scale'], /^dcgan: error: --truncation 2 with --truncation-mode scale must be at most 1\n$/],
    [['--truncation-mode', 'scale'], /^dcgan: error: --truncation-mode needs --truncation PSI\n$/],
    [['--truncation', '0.01'], /^dcgan: error: --truncation 0\.01 is too small to resample to; use at least 0\.05\n$/],
    [['--truncation', '-1'], /error: option '--truncation <psi>' argument '-1' is invalid/],
  ] as const) {
    assertFails(['sample', '--checkpoint', 'r', '--backend', 'cpu', ...args], message, cwd);
  }
});

test('bad GAN-practice options: one line each', () => {
  const cwd = tempDir();
  for (const [args, message] of [
    [['--augment', 'zoom'], /^dcgan: error: --augment: unknown policy "zoom"; choose from color,translation,cutout\n$/],
    [['--ema', '1'], /error: option '--ema <decay>' argument '1' is invalid/],
    [['--ema', '0'], /^dcgan: error: ema must be a decay in \(0, 1\), e\.g\. 0\.999, got 0\n$/],
    [['--select-by', 'fid'], /^dcgan: error: --select-by needs --eval-every N: checkpoints are picked by their evaluations\n$/],
    [['--select-by', 'loss'], /argument 'loss' is invalid\. Allowed choices are fid, kid, is/],
    [['--keep-checkpoints', '-1'], /^dcgan: error: --keep-checkpoints must be a whole number \(0 keeps all\), got -1\n$/],
    [['--keep-every', '0'], /error: option '--keep-every <n>' argument '0' is invalid/],
  ] as const) {
    assertFails(['train', ...TINY, '--steps', '1', '--out', 'x', ...args], message, cwd);
  }
});

test('dcgan project: the command, its files and its errors (the optimisation itself: core ganPractice.test.ts)', () => {
  const cwd = tempDir();
  assert.equal(dcgan(['train', ...TINY, '--channels', '1', '--steps', '2', '--out', 'r'], { cwd }).code, 0);
  // A target G can draw exactly: its own image of seed 3, outside the projection's random starts.
  assert.equal(dcgan(['sample', '--checkpoint', 'r', '--n', '1', '--seed', '3', '--separate', 'target', '--backend', 'cpu'], { cwd }).code, 0);
  const r = dcgan(['project', '--checkpoint', 'r', '--image', 'target/seed-000003.png', '--steps', '60', '--starts', '3', '--backend', 'cpu', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.match(r.stdout, /^reconstruction RMSE [\d.]+ \(0-255\), best of 3 random starts before optimising [\d.]+ -> projection\/z\.json/);
  // A 2-step G barely depends on z: the projection can only do little better than its starts here.
  assert.ok(result.rmse <= result.startRmse, `RMSE ${result.rmse} vs ${result.startRmse} before`);
  for (const f of ['z.json', 'reconstruction.png', 'optimisation.gif']) assert.ok(existsSync(path.join(cwd, 'projection', f)), f);
  assert.equal(JSON.parse(readFileSync(path.join(cwd, 'projection/z.json'), 'utf8')).z.length, 8);
  const walk = dcgan(['interpolate', '--checkpoint', 'r', '--seeds', '3,projection/z.json', '--steps', '2', '--backend', 'cpu'], { cwd });
  assert.equal(walk.code, 0, walk.stderr);

  writeFileSync(path.join(cwd, 'not-an-image.png'), 'hello');
  for (const [args, message] of [
    [['--image', 'missing.png'], /^dcgan: error: --image missing\.png: no such file\n$/],
    [['--image', 'not-an-image.png'], /^dcgan: error: --image not-an-image\.png: /],
    [['--image', 'target/seed-000003.png', '--starts', '0'], /argument '0' is invalid/],
  ] as const) {
    assertFails(['project', '--checkpoint', 'r', '--backend', 'cpu', ...args], message, cwd);
  }
});

test('--conditional: trains on the labels, resumes exactly, draws the class asked for; what does not take it says so', () => {
  const cwd = tempDir();
  const COND = ['train', '--dataset', 'mnist', '--image-size', '16', '--ngf', '4', '--ndf', '4', '--nz', '8', '--batch-size', '4', '--backend', 'cpu', '--seed', '2', '--conditional', '--checkpoint-every', '2'];
  for (const args of [
    [...COND, '--steps', '4', '--out', 'straight'],
    [...COND, '--steps', '2', '--out', 'split'],
    ['train', '--resume', '--out', 'split', '--steps', '4', '--backend', 'cpu'],
  ]) {
    const r = dcgan(args, { cwd });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  const state = JSON.parse(readFileSync(path.join(cwd, 'straight/checkpoints/step-000004/state.json'), 'utf8'));
  assert.equal(state.config.classes, 10);
  for (const f of ['generator/weights.bin', 'discriminator/weights.bin']) {
    assert.deepEqual(file(cwd, 'split/checkpoints/step-000004', f), file(cwd, 'straight/checkpoints/step-000004', f), f);
  }
  const grid = (cls: string, out: string) => dcgan(['sample', '--checkpoint', 'straight', '--n', '4', '--class', cls, '--out', out, '--backend', 'cpu'], { cwd });
  assert.equal(grid('3', 'three.png').code, 0);
  assert.equal(grid('5', 'five.png').code, 0);
  assert.notDeepEqual(file(cwd, 'three.png'), file(cwd, 'five.png'), 'the class reaches G');
  const exported = dcgan(['export', '--checkpoint', 'straight', '--format', 'tfjs', '--out', 'tfjs'], { cwd });
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(JSON.parse(readFileSync(path.join(cwd, 'tfjs/manifest.json'), 'utf8')).classes, 10, 'the manifest says how many classes');
  for (const [args, message] of [
    [['sample', '--checkpoint', 'straight', '--class', '10'], /^dcgan: error: --class must be from 0 to 9 for this model, got 10\n$/],
    [['interpolate', '--checkpoint', 'straight'], /^dcgan: error: this model is class-conditional: pass --class K \(0 to 9\)\n$/],
    [['features', '--checkpoint', 'straight', '--out', 'f.f32'], /^dcgan: error: dcgan features does not take class-conditional models \(trained with --conditional\) yet\n$/],
    [['export', '--checkpoint', 'straight', '--format', 'ml5', '--out', 'x'], /^dcgan: error: dcgan export --format ml5 does not take class-conditional models: ml5's DCGAN feeds G z alone; use --format tfjs or onnx\n$/],
    [['train', ...TINY, '--steps', '1', '--conditional', '--out', 'fake'], /^dcgan: error: --conditional needs labelled data with at least two classes .*; fake has no labels\n$/],
  ] as const) {
    assertFails([...args, ...(args[0] === 'train' || args[0] === 'export' ? [] : ['--backend', 'cpu'])], message, cwd);
  }
  const plain = dcgan(['train', ...TINY, '--steps', '1', '--out', 'plain'], { cwd });
  assert.equal(plain.code, 0);
  const added = dcgan(['train', '--resume', '--out', 'plain', '--steps', '2', '--conditional', '--backend', 'cpu'], { cwd });
  assert.match(added.stderr, /^dcgan: error: --resume: this run is not class-conditional; --conditional starts a new run\n$/);
});

test('checkpoints/best follows the log on a resume: a kill between the best checkpoint and its pointer, a pruned best', async () => {
  const cwd = tempDir();
  const entry = (step: number, fid: number) => ({ step, epoch: step, eval: { fid }, floor: {}, evalN: 10, extractor: 'test', seconds: 0 });
  for (const step of [3, 6]) mkdirSync(path.join(cwd, `step-00000${step}`));
  writeFileSync(path.join(cwd, 'best'), 'step-000003\n');
  // Step 6 was the better one and its checkpoint was written, but the kill came before the pointer moved.
  const best = await openBestScore(cwd, 'fid', [entry(3, 50), entry(6, 40)]);
  assert.deepEqual(best.best, { step: 6, value: 40 });
  assert.equal(readFileSync(path.join(cwd, 'best'), 'utf8'), 'step-000006\n');
  // By another score the best is step 9, whose checkpoint is gone: the best of those that remain.
  const other = await openBestScore(cwd, 'fid', [entry(3, 45), entry(6, 60), entry(9, 10)]);
  assert.deepEqual(other.best, { step: 3, value: 45 });
  assert.equal(readFileSync(path.join(cwd, 'best'), 'utf8'), 'step-000003\n');
});

test('--conditional-d projection: trains, checkpoints, resumes exactly; sample, eval and project take it; bad input is one line', () => {
  const cwd = tempDir();
  const COND = ['train', '--dataset', 'mnist', '--image-size', '16', '--ngf', '8', '--ndf', '8', '--nz', '8', '--batch-size', '4', '--backend', 'cpu', '--seed', '3', '--conditional', '--log-every', '1'];
  const PROJ = [...COND, '--conditional-d', 'projection', '--checkpoint-every', '2'];
  for (const args of [
    [...PROJ, '--steps', '4', '--out', 'straight'],
    [...PROJ, '--steps', '2', '--out', 'split'],
    ['train', '--resume', '--out', 'split', '--steps', '4', '--backend', 'cpu', '--conditional-d', 'projection'],
    [...COND, '--steps', '4', '--out', 'concat'],
  ]) {
    const r = dcgan(args, { cwd });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  const config = (run: string) => JSON.parse(readFileSync(path.join(cwd, run, 'checkpoints/step-000004/state.json'), 'utf8')).config;
  assert.equal(config('straight').conditionalD, 'projection');
  assert.equal(config('concat').conditionalD, undefined, 'concat is recorded by absence, as in checkpoints before the option');
  // D reads the image alone and ends in 1 + K outputs; its weights are not concat's.
  const topology = (run: string) => JSON.parse(readFileSync(path.join(cwd, run, 'checkpoints/step-000004/discriminator/model.json'), 'utf8'));
  assert.match(JSON.stringify(topology('straight')), /"batch_input_shape":\[null,16,16,1\]/);
  assert.match(JSON.stringify(topology('concat')), /"batch_input_shape":\[null,16,16,11\]/);
  const logLines = (run: string) =>
    readFileSync(path.join(cwd, run, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const { imgPerSec: _, ...rest } = JSON.parse(line) as Record<string, number>;
        return rest;
      });
  assert.equal(logLines('straight').length, 4);
  assert.deepEqual(logLines('split'), logLines('straight'), 'the resumed run logs the straight one\'s steps');
  assert.notDeepEqual(logLines('concat'), logLines('straight'));
  for (const f of ['generator/weights.bin', 'discriminator/weights.bin', 'generator/adam.bin', 'discriminator/adam.bin']) {
    assert.deepEqual(file(cwd, 'split/checkpoints/step-000004', f), file(cwd, 'straight/checkpoints/step-000004', f), f);
  }

  const grid = (cls: string, out: string) => dcgan(['sample', '--checkpoint', 'straight', '--n', '4', '--class', cls, '--out', out, '--backend', 'cpu'], { cwd });
  assert.equal(grid('3', 'three.png').code, 0);
  assert.equal(grid('5', 'five.png').code, 0);
  assert.notDeepEqual(file(cwd, 'three.png'), file(cwd, 'five.png'), 'the class reaches G');
  // The metrics' classifier, on a small labelled IDX set (MNIST's test split on the cpu backend takes minutes).
  mkdirSync(path.join(cwd, 'idx'));
  for (const split of ['train', 't10k']) {
    writeFileSync(path.join(cwd, 'idx', `${split}-images-idx3-ubyte`), idxImages(40));
    writeFileSync(path.join(cwd, 'idx', `${split}-labels-idx1-ubyte`), idxLabels(40));
  }
  const clf = dcgan(['train-classifier', '--dataset', 'idx', '--data', 'idx', '--image-size', '16', '--steps', '2', '--batch-size', '8', '--backend', 'cpu', '--out', 'clf'], { cwd });
  assert.equal(clf.code, 0, clf.stderr);
  const ev = dcgan(['eval', '--checkpoint', 'straight', '--classifier', 'clf', '--n', '20', '--metrics', 'fid', '--backend', 'cpu', '--json'], { cwd });
  assert.equal(ev.code, 0, ev.stderr);
  const accuracy = JSON.parse(ev.stdout.trim().split('\n').pop()!).classAccuracy;
  assert.equal(accuracy.samples, 20);
  assert.equal(accuracy.perClass.length, 10);
  // project: D's block features of the image alone (a projection D takes no class maps), searching in class 3.
  assert.equal(dcgan(['sample', '--checkpoint', 'straight', '--n', '1', '--seed', '3', '--class', '3', '--separate', 'target', '--backend', 'cpu'], { cwd }).code, 0);
  const projected = dcgan(['project', '--checkpoint', 'straight', '--image', 'target/seed-000003.png', '--class', '3', '--steps', '4', '--starts', '2', '--backend', 'cpu'], { cwd });
  assert.equal(projected.code, 0, projected.stderr);

  // The wiring is fixed on --resume (absent from a checkpoint: concat), and needs --conditional.
  assert.equal(dcgan(['train', '--resume', '--out', 'concat', '--steps', '5', '--backend', 'cpu', '--conditional-d', 'concat'], { cwd }).code, 0);
  const plain = dcgan(['train', ...TINY, '--steps', '1', '--out', 'plain'], { cwd });
  assert.equal(plain.code, 0, plain.stderr);
  for (const [args, message] of [
    [['train', '--resume', '--out', 'straight', '--steps', '5', '--backend', 'cpu', '--conditional-d', 'concat'], /^dcgan: error: --resume: straight was trained with --conditional-d projection, not concat; drop the option or start a new run\n$/],
    [['train', '--resume', '--out', 'concat', '--steps', '6', '--backend', 'cpu', '--conditional-d', 'projection'], /^dcgan: error: --resume: concat was trained with --conditional-d concat, not projection; drop the option or start a new run\n$/],
    [['train', '--resume', '--out', 'plain', '--steps', '2', '--backend', 'cpu', '--conditional-d', 'projection'], /^dcgan: error: --resume: this run is not class-conditional; --conditional-d needs --conditional, which starts a new run\n$/],
    [['train', ...TINY, '--steps', '1', '--conditional-d', 'projection', '--out', 'x'], /^dcgan: error: --conditional-d needs --conditional\n$/],
    [['train', ...TINY, '--steps', '1', '--conditional', '--conditional-d', 'dot', '--out', 'x'], /error: option '--conditional-d <wiring>' argument 'dot' is invalid\. Allowed choices are concat, projection/],
    [['features', '--checkpoint', 'straight', '--out', 'f.f32', '--backend', 'cpu'], /^dcgan: error: dcgan features does not take class-conditional models \(trained with --conditional\) yet\n$/],
  ] as const) {
    assertFails(args, message, cwd);
  }
});
