import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decodePng } from '../src/index.js';
import { TINY, dcgan, tempDir } from './cli.js';

const cwd = tempDir();
const mnistTiny = TINY.map((o) => (o === 'fake' ? 'mnist' : o));
assert.equal(dcgan(['train', ...mnistTiny, '--channels', '1', '--steps', '2', '--seed', '1', '--out', 'run'], { cwd }).code, 0);
const run = (args: string[]) => dcgan([...args, '--checkpoint', 'run', '--backend', 'cpu'], { cwd });

/** Pixels of tile (row, col) of a composeRows picture of 16x16 tiles with 2-pixel padding. */
function tile(png: ReturnType<typeof decodePng>, row: number, col: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) out.push(png.data[(2 + row * 18 + y) * png.width + 2 + col * 18 + x]!);
  return out;
}

test('visualize: real images, then one guided-backprop row per filter', () => {
  const r = run(['visualize', '--layer', '2', '--filters', '0,3', '--n', '5', '--out', 'vis.png']);
  assert.equal(r.code, 0, r.stderr);
  const png = decodePng(readFileSync(path.join(cwd, 'vis.png')));
  assert.deepEqual([png.width, png.height], [5 * 18 + 2, 3 * 18 + 2]);
  assert.ok(new Set(tile(png, 0, 0)).size > 10, 'row 0 shows a digit');
  assert.ok(new Set(tile(png, 1, 0)).size > 3, 'the guided-backprop map is not flat');
  assert.notDeepEqual(tile(png, 1, 0), tile(png, 2, 0), 'two filters see different things');
  assert.match(run(['visualize', '--layer', '3', '--filters', '0']).stderr, /--layer must be a D block from 1 to 2, got 3/);
  assert.match(run(['visualize', '--layer', '1', '--filters', '4']).stderr, /--filters must list indices from 0 to 3, got 4/);
});

test('ablate: originals above, the same samples with maps zeroed below', () => {
  const r = run(['ablate', '--layer', '1', '--maps', '0,1,2,3,4,5,6', '--n', '4', '--out', 'abl.png']);
  assert.equal(r.code, 0, r.stderr);
  const png = decodePng(readFileSync(path.join(cwd, 'abl.png')));
  assert.deepEqual([png.width, png.height], [4 * 18 + 2, 2 * 18 + 2]);
  assert.notDeepEqual(tile(png, 0, 0), tile(png, 1, 0));
  const none = run(['ablate', '--layer', '1', '--maps', '8', '--n', '4']);
  assert.match(none.stderr, /--maps must list indices from 0 to 7, got 8/);
});

test('features: (n, dims) float32 with a JSON description and labels', () => {
  const r = run(['features', '--split', 'test', '--n', '30', '--out', 'f.f32']);
  assert.equal(r.code, 0, r.stderr);
  const description = JSON.parse(readFileSync(path.join(cwd, 'f.json'), 'utf8'));
  assert.deepEqual([description.count, description.dims, description.labels.length], [30, (4 + 8) * 16, 30]);
  assert.deepEqual(description.labels.slice(0, 5), [7, 2, 1, 0, 4]); // MNIST's first test digits
  const bytes = readFileSync(path.join(cwd, 'f.f32'));
  assert.equal(bytes.byteLength, 30 * description.dims * 4);
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  assert.ok(values.some((v) => v !== 0) && values.every(Number.isFinite));
});
