import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { PNG } from 'pngjs';
import { nativeSkip } from './backends.js';
import { dcgan, tempDir } from './cli.js';

/**
 * `dcgan train --eval-every` and `dcgan report`. A tiny MNIST 16x16 run with a 30-step metrics classifier, on the
 * native backend (the classifier is ~20 s a step on the JS backend; see metrics.test.ts): a few seconds in all.
 */
const cwd = tempDir();
const RUN = ['train', '--dataset', 'mnist', '--image-size', '16', '--channels', '1', '--ngf', '8', '--ndf', '8', '--nz', '8', '--batch-size', '8', '--log-every', '1', '--seed', '3', '--backend', 'native'];
const EVAL = ['--eval-every', '3', '--eval-n', '64', '--classifier', 'clf'];
const STEP_KEYS = ['step', 'epoch', 'lossD', 'lossG', 'dx', 'dgz1', 'dgz2', 'imgPerSec'];
const SCALARS = ['fid', 'kid', 'kidStd', 'is', 'isStd', 'precision', 'recall'];

type Line = Record<string, unknown> & { step: number; eval?: Record<string, number>; floor?: Record<string, number> };
const readLog = (run: string): Line[] => readFileSync(path.join(cwd, run, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

before(() => {
  if (nativeSkip) return;
  const clf = dcgan(['train-classifier', '--dataset', 'mnist', '--image-size', '16', '--steps', '30', '--batch-size', '32', '--backend', 'native', '--out', 'clf'], { cwd });
  assert.equal(clf.code, 0, clf.stderr);
  const straight = dcgan([...RUN, ...EVAL, '--steps', '8', '--out', 'straight'], { cwd });
  assert.equal(straight.code, 0, straight.stderr);
});

test('train --eval-every 3: eval lines at steps 3, 6 and the last, after their step line, finite, in the protocol of dcgan eval', { skip: nativeSkip }, () => {
  const log = readLog('straight');
  const evals = log.filter((l) => l.eval);
  assert.deepEqual(evals.map((e) => e.step), [3, 6, 8]);
  for (const e of evals) {
    assert.deepEqual(Object.keys(e.eval!), SCALARS);
    assert.deepEqual(Object.keys(e.floor!), SCALARS);
    for (const k of SCALARS) assert.ok(Number.isFinite(e.eval![k]) && Number.isFinite(e.floor![k]), `${k} at step ${e.step}`);
    assert.equal(e.evalN, 64);
    assert.match(String(e.extractor), /small CNN \(mnist 16x16x1\)/);
    const at = log.indexOf(e);
    assert.equal(log[at - 1]!.step, e.step, 'the eval line follows the step line of its step');
    // An 8-step G draws noise: far from the real-vs-real floor.
    assert.ok(e.eval!.fid! > 5 * e.floor!.fid!, JSON.stringify(e));
  }
  // The per-step lines keep their schema: existing readers see nothing new.
  const steps = log.filter((l) => !l.eval);
  assert.deepEqual(steps.map((l) => l.step), [1, 2, 3, 4, 5, 6, 7, 8]);
  for (const l of steps) assert.deepEqual(Object.keys(l), STEP_KEYS);
  const config = JSON.parse(readFileSync(path.join(cwd, 'straight', 'config.json'), 'utf8'));
  assert.deepEqual(config.eval, { every: 3, n: 64, metrics: ['fid', 'kid', 'is', 'pr'], classifier: path.join(cwd, 'clf') });

  // Fixed latents (seeds 0..n-1), the same reference and floor: the last eval line is what dcgan eval says of the
  // final checkpoint.
  const r = dcgan(['eval', '--checkpoint', 'straight', '--classifier', 'clf', '--n', '64', '--metrics', 'fid,kid,is,pr', '--backend', 'native', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const result = lastJson(r.stdout);
  const last = evals[2]!;
  assert.deepEqual(
    [last.eval!.fid, last.eval!.kid, last.eval!.is, last.eval!.precision, last.eval!.recall, last.floor!.fid, last.floor!.is],
    [result.fid.value, result.kid.value.mean, result.is.value.mean, result.pr.value.precision, result.pr.value.recall, result.fid.floor, result.is.floor.mean],
  );
});

test('resume: eval lines past the checkpoint are dropped, --eval-every may change, the numbers equal a straight run', { skip: nativeSkip }, () => {
  assert.equal(dcgan([...RUN, ...EVAL, '--steps', '4', '--out', 'resumed'], { cwd }).code, 0);
  assert.deepEqual(readLog('resumed').filter((l) => l.eval).map((l) => l.step), [3, 4], 'every 3 steps and the last');
  // A crash after the checkpoint at step 4: the log ran ahead (a step line, an eval line, a cut line).
  const logFile = path.join(cwd, 'resumed', 'log.jsonl');
  const ahead = { step: 5, epoch: 0, eval: { fid: 1 }, floor: { fid: 1 }, evalN: 64, extractor: 'x', seconds: 0 };
  writeFileSync(logFile, readFileSync(logFile, 'utf8') + JSON.stringify({ ...readLog('resumed')[0], step: 5 }) + '\n' + JSON.stringify(ahead) + '\n{"step": 6, "ep');

  const refused = dcgan(['train', '--resume', '--out', 'resumed', '--steps', '8', '--eval-n', '32', '--backend', 'native'], { cwd });
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, "dcgan: error: --resume: this run's evaluations use --eval-n 64; its curve keeps one protocol: drop the option or start a new run\n");

  const resumed = dcgan(['train', '--resume', '--out', 'resumed', '--steps', '8', '--eval-every', '2', '--backend', 'native'], { cwd });
  assert.equal(resumed.code, 0, resumed.stderr);
  const log = readLog('resumed');
  assert.deepEqual(log.filter((l) => l.eval).map((l) => l.step), [3, 4, 6, 8], 'the fake step-5 eval is gone; every 2 steps after the resume');
  const straight = readLog('straight');
  const strip = (l: Line) => ({ ...l, imgPerSec: 0, seconds: 0 });
  assert.deepEqual(log.filter((l) => !l.eval).map(strip), straight.filter((l) => !l.eval).map(strip), 'the step lines of a straight run');
  for (const step of [3, 6, 8]) {
    const a = log.find((l) => l.eval && l.step === step)!;
    const b = straight.find((l) => l.eval && l.step === step)!;
    assert.deepEqual(strip(a), strip(b), `eval at step ${step}`);
  }
  assert.equal(JSON.parse(readFileSync(path.join(cwd, 'resumed', 'config.json'), 'utf8')).eval.every, 2);

  // --eval-every 0 turns evaluations off but keeps the protocol: a later resume still refuses another one.
  const off = dcgan(['train', '--resume', '--out', 'resumed', '--steps', '9', '--eval-every', '0', '--backend', 'native'], { cwd });
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(readLog('resumed').filter((l) => l.eval).map((l) => l.step), [3, 4, 6, 8]);
  assert.deepEqual(JSON.parse(readFileSync(path.join(cwd, 'resumed', 'config.json'), 'utf8')).eval.n, 64);
  const other = dcgan(['train', '--resume', '--out', 'resumed', '--steps', '10', '--eval-every', '1', '--eval-n', '32', '--backend', 'native'], { cwd });
  assert.equal(other.code, 1);
  assert.match(other.stderr, /this run's evaluations use --eval-n 64/);
});

test('dcgan report: a valid PNG and a summary that matches the log', { skip: nativeSkip }, () => {
  const r = dcgan(['report', '--run', 'straight', '--out', 'report.png', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const report = lastJson(r.stdout);
  const png = PNG.sync.read(readFileSync(path.join(cwd, 'report.png')));
  assert.deepEqual([png.width, png.height], [report.width, report.height]);
  assert.ok(png.width >= 1000 && png.height >= 600, `${png.width}x${png.height}`);
  // Not a blank canvas: many distinct colours (curves, text, bands).
  const colours = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) colours.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);
  assert.ok(colours.size > 50, `${colours.size} colours`);
  // Text in a real font: the heading's dark ink (not the page's light grey) in its strip at the top left, anti-aliased
  // (many grey levels between ink and page), and none in the page margin above it.
  const inkIn = (x0: number, y0: number, x1: number, y1: number) => {
    const levels = new Set<number>();
    let dark = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const g = png.data[(y * png.width + x) * 4 + 1]!;
        levels.add(g);
        if (g < 90) dark++;
      }
    }
    return { dark, levels: levels.size };
  };
  const heading = inkIn(0, 0, Math.round(png.width / 3), Math.round(png.height * 0.05));
  assert.ok(heading.dark > 500 && heading.levels > 10, JSON.stringify(heading));
  assert.equal(inkIn(0, 0, png.width, 20).dark, 0, 'the margin above the heading is blank');

  const log = readLog('straight');
  const evals = log.filter((l) => l.eval);
  assert.equal(report.evaluations, 3);
  assert.equal(report.lastStep, 8);
  assert.deepEqual(Object.keys(report.metrics), ['fid', 'kid', 'is', 'precision', 'recall']);
  assert.deepEqual(report.metrics.fid.values, evals.map((e) => [e.step, e.eval!.fid]));
  const fids = evals.map((e) => e.eval!.fid!);
  assert.equal(report.metrics.fid.best, Math.min(...fids));
  assert.equal(report.metrics.fid.bestStep, evals[fids.indexOf(Math.min(...fids))]!.step);
  assert.equal(report.metrics.fid.last, fids[2]);
  assert.equal(report.metrics.is.best, Math.max(...evals.map((e) => e.eval!.is!)));
  assert.equal(report.metrics.fid.floor, evals[2]!.floor!.fid);
  assert.deepEqual(report.last, log.filter((l) => !l.eval).pop());
  assert.match(r.stdout, /^ {2}FID +[\d.]+ @ 8 +[\d.]+ @ \d \(lower\) +[\d.]+$/m);

  // A run without eval lines still plots its losses.
  assert.equal(dcgan([...RUN, '--steps', '2', '--out', 'plain'], { cwd }).code, 0);
  const plain = dcgan(['report', '--run', 'plain', '--out', 'plain.png', '--json'], { cwd });
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(lastJson(plain.stdout).metrics, {});
  assert.match(plain.stdout, /no quality metrics recorded/);
});

test('bad inputs: no classifier, no reference split, bad metric lists, a broken or missing log: one line each', { skip: nativeSkip }, () => {
  const emptyCache = { DCGAN_CACHE: tempDir() };
  const noClf = dcgan([...RUN, '--steps', '2', '--eval-every', '1', '--out', 'noclf'], { cwd, env: emptyCache });
  assert.equal(noClf.code, 1);
  assert.match(noClf.stderr, /^dcgan: error: no metrics classifier for mnist 16x16x1 in \S+; train one with `dcgan train-classifier --dataset mnist --image-size 16 --channels 1` or pass --classifier\n$/);
  assert.equal(existsSync(path.join(cwd, 'noclf')), false, 'it fails before writing the run directory');

  const fake = dcgan(['train', '--dataset', 'fake', '--image-size', '16', '--ngf', '4', '--ndf', '4', '--nz', '8', '--batch-size', '4', '--backend', 'cpu', '--steps', '1', '--eval-every', '1', '--out', 'fake'], { cwd });
  assert.equal(fake.code, 1);
  assert.match(fake.stderr, /^dcgan: error: quality metrics need a labelled test split as their reference: --dataset fake: .*\n$/);

  const cases: [string[], RegExp][] = [
    [['--eval-every', '2', '--eval-metrics', 'fid,nn'], /^dcgan: error: --eval-metrics: nn compares samples with every training image and is for `dcgan eval` only; choose from fid, kid, is, pr, hist\n$/],
    [['--eval-every', '2', '--eval-metrics', 'fid,lpips'], /^dcgan: error: --eval-metrics: unknown metric lpips; known: fid, kid, is, pr, hist\n$/],
    [['--eval-n', '100'], /^dcgan: error: --eval-n needs --eval-every N\n$/],
    [['--eval-every', '-1'], /^dcgan: error: --eval-every must be a whole number of steps, got -1\n$/],
    [['--eval-every', '2', '--eval-n', '3'], /^dcgan: error: --eval-n must be at least 4 with pr, got 3\n$/],
    [['--eval-every', 'x'], /error: option '--eval-every <n>' argument 'x' is invalid/],
  ];
  for (const [args, message] of cases) {
    const r = dcgan([...RUN, '--steps', '1', '--dry-run', ...args], { cwd });
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  }

  const report = (run: string) => dcgan(['report', '--run', run, '--out', 'x.png'], { cwd });
  const missing = report('nowhere');
  assert.deepEqual([missing.code, missing.stderr], [1, 'dcgan: error: no run at nowhere: no such file or directory\n']);
  assert.equal(report('clf').stderr, 'dcgan: error: clf holds no log.jsonl: not a run directory, or a run that has not logged yet\n');
  const broken = path.join(cwd, 'broken');
  assert.equal(dcgan([...RUN, '--steps', '2', '--out', 'broken'], { cwd }).code, 0);
  writeFileSync(path.join(broken, 'log.jsonl'), '');
  assert.equal(report('broken').stderr, `dcgan: error: ${path.join('broken', 'log.jsonl')} is empty: the run has not logged a step yet\n`);
  writeFileSync(path.join(broken, 'log.jsonl'), '{"step": 1, "lossD": 1}\n{not json\n{"step": 2}\n');
  assert.equal(report('broken').stderr, `dcgan: error: ${path.join('broken', 'log.jsonl')} line 2 is not valid JSON\n`);
  writeFileSync(path.join(broken, 'log.jsonl'), '{"step": 1, "lossD": 1}\n[1, 2]\n');
  assert.equal(report('broken').stderr, `dcgan: error: ${path.join('broken', 'log.jsonl')} line 2 is not a log entry (no numeric "step")\n`);
  assert.equal(existsSync(path.join(cwd, 'x.png')), false, 'no PNG from a bad log');
});

test('checkpoints/best names the checkpoint of the best FID (one is written at that step); RUN@best reads it', { skip: nativeSkip }, () => {
  const evals = readLog('straight').filter((l) => l.eval);
  const best = evals.reduce((a, b) => (b.eval!.fid! < a.eval!.fid! ? b : a));
  const pointer = readFileSync(path.join(cwd, 'straight', 'checkpoints', 'best'), 'utf8');
  assert.equal(pointer, `step-${String(best.step).padStart(6, '0')}\n`);
  const config = JSON.parse(readFileSync(path.join(cwd, 'straight', 'config.json'), 'utf8'));
  assert.equal(config.selectBy, 'fid');
  const r = dcgan(['eval', '--checkpoint', 'straight@best', '--classifier', 'clf', '--n', '64', '--metrics', 'fid', '--backend', 'native', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const result = lastJson(r.stdout);
  assert.equal(result.protocol.step, best.step);
  assert.equal(result.fid.value, best.eval!.fid);

  // Metrics without FID, the default score: no best checkpoint, and the run says so (and what would keep one).
  const noFid = dcgan([...RUN, ...EVAL, '--steps', '3', '--eval-metrics', 'kid,hist', '--out', 'no-fid'], { cwd });
  assert.equal(noFid.code, 0, noFid.stderr);
  assert.match(noFid.stderr, /^dcgan: no checkpoints\/best: --eval-metrics kid,hist has no fid to select by; --select-by kid\|\S+ keeps one$/m);
  assert.equal(existsSync(path.join(cwd, 'no-fid', 'checkpoints', 'best')), false);
  const noBest = dcgan(['sample', '--checkpoint', 'no-fid@best', '--backend', 'native'], { cwd });
  assert.equal(noBest.stderr, 'dcgan: error: no-fid has no best checkpoint: a run gets one when it evaluates a score to select by (dcgan train --eval-every N, FID or --select-by)\n');
});

test('--ema: eval lines score the moving average, as dcgan eval does by default; --no-ema scores G itself', { skip: nativeSkip }, () => {
  const run = dcgan([...RUN, ...EVAL, '--steps', '6', '--ema', '0.9', '--select-by', 'kid', '--out', 'ema'], { cwd });
  assert.equal(run.code, 0, run.stderr);
  const last = readLog('ema').filter((l) => l.eval).pop()!;
  const scored = (extra: string[]) => {
    const r = dcgan(['eval', '--checkpoint', 'ema', '--classifier', 'clf', '--n', '64', '--metrics', 'fid,kid', '--backend', 'native', '--json', ...extra], { cwd });
    assert.equal(r.code, 0, r.stderr);
    return lastJson(r.stdout);
  };
  assert.equal(scored([]).fid.value, last.eval!.fid);
  assert.notEqual(scored(['--no-ema']).fid.value, last.eval!.fid);
  // The raw G of an --ema run is the G of the same run without it: the average does not feed back into training.
  const plain = dcgan([...RUN, '--steps', '6', '--out', 'plain-6'], { cwd });
  assert.equal(plain.code, 0, plain.stderr);
  const g = (run: string) => readFileSync(path.join(cwd, run, 'checkpoints', 'step-000006', 'generator', 'weights.bin'));
  assert.deepEqual(g('ema'), g('plain-6'));
});

test('--conditional: eval lines draw seed i in class i mod 10, as dcgan eval does, which adds the class accuracy', { skip: nativeSkip }, () => {
  const run = dcgan([...RUN, ...EVAL, '--steps', '4', '--conditional', '--out', 'cond'], { cwd });
  assert.equal(run.code, 0, run.stderr);
  const last = readLog('cond').filter((l) => l.eval).pop()!;
  const r = dcgan(['eval', '--checkpoint', 'cond', '--classifier', 'clf', '--n', '64', '--metrics', 'fid', '--backend', 'native', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const result = lastJson(r.stdout);
  assert.equal(result.fid.value, last.eval!.fid);
  assert.equal(result.classAccuracy.samples, 64);
  assert.equal(result.classAccuracy.perClass.length, 10);
  const mean = result.classAccuracy.perClass.reduce((a: number, b: number, k: number) => a + b * (k < 4 ? 7 : 6), 0) / 64;
  assert.ok(Math.abs(mean - result.classAccuracy.accuracy) < 1e-12, 'seeds 0..63: classes 0-3 seven times, 4-9 six');
  assert.match(r.stdout, /class accuracy: [\d.]+% of the samples classified as their requested class \(0: /);
});
