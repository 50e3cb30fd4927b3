import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { gatherImages, indexRange } from '@dcgan-ts/core';
import sharp from 'sharp';
import { defaultClassifierDir, loadLabelledSplit, prepareFolder, resolveDatasetSource } from '../src/index.js';
import { dcgan, tempDir } from './cli.js';
import { cifarRecords, rgbPixels, tarOf } from './datasetFixtures.js';

/** A CIFAR-10 folder as extracted: two training batches (30 images, 3 a class) and a test batch (20, labels (50 + i) % 10). */
function cifarFolder(root: string): string {
  const bin = path.join(root, 'cifar-10-batches-bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, 'data_batch_1.bin'), cifarRecords(20, 1, 0));
  writeFileSync(path.join(bin, 'data_batch_2.bin'), cifarRecords(10, 1, 20));
  writeFileSync(path.join(bin, 'test_batch.bin'), cifarRecords(20, 1, 50));
  return root;
}

/** train/<class>/k.png and test/<class>/k.png, `counts[split][class]` images each. */
async function labelledFolder(root: string, counts: Record<string, Record<string, number>>): Promise<string> {
  let k = 0;
  for (const [split, classes] of Object.entries(counts)) {
    for (const [c, n] of Object.entries(classes)) {
      mkdirSync(path.join(root, split, c), { recursive: true });
      for (let i = 0; i < n; i++, k++) {
        await sharp(rgbPixels(12, 12, k), { raw: { width: 12, height: 12, channels: 3 } }).png().toFile(path.join(root, split, c, `${i}.png`));
      }
    }
  }
  return root;
}

test('resolveDatasetSource: one object per source, its defaults read once (packed header, IDX, CIFAR, folder, fake)', async () => {
  const dir = tempDir();
  const mnist = await resolveDatasetSource({});
  assert.deepEqual([mnist.name, mnist.path, mnist.channels, mnist.imageSize, mnist.splits], ['mnist', undefined, 1, undefined, ['train', 'test']]);
  const cifar = await resolveDatasetSource({ data: cifarFolder(path.join(dir, 'c10')) });
  assert.deepEqual([cifar.name, cifar.channels, cifar.splits], ['cifar10', 3, ['train', 'test']]);

  const images = await labelledFolder(path.join(dir, 'imgs'), { train: { cats: 2, dogs: 2 } });
  const out = path.join(dir, 'small.dcgan');
  await prepareFolder(path.join(images, 'train'), out, { imageSize: 8, channels: 1, background: [255, 255, 255] });
  const packed = await resolveDatasetSource({ data: out });
  assert.deepEqual([packed.name, packed.imageSize, packed.channels, packed.splits], ['packed', 8, 1, []]);
  const loaded = await packed.open({ imageSize: 8, channels: 1, seed: 0 });
  assert.deepEqual([loaded.dataset.size, Array.from(loaded.labels!), loaded.classes], [4, [0, 0, 1, 1], ['cats', 'dogs']]);
  (loaded.dataset as unknown as { close(): void }).close();
  await assert.rejects(packed.split('test', 8, 1), /small\.dcgan is one packed set, with no train and test splits/);

  const folder = await resolveDatasetSource({ data: images });
  assert.deepEqual([folder.name, folder.channels, folder.splits], ['folder', 3, []]);
  await assert.rejects(folder.split('train', 8, 3), /a folder as train\/ and test\/ subfolders, each of class folders/);
  await assert.rejects(resolveDatasetSource({ dataset: 'fake', data: images }), /--data is not used by --dataset fake/);
  await assert.rejects(resolveDatasetSource({ dataset: 'cifar100' }), /--dataset cifar100 needs --data PATH/);
  await assert.rejects((await resolveDatasetSource({ dataset: 'fake' })).split('test', 8, 3), /^DcganError: --dataset fake: generated images have no labels/);
});

test('labelled splits of CIFAR-10 (folder, batch file, .tar.gz) and CIFAR-100: the training batches and the test batch', async () => {
  const dir = cifarFolder(tempDir());
  const train = await loadLabelledSplit('cifar10', dir, 'train', 16, 3);
  const test = await loadLabelledSplit('cifar10', dir, 'test', 32, 3);
  assert.deepEqual([train.dataset.size, train.labels.length, train.classes, train.classNames?.[3]], [30, 30, 10, 'cat']);
  assert.deepEqual(Array.from(train.labels.subarray(18, 23)), [8, 9, 0, 1, 2]);
  assert.deepEqual([test.dataset.size, Array.from(test.labels.subarray(0, 3)), test.classes], [20, [0, 1, 2], 10]);
  // Test image 1 is the solid colour (51, 102, 153): the test batch's own pixels, not a training image's.
  const pixels = new Float32Array(32 * 32 * 3);
  test.dataset.fillBatch([1], pixels);
  assert.deepEqual([0, 1, 2].map((c) => Math.round((pixels[c]! + 1) * 127.5)), [51, 102, 153]);
  // A batch file stands for its folder; the archive holds both splits.
  const one = await loadLabelledSplit('cifar10', path.join(dir, 'cifar-10-batches-bin', 'data_batch_2.bin'), 'test', 32, 3);
  assert.equal(one.dataset.size, 20);
  const archive = path.join(dir, 'cifar-10-binary.tar.gz');
  writeFileSync(
    archive,
    gzipSync(
      tarOf([
        { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarRecords(4, 1) },
        { name: 'cifar-10-batches-bin/test_batch.bin', data: cifarRecords(6, 1, 7) },
        { name: 'cifar-10-batches-bin/readme.html', data: Buffer.from('<p>') },
      ]),
    ),
  );
  const fromArchive = await resolveDatasetSource({ data: archive });
  assert.equal(fromArchive.name, 'cifar10');
  const [archTrain, archTest] = [await fromArchive.split('train', 32, 3), await fromArchive.split('test', 32, 3)];
  assert.deepEqual([archTrain.dataset.size, archTest.dataset.size, Array.from(archTest.labels)], [4, 6, [7, 8, 9, 0, 1, 2]]);
  writeFileSync(archive, gzipSync(tarOf([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarRecords(4, 1) }])));
  await assert.rejects(loadLabelledSplit('cifar10', archive, 'test', 32, 3), /holds no CIFAR-10 test batch \(test_batch\.bin\)/);
  await assert.rejects(loadLabelledSplit('cifar10', dir, 'test', 32, 1), /cifar10 images are RGB; use --channels 3/);

  const c100 = path.join(dir, 'c100');
  mkdirSync(c100);
  writeFileSync(path.join(c100, 'train.bin'), cifarRecords(120, 2));
  writeFileSync(path.join(c100, 'test.bin'), cifarRecords(30, 2, 90));
  const hundred = await loadLabelledSplit('cifar100', c100, 'test', 32, 3);
  assert.deepEqual([hundred.dataset.size, hundred.classes, hundred.labels[15]], [30, 100, 5]); // fine label (90 + 15) % 100
});

test('labelled splits of a folder: train/ and test/ of class folders, test labels by class name', async () => {
  const root = await labelledFolder(tempDir(), { train: { cats: 3, dogs: 2, owls: 1 }, test: { dogs: 2, owls: 1 } });
  const source = await resolveDatasetSource({ dataset: 'folder', data: root });
  assert.deepEqual(source.splits, ['train', 'test']);
  const train = await source.split('train', 8, 3);
  const test = await source.split('test', 8, 1);
  assert.deepEqual([train.dataset.size, Array.from(train.labels), train.classes, train.classNames], [6, [0, 0, 0, 1, 1, 2], 3, ['cats', 'dogs', 'owls']]);
  // The test split has no cats: its dogs and owls keep the training split's indices.
  assert.deepEqual([test.dataset.size, Array.from(test.labels), test.classes], [3, [1, 1, 2], 3]);
  // Training reads train/ alone, with its class folders as labels; the test images stay unseen. The recorded path
  // stays the root, so that --resume and --eval-every find both splits again; prepare packs train/ too.
  const training = await source.open({ imageSize: 8, channels: 3, seed: 0 });
  assert.deepEqual([training.dataset.size, training.classes, training.path], [6, ['cats', 'dogs', 'owls'], path.resolve(root)]);
  const packed = await prepareFolder(root, path.join(tempDir(), 'split.dcgan'), { imageSize: 8, channels: 3, background: [255, 255, 255] });
  assert.deepEqual([packed.header.count, packed.header.classes], [6, ['cats', 'dogs', 'owls']]);
  // A run trained with --crop is scored against reals cut alike: the train split cut as training cut it.
  const all = indexRange(0, 6);
  const cropped = await source.split('train', 8, 3, { crop: 10 });
  const trainedOn = await source.open({ imageSize: 8, channels: 3, seed: 0, crop: 10 });
  assert.deepEqual(gatherImages(cropped.dataset, all), gatherImages(trainedOn.dataset, all));
  assert.notDeepEqual(gatherImages(cropped.dataset, all), gatherImages(train.dataset, all));

  const extra = await labelledFolder(tempDir(), { train: { cats: 1, dogs: 1 }, test: { cats: 1, frogs: 1 } });
  await assert.rejects(loadLabelledSplit('folder', extra, 'test', 8, 3), /test has the class frogs, which .*train has not/);
  const flat = tempDir();
  await labelledFolder(flat, { train: { cats: 1 }, test: { cats: 1, dogs: 1 } });
  await assert.rejects(loadLabelledSplit('folder', flat, 'train', 8, 3), /train: its images are not in class folders/);
});

test('classify, train-classifier and eval run on a CIFAR-10 folder end to end (3 channels, 16x16)', () => {
  const cwd = tempDir();
  const data = cifarFolder(path.join(cwd, 'c10'));
  const tiny = ['--image-size', '16', '--backend', 'cpu'];
  const trained = dcgan(['train', '--data', data, ...tiny, '--ngf', '4', '--ndf', '4', '--nz', '8', '--batch-size', '4', '--steps', '2', '--out', 'run'], { cwd });
  assert.equal(trained.code, 0, trained.stderr);
  // Without --data: the run's own data, where its config.json says the run read it.
  const r = dcgan(['classify', '--checkpoint', 'run', '--labels-per-class', '2', '--repeats', '1', '--backend', 'cpu', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const { protocol, rows } = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual([protocol.dataset, protocol.classes, protocol.testImages], ['cifar10', 10, 20]);
  assert.deepEqual(rows.map((row: { dims: number }) => row.dims).slice(-1), [16 * 16 * 3]); // raw pixels: RGB
  const c = dcgan(['train-classifier', '--dataset', 'cifar10', '--data', data, ...tiny, '--steps', '2', '--batch-size', '8', '--out', 'cls', '--json'], { cwd });
  assert.equal(c.code, 0, c.stderr);
  const info = JSON.parse(c.stdout.trim().split('\n').pop()!);
  assert.deepEqual([info.channels, info.classes, info.testImages], [3, 10, 20]);
  const e = dcgan(['eval', '--checkpoint', 'run', '--data', data, '--classifier', 'cls', '--n', '10', '--metrics', 'fid,nn', '--backend', 'cpu', '--json'], { cwd });
  assert.equal(e.code, 0, e.stderr);
  assert.match(JSON.parse(e.stdout.trim().split('\n').pop()!).protocol.reference, /^cifar10 test split, first 10 images/);
  const implicit = dcgan(['eval', '--checkpoint', 'run', '--classifier', 'cls', '--n', '10', '--metrics', 'fid,nn', '--backend', 'cpu', '--json'], { cwd });
  assert.equal(implicit.code, 0, implicit.stderr);
  assert.deepEqual(JSON.parse(implicit.stdout.trim().split('\n').pop()!).fid, JSON.parse(e.stdout.trim().split('\n').pop()!).fid);
  const features = dcgan(['features', '--checkpoint', 'run', '--n', '4', '--out', 'f.f32', '--backend', 'cpu'], { cwd });
  assert.equal(features.code, 0, features.stderr);
  // The run's data moved: said as where the path came from, not as a --data the user never gave.
  renameSync(data, `${data}-moved`);
  const gone = dcgan(['classify', '--checkpoint', 'run', '--labels-per-class', '2', '--repeats', '1', '--backend', 'cpu'], { cwd });
  assert.equal(gone.stderr, `dcgan: error: the run read its data from ${path.resolve(data)} (its config.json), which is no longer there; give --data PATH\n`);
});

test('the metrics classifier is cached per dataset, and for an IDX set or a folder per data path', () => {
  assert.equal(defaultClassifierDir('mnist', 32, 1, '/somewhere'), defaultClassifierDir('mnist', 32, 1));
  assert.notEqual(defaultClassifierDir('folder', 32, 3, '/photos/cats'), defaultClassifierDir('folder', 32, 3, '/photos/dogs'));
  assert.equal(defaultClassifierDir('idx', 32, 1, 'data/../data/set'), defaultClassifierDir('idx', 32, 1, 'data/set'));
});
