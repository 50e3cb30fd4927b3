import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { TINY, dcgan, tempDir, type CliResult } from './cli.js';

/** The CLI error contract: non-zero exit, exactly one line on stderr, no stack trace. */
function assertOneLineError(r: CliResult, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `stderr has ${lines.length} lines:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

/** A finished tiny run in a fresh directory. */
function tinyRun(): { cwd: string; run: string } {
  const cwd = tempDir();
  const r = dcgan(['train', ...TINY, '--steps', '2', '--seed', '1', '--out', 'run'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  return { cwd, run: path.join(cwd, 'run') };
}

test('bad options: unknown option, unknown dataset, size not a power of two, bad numbers', () => {
  assertOneLineError(dcgan(['train', '--learning-rate', '1']), /unknown option '--learning-rate'/);
  assertOneLineError(dcgan(['train', '--dataset', 'imagenet']), /argument 'imagenet' is invalid.*mnist, fashion-mnist, .*folder, packed, fake/);
  assertOneLineError(dcgan(['train', '--image-size', '48', '--dry-run']), /power of two from 16 to 256, got 48/);
  assertOneLineError(dcgan(['train', '--image-size', '512', '--dry-run']), /power of two from 16 to 256, got 512/);
  assertOneLineError(dcgan(['train', '--channels', '2', '--dry-run']), /option '--channels <n>' argument '2' is invalid\. Allowed choices are 1, 3\./);
  assertOneLineError(dcgan(['train', '--kernel', '7', '--dry-run']), /option '--kernel <n>' argument '7' is invalid\. Allowed choices are 4, 5\./);
  assertOneLineError(dcgan(['train', '--batch-size', 'lots']), /--batch-size.*not an integer/);
  assertOneLineError(dcgan(['train', '--steps', '3', '--epochs', '1', '--dry-run']), /--steps or --epochs, not both/);
  assertOneLineError(dcgan(['nonsense']), /unknown command 'nonsense'/);
  // The parser's errors take the CLI's form, its suggestion on the same line.
  assertOneLineError(dcgan(['smaple']), /^dcgan: error: unknown command 'smaple' \(Did you mean sample\?\)$/);
  assertOneLineError(dcgan(['train', '--stpes', '10']), /^dcgan: error: unknown option '--stpes' \(Did you mean --steps\?\)$/);
  assertOneLineError(dcgan(['sweep', '--checkpoint', 'x', '--dim', 'abc']), /^dcgan: error: option '--dim <d>' argument 'abc' is invalid\. give a dimension index/);
  assertOneLineError(dcgan(['ablate', '--checkpoint', 'x', '--layer', '1', '--maps', '1,abc']), /'abc' is not an index \(a whole number from 0\)/);
  assertOneLineError(dcgan(['sample']), /required option '--checkpoint <path>'/);
});

test('bench: a PyTorch mode or size it does not have is one line, before anything is timed', () => {
  assertOneLineError(dcgan(['bench', '--torch-modes', 'default,bf32']), /--torch-modes <list>.*'bf32' is not one of default, channels_last, bf16/);
  assertOneLineError(dcgan(['bench', '--torch-modes', 'default,']), /--torch-modes <list>.*an empty mode is not one of/);
  assertOneLineError(dcgan(['bench', '--sizes', '48']), /--sizes: the benchmark runs 32 and 64, not 48/);
});

test('an --out whose extension promises another format than the PNG written is one line, before any work', () => {
  assertOneLineError(dcgan(['sample', '--checkpoint', 'nowhere', '--out', 'x.jpg']), /^dcgan: error: --out x\.jpg: give a \.png file$/);
  assertOneLineError(dcgan(['sample', '--checkpoint', 'nowhere', '--spatial', '2', '--out', 's.webp']), /--out s\.webp: give a \.png file/);
  assertOneLineError(dcgan(['visualize', '--checkpoint', 'nowhere', '--layer', '1', '--filters', '0', '--out', 'v.jpg']), /--out v\.jpg: give a \.png file/);
  assertOneLineError(dcgan(['ablate', '--checkpoint', 'nowhere', '--layer', '1', '--maps', '0', '--out', 'a.gif']), /--out a\.gif: give a \.png file/);
  assertOneLineError(dcgan(['report', '--run', 'nowhere', '--out', 'r.jpg']), /--out r\.jpg: give a \.png file/);
  assertOneLineError(dcgan(['data', 'preview', '--dataset', 'fake', '--out', 'p.jpg']), /--out p\.jpg: give a \.png file/);
});

test('missing and corrupt checkpoints', () => {
  const { cwd, run } = tinyRun();
  assertOneLineError(dcgan(['sample', '--checkpoint', 'nowhere', '--backend', 'cpu'], { cwd }), /no checkpoint at nowhere/);
  mkdirSync(path.join(cwd, 'empty'));
  assertOneLineError(dcgan(['sample', '--checkpoint', 'empty', '--backend', 'cpu'], { cwd }), /no checkpoint in empty/);
  writeFileSync(path.join(cwd, 'bad.zip'), 'not a zip\n');
  assertOneLineError(dcgan(['export', '--checkpoint', 'bad.zip', '--format', 'tfjs', '--out', 'x'], { cwd }), /^dcgan: error: bad\.zip is not a checkpoint: a file that is no checkpoint archive \(\.zip/);

  const step = path.join(run, 'checkpoints', 'step-000002');
  const weights = path.join(step, 'generator', 'weights.bin');
  const original = readFileSync(weights);
  truncateSync(weights, 100);
  assertOneLineError(dcgan(['sample', '--checkpoint', 'run', '--backend', 'cpu'], { cwd }), /weights\.bin holds 100 bytes.*truncated or corrupt/);
  writeFileSync(weights, original);

  const state = path.join(step, 'state.json');
  const stateText = readFileSync(state, 'utf8');
  writeFileSync(state, stateText.slice(0, 50));
  assertOneLineError(dcgan(['sample', '--checkpoint', 'run', '--backend', 'cpu'], { cwd }), /state\.json: not valid JSON/);
  // A state.json that describes another network than the files hold.
  writeFileSync(state, stateText.replace('"imageSize": 16', '"imageSize": 32'));
  assertOneLineError(dcgan(['sample', '--checkpoint', 'run', '--backend', 'cpu'], { cwd }), /does not match its state\.json \(32x32x3/);
  writeFileSync(state, stateText);
  assert.equal(dcgan(['sample', '--checkpoint', 'run', '--n', '1', '--backend', 'cpu'], { cwd }).code, 0);
});

test('resume: no checkpoint, or options that contradict the run', () => {
  const { cwd } = tinyRun();
  mkdirSync(path.join(cwd, 'fresh'));
  assertOneLineError(dcgan(['train', '--resume', '--out', 'fresh', '--backend', 'cpu'], { cwd }), /--resume: no checkpoint in fresh/);
  assertOneLineError(
    dcgan(['train', '--resume', '--out', 'run', '--image-size', '32', '--backend', 'cpu'], { cwd }),
    /--resume: run was trained with --image-size 16, not 32/,
  );
  assertOneLineError(
    dcgan(['train', '--resume', '--out', 'run', '--channels', '1', '--backend', 'cpu'], { cwd }),
    /--channels 3, not 1/,
  );
  assertOneLineError(dcgan(['train', '--resume', '--backend', 'cpu'], { cwd }), /no run to resume in runs\//);
  // Fewer steps than the run has trained: nothing to train, said before anything is loaded.
  assertOneLineError(
    dcgan(['train', '--resume', '--out', 'run', '--steps', '1', '--backend', 'cpu'], { cwd }),
    /^dcgan: error: --resume: the checkpoint is at step 2 already, past --steps 1; give more steps to train on, or sample its checkpoints$/,
  );
  assertOneLineError(
    dcgan(['train', '--resume', '--out', 'run', '--epochs', '0.0001', '--backend', 'cpu'], { cwd }),
    /^dcgan: error: --resume: the checkpoint is at step 2 already, past --epochs 0\.0001 \(1 step\); give more steps/,
  );
  assert.equal(dcgan(['train', '--resume', '--out', 'run', '--steps', '2', '--backend', 'cpu'], { cwd }).code, 0, 'the same step: nothing left, no error');
});

test('an existing run is never overwritten, and an unwritable --out is one line', () => {
  const { cwd, run } = tinyRun();
  const config = readFileSync(path.join(run, 'config.json'), 'utf8');
  assertOneLineError(dcgan(['train', ...TINY, '--steps', '2', '--out', 'run'], { cwd }), /run already holds a run; pass --resume/);
  assert.equal(readFileSync(path.join(run, 'config.json'), 'utf8'), config);
  writeFileSync(path.join(cwd, 'a-file'), 'x');
  assertOneLineError(
    dcgan(['train', ...TINY, '--steps', '2', '--out', 'a-file/run'], { cwd }),
    /cannot write the run directory a-file\/run: a part of the path is a file/,
  );
  assertOneLineError(
    dcgan(['sample', '--checkpoint', 'run', '--out', 'a-file/g.png', '--backend', 'cpu'], { cwd }),
    /cannot write a-file\/g\.png/,
  );
});
