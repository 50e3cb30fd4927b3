// Every command that reads tensors back, on --backend webgpu (Dawn in Node) beside the same command on --backend
// cpu: the webgpu backend has no synchronous reads in Node (dataSync throws there), so each read on these paths must
// be async. One tiny MNIST 16x16 run, a tiny labelled IDX set (train-classifier scores on the whole test split:
// 10,000 MNIST images take minutes on SwiftShader) and a 2-step metrics classifier on it feed them all. Without a
// GPU, Dawn runs on SwiftShader (Debian's chromium package ships the driver): these tests set it up and FAIL, never skip, where Dawn
// finds no adapter at all.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Rng } from '@dcgan-ts/core';
import { decodePng } from '../src/index.js';
import { SWIFTSHADER_ICD, findWebgpuAdapter } from '../src/webgpu.js';
import { type CliResult, TINY, dcgan, tempDir } from './cli.js';

// Dawn reads the Vulkan driver list when it starts: before the first findWebgpuAdapter.
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const ENV = { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '' };

const found = await findWebgpuAdapter();
if (typeof found === 'string') {
  throw new Error(`WebGPU tests need an adapter (apt-get install -y chromium libvulkan1 gives SwiftShader): ${found}`);
}

const cwd = tempDir();
const mnistTiny = TINY.map((o) => (o === 'fake' ? 'mnist' : o));
const trained = dcgan(['train', ...mnistTiny, '--channels', '1', '--steps', '2', '--seed', '1', '--out', 'run'], { cwd });
assert.equal(trained.code, 0, trained.stderr);

/** `args` on `backend`, which must exit 0. */
function on(backend: 'webgpu' | 'cpu', args: string[]): CliResult {
  const r = dcgan([...args, '--backend', backend], { cwd, env: ENV });
  assert.equal(r.code, 0, `${args[0]} --backend ${backend}: ${r.stderr}`);
  return r;
}
const lastJson = (r: CliResult): unknown => JSON.parse(r.stdout.trim().split('\n').pop()!);

/**
 * `got` (webgpu) equals `want` (cpu) in structure and strings, and in every number to |got - want| <= tol (1 +
 * |want|): float32 kernels that sum in another order, and float64 arithmetic on their outputs.
 */
function assertClose(got: unknown, want: unknown, tol: number, at = '$'): void {
  if (typeof want === 'number' && typeof got === 'number') {
    assert.ok(Math.abs(got - want) <= tol * (1 + Math.abs(want)), `${at}: webgpu ${got} vs cpu ${want}`);
  } else if (Array.isArray(want) && Array.isArray(got)) {
    assert.equal(got.length, want.length, `${at}: length`);
    want.forEach((w, i) => assertClose(got[i], w, tol, `${at}[${i}]`));
  } else if (want !== null && typeof want === 'object' && got !== null && typeof got === 'object') {
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${at}: keys`);
    for (const [k, w] of Object.entries(want)) assertClose((got as Record<string, unknown>)[k], w, tol, `${at}.${k}`);
  } else {
    assert.deepEqual(got, want, at);
  }
}

/** The PNGs `file` (written on webgpu) and `file` on cpu: same size, each byte within 1 (a rounding either side). */
function assertSamePicture(gpuFile: string, cpuFile: string): void {
  const [g, c] = [gpuFile, cpuFile].map((f) => decodePng(readFileSync(path.join(cwd, f))));
  assert.deepEqual([g!.width, g!.height, g!.channels], [c!.width, c!.height, c!.channels]);
  let worst = 0;
  g!.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - c!.data[i]!))));
  assert.ok(worst <= 1, `${gpuFile}: a pixel differs from cpu's by ${worst}`);
}

/** A picture command on both backends, to gpu-FILE and cpu-FILE. */
function picture(args: string[], file: string): void {
  on('webgpu', [...args, '--checkpoint', 'run', '--out', `gpu-${file}`]);
  on('cpu', [...args, '--checkpoint', 'run', '--out', `cpu-${file}`]);
  assertSamePicture(`gpu-${file}`, `cpu-${file}`);
}

/** 64 training and 64 test images, 16x16 gray, labels i % 10, each class a little brighter than the last. */
function writeIdxSet(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const rng = Rng.derive(8);
  const count = 64;
  for (const split of ['train', 't10k']) {
    const images = Buffer.alloc(16 + count * 256);
    [0x803, count, 16, 16].forEach((v, i) => images.writeUInt32BE(v, 4 * i));
    const labels = Buffer.alloc(8 + count);
    [0x801, count].forEach((v, i) => labels.writeUInt32BE(v, 4 * i));
    for (let i = 0; i < count; i++) {
      labels[8 + i] = i % 10;
      for (let p = 0; p < 256; p++) images[16 + i * 256 + p] = rng.int(128) + 12 * (i % 10);
    }
    writeFileSync(path.join(dir, `${split}-images-idx3-ubyte`), images);
    writeFileSync(path.join(dir, `${split}-labels-idx1-ubyte`), labels);
  }
}
writeIdxSet(path.join(cwd, 'idx'));
const IDX = ['--dataset', 'idx', '--data', 'idx'];

// The metrics' classifier (clf, trained on webgpu, feeds the tests below), and the same on cpu.
const trainClassifier = ['train-classifier', ...IDX, '--image-size', '16', '--steps', '2', '--batch-size', '8', '--seed', '4', '--json'];
const classifiers = { gpu: lastJson(on('webgpu', [...trainClassifier, '--out', 'clf'])), cpu: lastJson(on('cpu', [...trainClassifier, '--out', 'clf-cpu'])) };

test('train-classifier on webgpu: the test accuracy of cpu', () => {
  // Two steps leave the weights within float32 round-off of cpu's: the same argmax on each of the 64 test images.
  assertClose({ ...(classifiers.gpu as object), dir: '' }, { ...(classifiers.cpu as object), dir: '' }, 1e-6);
});

test('eval on webgpu: every metric and floor of cpu', () => {
  const args = ['eval', '--checkpoint', 'run', ...IDX, '--classifier', 'clf', '--n', '48', '--nn-samples', '8', '--json'];
  assertClose(lastJson(on('webgpu', args)), lastJson(on('cpu', args)), 1e-3);
});

test('train --eval-every on webgpu: eval lines in the log', () => {
  on('webgpu', ['train', ...mnistTiny.slice(0, -2), '--channels', '1', '--steps', '2', '--seed', '1', '--eval-every', '1', '--eval-n', '32', '--classifier', 'clf', '--out', 'evalrun']);
  const log = readFileSync(path.join(cwd, 'evalrun', 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; eval?: Record<string, number> });
  const evals = log.filter((l) => l.eval);
  assert.deepEqual(evals.map((l) => l.step), [1, 2]);
  for (const l of evals) assert.ok(Object.values(l.eval!).every(Number.isFinite) && l.eval!.fid! > 0, JSON.stringify(l));
});

test('classify on webgpu: the accuracies and chosen C of cpu', () => {
  const args = ['classify', '--checkpoint', 'run', '--labels-per-class', '3', '--repeats', '1', '--test-limit', '40', '--json'];
  // Accuracies are counts of 40 test images: equal unless a borderline image flips.
  assertClose(lastJson(on('webgpu', args)), lastJson(on('cpu', args)), 1e-6);
});

test('features on webgpu: the float32 features of cpu', () => {
  on('webgpu', ['features', '--checkpoint', 'run', '--split', 'test', '--n', '12', '--out', 'gpu.f32']);
  on('cpu', ['features', '--checkpoint', 'run', '--split', 'test', '--n', '12', '--out', 'cpu.f32']);
  const read = (f: string) => {
    const bytes = readFileSync(path.join(cwd, f));
    return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
  };
  assertClose(read('gpu.f32'), read('cpu.f32'), 1e-4);
  const description = (f: string) => ({ ...JSON.parse(readFileSync(path.join(cwd, f), 'utf8')), checkpoint: '' });
  assert.deepEqual(description('gpu.json'), description('cpu.json'));
});

test('visualize and ablate on webgpu: the pictures of cpu', () => {
  picture(['visualize', '--layer', '2', '--filters', '0,3', '--n', '3'], 'vis.png');
  picture(['ablate', '--layer', '1', '--maps', '0,1,2', '--n', '3'], 'abl.png');
});

test('probe on webgpu: the fit of cpu', () => {
  // Seed i's 8x8 box in a different corner of the 16x16 image.
  const boxes = Object.fromEntries([0, 1, 2, 3].map((i) => [String(i), [[(i % 2) * 8, (i >> 1) * 8, (i % 2) * 8 + 8, (i >> 1) * 8 + 8]]]));
  writeFileSync(path.join(cwd, 'boxes.json'), JSON.stringify(boxes));
  const args = ['probe', '--checkpoint', 'run', '--layer', '2', '--masks', 'boxes.json', '--json'];
  type Report = { ranking: { map: number; weight: number }[]; drop: number[]; ablate: string };
  const [gpu, cpu] = [on('webgpu', args), on('cpu', args)].map((r) => lastJson(r) as Report);
  // Near-equal weights may swap places: compare each map's weight, then the rest of the report.
  const byMap = (r: Report) => [...r.ranking].sort((a, b) => a.map - b.map);
  assertClose(byMap(gpu!), byMap(cpu!), 1e-4);
  assertClose({ ...gpu!, ranking: [], drop: [], ablate: '' }, { ...cpu!, ranking: [], drop: [], ablate: '' }, 1e-4);
});

test('interpolate, arithmetic, sweep and sample --spatial on webgpu: the pictures of cpu', () => {
  picture(['interpolate', '--seeds', '1,2', '--steps', '3'], 'walk.png');
  picture(['arithmetic', '--a', '1', '--b', '2', '--c', '3'], 'arith.png');
  picture(['sweep', '--seed', '5', '--dim', '3', '--steps', '3'], 'sweep.png');
  picture(['sample', '--spatial', '2'], 'wide.png');
});
