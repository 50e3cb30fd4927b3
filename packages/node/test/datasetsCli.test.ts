import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodePng } from '../src/index.js';
import { type CliResult, dcgan, tempDir } from './cli.js';
import { cifarRecords, idxImages, makeIdxFolder, makeImageFolder, tarOf } from './datasetFixtures.js';

/** TINY of cli.ts without its --dataset: the source is what each test is about. */
const SMALL = ['--image-size', '16', '--ngf', '4', '--ndf', '4', '--nz', '8', '--batch-size', '4', '--backend', 'cpu'];

function assertOneLineError(r: CliResult, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `stderr has ${lines.length} lines:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

function config(cwd: string, run: string): { dataset: string; datasetSize: number; data: Record<string, unknown>; config: { channels: number; imageSize: number } } {
  return JSON.parse(readFileSync(path.join(cwd, run, 'config.json'), 'utf8'));
}

function logWithoutTiming(file: string): object[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => {
    const { imgPerSec: _, ...rest } = JSON.parse(l) as Record<string, number>;
    return rest;
  });
}

test('dcgan train runs 2 steps on each source: idx, fashion-mnist, cifar10 archive, cifar100, folder, packed, auto-detected', async () => {
  const cwd = tempDir();
  makeIdxFolder(path.join(cwd, 'idx'), 12);
  makeIdxFolder(path.join(cwd, 'fashion'), 8, { gz: false });
  writeFileSync(path.join(cwd, 'cifar-10-binary.tar.gz'), gzipSync(tarOf([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarRecords(9, 1) }])));
  mkdirSync(path.join(cwd, 'c100'));
  writeFileSync(path.join(cwd, 'c100', 'train.bin'), cifarRecords(10, 2));
  const { good } = await makeImageFolder(path.join(cwd, 'imgs'), { bad: true });

  const cases: [string[], string, number, number][] = [
    [['--dataset', 'idx', '--data', 'idx'], 'idx', 12, 1],
    [['--dataset', 'fashion-mnist', '--data', 'fashion', '--channels', '3'], 'fashion-mnist', 8, 3],
    [['--dataset', 'cifar10', '--data', 'cifar-10-binary.tar.gz'], 'cifar10', 9, 3],
    [['--data', 'c100'], 'cifar100', 10, 3],
    [['--dataset', 'folder', '--data', 'imgs', '--flip', '--crop', '20', '--background', 'black'], 'folder', good, 3],
    [['--data', 'idx'], 'idx', 12, 1],
  ];
  for (const [i, [args, dataset, size, channels]] of cases.entries()) {
    const r = dcgan(['train', ...SMALL, ...args, '--steps', '2', '--seed', '3', '--out', `run${i}`], { cwd });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    if (dataset === 'folder') {
      assert.match(r.stderr, /warning: skipped 2 file\(s\)[\s\S]*truncated\.jpg/);
      assert.match(r.stderr, /warning: 1 image\(s\) smaller than the target size were upscaled[\s\S]*tiny\.png: 8x8/);
    }
    const c = config(cwd, `run${i}`);
    assert.equal(c.dataset, dataset);
    assert.equal(c.datasetSize, size);
    assert.equal(c.config.channels, channels);
    assert.ok(readFileSync(path.join(cwd, `run${i}`, 'checkpoints', 'latest'), 'utf8').includes('step-000002'));
  }
  // The folder run recorded what it read and what it skipped, and said so on stderr.
  const folder = config(cwd, 'run4').data;
  assert.equal(folder.path, path.join(cwd, 'imgs'));
  assert.deepEqual([folder.flip, folder.crop, folder.background, folder.classes], [true, 20, [0, 0, 0], 2]);
  assert.equal((folder.skipped as { count: number }).count, 2);

  const p = dcgan(['prepare', '--data', 'imgs', '--image-size', '16', '--out', 'imgs.dcgan', '--json'], { cwd });
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stderr, /skipped 2 file\(s\)[\s\S]*truncated\.jpg/);
  assert.equal(JSON.parse(p.stdout.trim().split('\n').pop()!).count, good);
  const r = dcgan(['train', ...SMALL, '--data', 'imgs.dcgan', '--steps', '2', '--out', 'packed'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(config(cwd, 'packed').dataset, 'packed');
  assert.equal(config(cwd, 'packed').datasetSize, good);
  // The files the pack skipped are its own: --strict refuses them, as it does the folder's.
  const strict = dcgan(['train', ...SMALL, '--data', 'imgs.dcgan', '--strict', '--steps', '2', '--out', 'strict'], { cwd });
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /^dcgan: error: --strict: imgs\.dcgan was packed without 2 file\(s\) that are not readable images \(imgs\/cats\/truncated\.jpg: .+\); fix or remove them and pack again\n$/);
});

test('folder with --flip: stopped and resumed (without --data) logs exactly what a straight run logs', async () => {
  const cwd = tempDir();
  await makeImageFolder(path.join(cwd, 'imgs')); // 8 images: 2 steps an epoch; stopped at 3, mid-way through epoch 2
  const args = [...SMALL, '--data', 'imgs', '--flip', '--seed', '5', '--log-every', '1', '--checkpoint-every', '3'];
  assert.equal(dcgan(['train', ...args, '--steps', '4', '--out', 'straight'], { cwd }).code, 0);
  assert.equal(dcgan(['train', ...args, '--steps', '3', '--out', 'resumed'], { cwd }).code, 0);
  const r = dcgan(['train', '--resume', '--out', 'resumed', '--steps', '4', '--backend', 'cpu'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(logWithoutTiming(path.join(cwd, 'resumed', 'log.jsonl')), logWithoutTiming(path.join(cwd, 'straight', 'log.jsonl')));
  assertOneLineError(
    dcgan(['train', '--resume', '--out', 'resumed', '--steps', '5', '--crop', '10', '--backend', 'cpu'], { cwd }),
    /--resume: resumed was trained with --crop "unset", not 10/,
  );
  // The folder gained an image: the data order of the run would not continue.
  writeFileSync(path.join(cwd, 'imgs', 'cats', 'extra.png'), readFileSync(path.join(cwd, 'imgs', 'cats', 'rgba-0.png')));
  assertOneLineError(
    dcgan(['train', '--resume', '--out', 'resumed', '--steps', '5', '--backend', 'cpu'], { cwd }),
    /--resume: .*imgs now gives 9 images; the run was trained on 8/,
  );
});

test('dcgan data preview writes the batch as a grid and reports shape, range and labels', async () => {
  const cwd = tempDir();
  makeIdxFolder(path.join(cwd, 'idx'), 12);
  const r = dcgan(['data', 'preview', '--data', 'idx', '--n', '9', '--image-size', '16', '--out', 'grid.png', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual(result.shape, [9, 16, 16, 1]);
  assert.ok(result.min >= -1 && result.max <= 1 && result.max > result.min);
  assert.deepEqual(result.labels, result.indices.map((i: number) => i % 10));
  const grid = decodePng(readFileSync(path.join(cwd, 'grid.png')));
  assert.deepEqual([grid.width, grid.height, grid.channels], [3 * 18 + 2, 3 * 18 + 2, 1]);
});

/** The bad-data cases end to end, one of each kind (datasets.test.ts checks the rest through the library). */
test('bad data: one clear line and a non-zero exit for each', async () => {
  const cwd = tempDir();
  const env = { DCGAN_CACHE: path.join(cwd, 'empty-cache') };
  const run = (args: string[]) => dcgan(['train', ...SMALL, '--steps', '1', ...args], { cwd, env });
  mkdirSync(path.join(cwd, 'short'));
  writeFileSync(path.join(cwd, 'short', 'train-images-idx3-ubyte'), idxImages(5).subarray(0, 200));
  mkdirSync(path.join(cwd, 'cifar'));
  writeFileSync(path.join(cwd, 'cifar', 'data_batch_1.bin'), cifarRecords(2, 1).subarray(0, 4000));
  mkdirSync(path.join(cwd, 'empty'));
  const { dir } = await makeImageFolder(path.join(cwd, 'imgs'), { bad: true });
  const tiny = path.join(cwd, 'tiny');
  await makeImageFolder(tiny);
  writeFileSync(path.join(tiny, 'cats', 'small.png'), readFileSync(path.join(dir, 'dogs', 'nested', 'tiny.png')));
  writeFileSync(path.join(cwd, 'cut.dcgan'), 'DCGANPK1' + '\0'.repeat(100));

  assertOneLineError(run(['--dataset', 'idx']), /--dataset idx needs --data PATH/);
  assertOneLineError(run(['--dataset', 'idx', '--data', 'short']), /train-images-idx3-ubyte is truncated or padded: 200 bytes/);
  assertOneLineError(run(['--dataset', 'cifar10', '--data', 'cifar']), /data_batch_1\.bin is truncated or not a cifar10 file/);
  assertOneLineError(run(['--dataset', 'cifar10']), /cifar10 is not in the download cache .*dcgan download cifar10/);
  assertOneLineError(run(['--dataset', 'cifar10', '--data', 'cifar', '--channels', '1']), /cifar10 images are RGB; use --channels 3/);
  assertOneLineError(run(['--dataset', 'folder', '--data', 'empty']), /empty: the folder holds no files/);
  assertOneLineError(run(['--data', 'imgs', '--strict']), /--strict: .*imgs\/cats\/truncated\.jpg: .*premature end of JPEG/);
  assertOneLineError(run(['--data', 'tiny', '--strict']), /--strict: .*small\.png: 8x8 is smaller than 16x16, and would be upscaled/);
  assertOneLineError(run(['--data', 'cut.dcgan']), /cut\.dcgan is truncated \(no end marker\)/);
  assertOneLineError(run(['--data', 'imgs', '--background', 'mauve']), /--background.*not a colour/);
  assertOneLineError(run(['--data', 'nowhere']), /--data nowhere: no such file or folder/);
});
