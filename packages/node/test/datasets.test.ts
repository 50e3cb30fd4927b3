import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { FlipDataset } from '@dcgan-ts/core';
import {
  type PackedDataset,
  decodeImage,
  detectDataset,
  loadCifar,
  loadIdx,
  listImageFiles,
  openDataset,
  prepareFolder,
  readPackedHeader,
  readTar,
} from '../src/index.js';
import { cifarRecords, idxImages, idxLabels, makeIdxFolder, makeImageFolder, rgbPixels, tarOf } from './datasetFixtures.js';
import { tempDir } from './cli.js';

const WHITE: [number, number, number] = [255, 255, 255];

/** Pixel (x, y) of an (S, S, C) batch entry b in [-1, 1], back in 0..255. */
function byteAt(batch: Float32Array, s: number, c: number, b: number, x: number, y: number, ch = 0): number {
  return Math.round((batch[((b * s + y) * s + x) * c + ch]! + 1) * 127.5);
}

test('idx: a folder of standard names, gzipped or plain, with labels; a file given directly', async () => {
  const dir = tempDir();
  makeIdxFolder(path.join(dir, 'gz'), 12);
  makeIdxFolder(path.join(dir, 'plain'), 12, { gz: false });
  for (const sub of ['gz', 'plain']) {
    const loaded = await loadIdx(path.join(dir, sub), 'idx', 16, 3);
    assert.equal(loaded.dataset.size, 12);
    assert.deepEqual(Array.from(loaded.labels!), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const batch = new Float32Array(2 * 16 * 16 * 3);
    loaded.dataset.fillBatch([0, 5], batch);
    // Image i is filled with (37 i) mod 256, repeated into RGB and upscaled from 8x8.
    assert.equal(byteAt(batch, 16, 3, 0, 7, 7, 2), 0);
    assert.equal(byteAt(batch, 16, 3, 1, 3, 9, 1), 185);
  }
  const single = await loadIdx(path.join(dir, 'plain', 'train-images-idx3-ubyte'), 'idx', 16, 1);
  assert.equal(single.labels?.length, 12);

  // EMNIST stores images transposed: a 16x16 image whose first row is white comes out with a white first column.
  const emnist = idxImages(1, 16, 16);
  emnist.fill(0, 16);
  emnist.fill(255, 16, 32);
  writeFileSync(path.join(dir, 'emnist-letters-train-images-idx3-ubyte'), emnist);
  const upright = await loadIdx(path.join(dir, 'emnist-letters-train-images-idx3-ubyte'), 'idx', 16, 1);
  const img = new Float32Array(16 * 16);
  upright.dataset.fillBatch([0], img);
  assert.deepEqual([byteAt(img, 16, 1, 0, 0, 5), byteAt(img, 16, 1, 0, 5, 0)], [255, 0]);
});

test('idx: truncated, wrong magic, corrupt gzip, label count mismatch, several sets: one clear error each', async () => {
  const dir = tempDir();
  const write = (name: string, bytes: Buffer) => {
    const sub = path.join(dir, name);
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'train-images-idx3-ubyte'), bytes);
    return sub;
  };
  await assert.rejects(loadIdx(write('short', idxImages(4).subarray(0, 100)), 'idx', 16, 1), /truncated or padded: 100 bytes, its header says 272/);
  await assert.rejects(loadIdx(write('magic', idxLabels(4)), 'idx', 16, 1), /not an IDX image file \(wrong magic number\)/);
  const gz = path.join(dir, 'gz');
  mkdirSync(gz);
  writeFileSync(path.join(gz, 'train-images-idx3-ubyte.gz'), gzipSync(idxImages(4)).subarray(0, 30));
  await assert.rejects(loadIdx(gz, 'idx', 16, 1), /truncated or corrupt gzip file/);
  const mismatch = write('labels', idxImages(4));
  writeFileSync(path.join(mismatch, 'train-labels-idx1-ubyte'), idxLabels(3));
  await assert.rejects(loadIdx(mismatch, 'idx', 16, 1), /has 3 labels for 4 images/);
  const several = write('several', idxImages(4));
  writeFileSync(path.join(several, 'emnist-letters-train-images-idx3-ubyte'), idxImages(4));
  await assert.rejects(loadIdx(several, 'idx', 16, 1), /several IDX sets/);
  await assert.rejects(loadIdx(dir, 'idx', 16, 1), /holds no IDX training images/);
});

test('cifar10 and cifar100: planar records to HWC, labels, folders and the .tar.gz archive', async () => {
  const dir = tempDir();
  const bin = path.join(dir, 'cifar-10-batches-bin');
  mkdirSync(bin);
  // Two batches of different record counts, found in the archive's subfolder, read in numeric order.
  writeFileSync(path.join(bin, 'data_batch_1.bin'), cifarRecords(3, 1, 0));
  writeFileSync(path.join(bin, 'data_batch_2.bin'), cifarRecords(2, 1, 3));
  writeFileSync(path.join(bin, 'test_batch.bin'), cifarRecords(7, 1, 50));
  const fromDir = await loadCifar('cifar10', dir, 32, 3);
  assert.equal(fromDir.dataset.size, 5);
  assert.deepEqual(Array.from(fromDir.labels!), [0, 1, 2, 3, 4]);
  assert.equal(fromDir.classes![3], 'cat');
  const batch = new Float32Array(32 * 32 * 3);
  fromDir.dataset.fillBatch([4], batch);
  assert.deepEqual([0, 1, 2].map((c) => byteAt(batch, 32, 3, 0, 31, 0, c)), [4, 8, 12]);

  const archive = path.join(dir, 'cifar-10-binary.tar.gz');
  writeFileSync(
    archive,
    gzipSync(tarOf([
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: Buffer.from('a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n') },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarRecords(3, 1) },
    ])),
  );
  const fromTar = await loadCifar('cifar10', archive, 16, 3);
  assert.equal(fromTar.dataset.size, 3);
  assert.equal(fromTar.classes![1], 'b');
  assert.equal(await detectDataset(archive), 'cifar10');

  const c100 = path.join(dir, 'c100');
  mkdirSync(c100);
  writeFileSync(path.join(c100, 'train.bin'), cifarRecords(120, 2));
  const hundred = await loadCifar('cifar100', c100, 32, 3);
  assert.equal(hundred.dataset.size, 120);
  assert.equal(hundred.labels![110], 10); // the fine label
  assert.equal(await detectDataset(c100), 'cifar100');

  writeFileSync(path.join(bin, 'data_batch_2.bin'), cifarRecords(2, 1).subarray(0, 5000));
  await assert.rejects(loadCifar('cifar10', dir, 32, 3), /data_batch_2\.bin is truncated or not a cifar10 file: 5000 bytes/);
  await assert.rejects(loadCifar('cifar10', c100, 32, 3), /holds no CIFAR-10 training batches/);
  await assert.rejects(loadCifar('cifar100', c100, 32, 1), /cifar100 images are RGB; use --channels 3/);
  writeFileSync(archive, gzipSync(tarOf([{ name: 'x/data_batch_1.bin', data: cifarRecords(3, 1) }]).subarray(0, 2000)));
  await assert.rejects(loadCifar('cifar10', archive, 32, 3), /truncated/);
});

test('decodeImage: EXIF orientation, centre crop, alpha onto the background, gray as PIL computes it', async () => {
  const dir = tempDir();
  // 40x30, left half red, right half blue; orientation 6 turns it 90 degrees clockwise: red on top.
  const w = 40;
  const h = 30;
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[(y * w + x) * 3 + (x < 20 ? 0 : 2)] = 255;
  const rotated = path.join(dir, 'r.jpg');
  await sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toFile(rotated);
  const r = await decodeImage(rotated, { imageSize: 4, channels: 3, background: WHITE });
  assert.ok(r.ok);
  assert.deepEqual([r.width, r.height], [30, 40]);
  assert.ok(r.pixels[0]! > 240 && r.pixels[2]! < 15, 'top row red'); // (0, 0)
  assert.ok(r.pixels[15 * 3]! < 15 && r.pixels[15 * 3 + 2]! > 240, 'bottom row blue'); // (3, 3)

  // --crop 10 then gray at 10x10: the centre square's top rows are red, its bottom rows blue; PIL's luma of pure red
  // is 76, of pure blue 29.
  const g = await decodeImage(rotated, { imageSize: 10, channels: 1, crop: 10, background: WHITE });
  assert.ok(g.ok);
  assert.equal(g.pixels.length, 100);
  assert.ok(Math.abs(g.pixels[0]! - 76) <= 3 && Math.abs(g.pixels[99]! - 29) <= 3, `gray ${g.pixels[0]} ${g.pixels[99]}`);

  // Fully transparent pixels take the background colour.
  const clear = path.join(dir, 'clear.png');
  await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 10, g: 200, b: 10, alpha: 0 } } }).png().toFile(clear);
  const onRed = await decodeImage(clear, { imageSize: 4, channels: 3, background: [255, 0, 0] });
  assert.ok(onRed.ok);
  assert.deepEqual(Array.from(onRed.pixels.subarray(0, 3)), [255, 0, 0]);
  assert.ok(onRed.upscaled === false);
  const big = await decodeImage(clear, { imageSize: 16, channels: 3, background: WHITE });
  assert.ok(big.ok && big.upscaled);

  // AVIF (libheif + aom in sharp's prebuilt libvips) and an animated GIF's first frame.
  const avif = path.join(dir, 'a.avif');
  await sharp(px, { raw: { width: w, height: h, channels: 3 } }).avif().toFile(avif);
  const fromAvif = await decodeImage(avif, { imageSize: 8, channels: 3, background: WHITE });
  assert.ok(fromAvif.ok && fromAvif.pixels[0]! > 200 && fromAvif.pixels[7 * 3 + 2]! > 200, 'red left, blue right');
  const frames = Buffer.concat([Buffer.alloc(8 * 8 * 3, 0), Buffer.alloc(8 * 8 * 3, 255)]); // black, then white
  const gif = path.join(dir, 'anim.gif');
  await sharp(frames, { raw: { width: 8, height: 16, channels: 3, pageHeight: 8 } }).gif().toFile(gif);
  const first = await decodeImage(gif, { imageSize: 8, channels: 1, background: WHITE });
  assert.ok(first.ok && first.pixels.every((v) => v < 10), 'the first frame, black');

  writeFileSync(path.join(dir, 'junk.jpg'), 'no');
  const junk = await decodeImage(path.join(dir, 'junk.jpg'), { imageSize: 4, channels: 3, background: WHITE });
  assert.ok(!junk.ok && /unsupported image format/.test(junk.reason) && !junk.reason.includes('\n'));
});

test('folder: every format decodes, classes from subfolders, bad files skipped and counted, --strict refuses', async () => {
  const root = tempDir();
  const { dir, good } = await makeImageFolder(path.join(root, 'imgs'), { bad: true });
  writeFileSync(path.join(dir, '.DS_Store'), 'junk the scan must not see');
  const list = await listImageFiles(dir);
  assert.deepEqual(list.classes, ['cats', 'dogs']);
  assert.equal(list.files.length, good + 2);
  assert.ok(list.files.every((f) => !f.includes('.DS_Store')));

  const loaded = await openDataset({ dataset: 'folder', data: dir, imageSize: 16, channels: 3, seed: 0 });
  assert.equal(loaded.dataset.size, good);
  assert.equal(loaded.skipped.count, 2);
  assert.match(loaded.skipped.first.join('\n'), /truncated\.jpg: .*premature end/);
  assert.match(loaded.skipped.first.join('\n'), /notes\.png: .*unsupported image format/);
  assert.equal(loaded.upscaled.count, 1);
  assert.match(loaded.upscaled.first[0]!, /tiny\.png: 8x8 is smaller than 16x16/);
  assert.deepEqual(Array.from(loaded.labels!), [0, 0, 0, 0, 1, 1, 1, 1, 1]); // cats: 4 good; dogs: 4 + tiny
  const batch = new Float32Array(good * 16 * 16 * 3);
  loaded.dataset.fillBatch(Array.from({ length: good }, (_, i) => i), batch);
  assert.ok(batch.every((v) => v >= -1 && v <= 1));

  const gray = await openDataset({ dataset: 'folder', data: dir, imageSize: 16, channels: 1, seed: 0 });
  assert.equal(gray.dataset.channels, 1);

  await assert.rejects(openDataset({ dataset: 'folder', data: dir, imageSize: 16, channels: 3, seed: 0, strict: true }), /--strict: .*(truncated\.jpg|notes\.png)/);
  const empty = path.join(root, 'empty');
  mkdirSync(empty);
  await assert.rejects(openDataset({ dataset: 'folder', data: empty, imageSize: 16, channels: 3, seed: 0 }), /holds no files/);
  const junkOnly = path.join(root, 'junk');
  mkdirSync(junkOnly);
  writeFileSync(path.join(junkOnly, 'a.jpg'), 'x');
  await assert.rejects(openDataset({ dataset: 'folder', data: junkOnly, imageSize: 16, channels: 3, seed: 0 }), /none of its 1 files is a readable image/);
});

test('prepare: the packed file reads back the same images and labels as the in-memory folder, by positioned reads', async () => {
  const root = tempDir();
  const { dir } = await makeImageFolder(path.join(root, 'imgs'), { bad: true, copies: 2 });
  const out = path.join(root, 'set.dcgan');
  const prepared = await prepareFolder(dir, out, { imageSize: 16, channels: 3, background: WHITE, pool: { workers: 2, filesPerJob: 3 } });
  const memory = await openDataset({ dataset: 'folder', data: dir, imageSize: 16, channels: 3, seed: 0 });
  assert.equal(prepared.header.count, memory.dataset.size);
  assert.equal(prepared.header.skipped.count, 2);
  assert.deepEqual(prepared.header.classes, ['cats', 'dogs']);
  assert.equal(await detectDataset(out), 'packed');

  const packed = await openDataset({ dataset: 'packed', data: out, imageSize: 16, channels: 3, seed: 0 });
  assert.deepEqual(Array.from(packed.labels!), Array.from(memory.labels!));
  const n = memory.dataset.size;
  const order = Array.from({ length: n }, (_, i) => n - 1 - i);
  const a = new Float32Array(n * 16 * 16 * 3);
  const b = new Float32Array(n * 16 * 16 * 3);
  memory.dataset.fillBatch(order, a);
  packed.dataset.fillBatch(order, b);
  assert.deepEqual(b, a);
  // Served smaller (resized per batch) and, from gray, as RGB.
  const small = await openDataset({ dataset: 'packed', data: out, imageSize: 8, channels: 3, seed: 0 });
  small.dataset.fillBatch([0, 1], new Float32Array(2 * 8 * 8 * 3));
  await assert.rejects(openDataset({ dataset: 'packed', data: out, imageSize: 16, channels: 1, seed: 0 }), /holds 3-channel images; use --channels 3/);
  await assert.rejects(openDataset({ dataset: 'packed', data: out, imageSize: 32, channels: 3, seed: 0, strict: true }), /--strict: .*16x16 images, smaller than --image-size 32/);
  (packed.dataset as PackedDataset).close();

  // A file cut short (an interrupted copy) and a file that is not packed at all.
  const bytes = readFileSync(out);
  writeFileSync(out, bytes.subarray(0, bytes.length - 100));
  assert.throws(() => readPackedHeader(out), /truncated \(no end marker\)/);
  writeFileSync(out, bytes);
  truncateSync(out, 10);
  assert.throws(() => readPackedHeader(out), /not a packed dataset file/);
});

test('flips: a function of (seed, epoch, index), about half the images, rows mirrored', () => {
  const s = 4;
  const pixels = Uint8Array.from(rgbPixels(s, s, 0).subarray(0, s * s * 3));
  const images = new Uint8Array(64 * s * s * 3);
  for (let i = 0; i < 64; i++) images.set(pixels, i * s * s * 3);
  // A tiny dataset of 64 identical gradients, served as is.
  const inner = {
    name: 'g', size: 64, imageSize: s, channels: 3,
    fillBatch(indices: ArrayLike<number>, out: Float32Array) {
      for (let b = 0; b < indices.length; b++) for (let k = 0; k < s * s * 3; k++) out[b * s * s * 3 + k] = images[k]! / 127.5 - 1;
    },
  };
  const flips = new FlipDataset(inner, 7);
  const again = new FlipDataset(inner, 7);
  let epoch = 0;
  flips.followEpochs(() => epoch);
  const all = Array.from({ length: 64 }, (_, i) => i);
  const mask = (d: FlipDataset, e: number) => all.map((i) => d.flipped(i, e));
  assert.deepEqual(mask(flips, 0), mask(again, 0));
  assert.notDeepEqual(mask(flips, 0), mask(flips, 1));
  const count = mask(flips, 0).filter(Boolean).length;
  assert.ok(count > 16 && count < 48, `${count} of 64 flipped`);
  epoch = 1;
  const batch = new Float32Array(64 * s * s * 3);
  flips.fillBatch(all, batch);
  for (const i of all) {
    // The red channel rises left to right; a flipped image has it falling.
    const left = batch[i * s * s * 3]!;
    const right = batch[i * s * s * 3 + (s - 1) * 3]!;
    assert.equal(left > right, flips.flipped(i, 1));
  }
});

test('tar: regular files with their names as stored; truncated, corrupt or unended archives are one DcganError', async () => {
  const files = [
    { name: 'a/b.bin', data: Buffer.from('hello') },
    { name: 'c.txt', data: Buffer.alloc(600, 1) },
    { name: '../up/out.txt', data: Buffer.from('up') },
    { name: '/abs/name', data: Buffer.alloc(0) },
  ];
  const archive = tarOf(files);
  const entries = await readTar(archive, 't.tar');
  // Names come back as the archive spells them, for matching only: nothing is written under them.
  assert.deepEqual(entries.map((e) => [e.name, e.data.length]), files.map((f) => [f.name, f.data.length]));
  assert.equal(Buffer.from(entries[1]!.data).toString('hex'), files[1]!.data.toString('hex'));
  assert.deepEqual((await readTar(archive, 't.tar', (n) => n.endsWith('.bin'))).map((e) => e.name), ['a/b.bin']);
  const oneLine = (re: RegExp) => (e: Error) => e.name === 'DcganError' && re.test(e.message) && !e.message.includes('\n');
  await assert.rejects(readTar(archive.subarray(0, 1100), 't.tar'), oneLine(/^t\.tar is truncated/));
  await assert.rejects(readTar(archive.subarray(0, archive.length - 1024), 't.tar'), oneLine(/^t\.tar is truncated/)); // no end marker
  const badSum = Buffer.from(archive);
  badSum[0] = 'A'.charCodeAt(0); // the name changes, the stored checksum does not
  await assert.rejects(readTar(badSum, 't.tar'), oneLine(/^t\.tar is not a tar archive, or is corrupt \(Invalid tar header checksum\)/));
  const badSize = tarOf([{ name: 'x', data: Buffer.alloc(10) }]);
  badSize.write('0000000001x', 124); // not octal (and the checksum recomputed, so only the size is wrong)
  badSize.fill(' ', 148, 156);
  badSize.write(badSize.subarray(0, 512).reduce((a, b) => a + b, 0).toString(8).padStart(6, '0') + '\0 ', 148);
  await assert.rejects(readTar(badSize, 't.tar'), oneLine(/corrupt \(Invalid tar number\)/));
});
