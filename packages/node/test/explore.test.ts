import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { GifReader } from 'omggif';
import { decodePng } from '../src/index.js';
import { TINY, dcgan, tempDir } from './cli.js';

/** One tiny trained run shared by the tests below (nz 8, 16x16x3). */
const cwd = tempDir();
const trained = dcgan(['train', ...TINY, '--steps', '2', '--seed', '3', '--out', 'run'], { cwd });
assert.equal(trained.code, 0, trained.stderr);
const run = (args: string[]) => dcgan([...args, '--checkpoint', 'run', '--backend', 'cpu'], { cwd });

function gifFrames(file: string): { frames: number; width: number; height: number } {
  const reader = new GifReader(readFileSync(path.join(cwd, file)));
  return { frames: reader.numFrames(), width: reader.width, height: reader.height };
}

test('interpolate: a PNG with one row per segment, a GIF with one frame per step', () => {
  let r = run(['interpolate', '--seeds', '1,2,3', '--steps', '4', '--out', 'walk.png']);
  assert.equal(r.code, 0, r.stderr);
  const png = decodePng(readFileSync(path.join(cwd, 'walk.png')));
  assert.deepEqual([png.width, png.height], [5 * 18 + 2, 2 * 18 + 2]); // rows of steps + 1 frames, 2 segments
  r = run(['interpolate', '--seeds', '1,2,3', '--steps', '4', '--out', 'walk.gif', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).frames, 9);
  assert.deepEqual(gifFrames('walk.gif'), { frames: 9, width: 16, height: 16 });
});

test('arithmetic: Figure 7 layout, and z files as exemplars', () => {
  writeFileSync(path.join(cwd, 'z.json'), JSON.stringify({ z: [0, 1, 0, -1, 0, 1, 0, -1] }));
  const r = run(['arithmetic', '--a', '1,2,3', '--b', '4,z.json,6', '--c', '7,8,9', '--out', 'arith.png', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const png = decodePng(readFileSync(path.join(cwd, 'arith.png')));
  // 3 exemplars, gap, average, gap, 3x3 block: 7 columns of 18 px + 2 + two gaps of 8 px; 3 rows.
  assert.deepEqual([png.width, png.height], [7 * 18 + 2 + 2 * 8, 3 * 18 + 2]);
  assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).z.length, 8);
  const bad = run(['arithmetic', '--a', '1', '--b', 'missing.json', '--c', '2']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--b: "missing.json" is neither a seed nor a readable z file/);
  writeFileSync(path.join(cwd, 'short.json'), JSON.stringify({ z: [1, 2] }));
  assert.match(run(['arithmetic', '--a', 'short.json', '--b', '1', '--c', '2']).stderr, /holds a z of 2 values; this model's nz is 8/);
});

test('sweep: rows of dimensions in a PNG, all dimensions per frame in a GIF', () => {
  let r = run(['sweep', '--seed', '5', '--dim', '3', '--steps', '7', '--out', 'one.png']);
  assert.equal(r.code, 0, r.stderr);
  const one = decodePng(readFileSync(path.join(cwd, 'one.png')));
  assert.deepEqual([one.width, one.height], [7 * 18 + 2, 18 + 2]);
  r = run(['sweep', '--dim', 'all', '--steps', '5', '--out', 'all.gif']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(gifFrames('all.gif'), { frames: 5, width: 3 * 18 + 2, height: 3 * 18 + 2 }); // 8 dims in a 3x3 grid
  assert.match(run(['sweep', '--dim', '8']).stderr, /--dim must be all or a dimension from 0 to 7, got 8/);
});

test('sample --spatial: one large image from a KxK map of z', () => {
  const r = run(['sample', '--spatial', '3', '--out', 'wide.png']);
  assert.equal(r.code, 0, r.stderr);
  const wide = decodePng(readFileSync(path.join(cwd, 'wide.png')));
  assert.deepEqual([wide.width, wide.height, wide.channels], [((3 + 3) * 16) / 4, ((3 + 3) * 16) / 4, 3]);
});
