import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { encodePng } from '../src/index.js';
import { TINY, dcgan, tempDir } from './cli.js';

const cwd = tempDir();
assert.equal(dcgan(['train', ...TINY, '--steps', '2', '--seed', '1', '--out', 'run'], { cwd }).code, 0);
const run = (args: string[]) => dcgan(['probe', '--checkpoint', 'run', '--backend', 'cpu', ...args], { cwd });

/** A 16x16 gray mask PNG, white inside the box [x0, x1) x [y0, y1). */
function maskPng(box: [number, number, number, number] | null, size = 16): Buffer {
  const data = new Uint8Array(size * size);
  if (box) for (let y = box[1]; y < box[3]; y++) for (let x = box[0]; x < box[2]; x++) data[y * size + x] = 255;
  return encodePng({ width: size, height: size, channels: 1, data });
}

/** Seed i's box: a different corner for each seed, so that position alone does not explain it. */
const boxOf = (i: number): [number, number, number, number] => [(i % 2) * 8, (Math.floor(i / 2) % 2) * 8, (i % 2) * 8 + 8, (Math.floor(i / 2) % 2) * 8 + 8];
const seeds = [0, 1, 2, 3, 4, 5, 6, 7];

test('probe: masks named as dcgan sample --separate names the images, the ranking, the ablate command line', () => {
  assert.equal(dcgan(['sample', '--checkpoint', 'run', '--n', '8', '--separate', 'samples', '--backend', 'cpu'], { cwd }).code, 0);
  const names = readdirSync(path.join(cwd, 'samples')).sort();
  mkdirSync(path.join(cwd, 'masks'));
  names.forEach((name, i) => writeFileSync(path.join(cwd, 'masks', name), maskPng(boxOf(i))));
  const r = run(['--layer', '2', '--masks', 'masks', '--top', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual(result.protocol.seeds, seeds);
  assert.equal(result.protocol.resolution, 8);
  assert.equal(result.protocol.positions, 8 * 64);
  assert.equal(result.protocol.insidePositions, 8 * 16); // an 8x8 box is 4x4 positions at 8x8
  assert.equal(result.ranking.length, result.protocol.maps);
  const weights = result.ranking.map((m: { weight: number }) => m.weight);
  assert.deepEqual(weights, [...weights].sort((a: number, b: number) => b - a));
  assert.ok(result.drop.length >= 1 && result.drop.length <= 3);
  assert.deepEqual(result.drop, result.ranking.slice(0, result.drop.length).map((m: { map: number }) => m.map));
  assert.ok(result.auc >= 0.5 && result.auc <= 1 && result.accuracy > 0 && result.accuracy <= 1);
  assert.match(r.stdout, /drop them: dcgan ablate --checkpoint run --layer 2 --maps [\d,]+\n/);
  // The suggested command runs as printed.
  const ablate = result.ablate.split(' ').slice(1);
  assert.equal(dcgan([...ablate, '--backend', 'cpu', '--out', 'abl.png'], { cwd }).code, 0);

  // The same boxes as JSON give the same fit; --seeds picks a subset.
  writeFileSync(path.join(cwd, 'boxes.json'), JSON.stringify(Object.fromEntries(seeds.map((s, i) => [String(s), [boxOf(i)]]))));
  const fromJson = JSON.parse(run(['--layer', '2', '--masks', 'boxes.json', '--top', '3', '--json']).stdout.trim().split('\n').pop()!);
  assert.deepEqual(fromJson.ranking, result.ranking);
  const subset = JSON.parse(run(['--layer', '1', '--masks', 'boxes.json', '--seeds', '0,3,5', '--json']).stdout.trim().split('\n').pop()!);
  assert.deepEqual(subset.protocol.seeds, [0, 3, 5]);
  assert.equal(subset.protocol.resolution, 4);
});

test('probe: bad inputs are one line on stderr and a non-zero exit', () => {
  const fails = (args: string[], pattern: RegExp) => {
    const r = run(args);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  };
  fails(['--layer', '2', '--masks', 'nowhere'], /^dcgan: error: --masks nowhere: no such file or folder\n$/);
  mkdirSync(path.join(cwd, 'empty'));
  fails(['--layer', '2', '--masks', 'empty'], /empty has no masks named seed-NNNNNN\.png/);
  mkdirSync(path.join(cwd, 'big'));
  writeFileSync(path.join(cwd, 'big', 'seed-000000.png'), maskPng([0, 0, 4, 4], 32));
  fails(['--layer', '2', '--masks', 'big'], /seed-000000\.png is 32x32; masks must be the size of G's images, 16x16/);
  mkdirSync(path.join(cwd, 'black'));
  for (const s of [0, 1]) writeFileSync(path.join(cwd, 'black', `seed-00000${s}.png`), maskPng(null));
  fails(['--layer', '2', '--masks', 'black'], /no position of block 2 \(8x8\) is inside a box/);
  writeFileSync(path.join(cwd, 'one.json'), JSON.stringify({ 0: [[0, 0, 8, 8]] }));
  fails(['--layer', '3', '--masks', 'one.json'], /--layer must be a G block from 1 to 2, got 3/);
  fails(['--layer', '2', '--masks', 'one.json', '--seeds', '0,9'], /no mask for seed 9 in one\.json/);
  writeFileSync(path.join(cwd, 'badbox.json'), JSON.stringify({ 0: [[0, 0, 20, 8]] }));
  fails(['--layer', '2', '--masks', 'badbox.json'], /seed 0: box \[0,0,20,8\] must be \[x0, y0, x1, y1\] with 0 <= x0 < x1 <= 16/);
  writeFileSync(path.join(cwd, 'broken.json'), '{"0": [');
  fails(['--layer', '2', '--masks', 'broken.json'], /broken\.json: not valid JSON/);
  // The parser quotes the file, line break and all: still one line.
  writeFileSync(path.join(cwd, 'words.json'), 'nonsense\n');
  fails(['--layer', '2', '--masks', 'words.json'], /^dcgan: error: words\.json: not valid JSON \(.*nonsense.*\)\n$/);
});
