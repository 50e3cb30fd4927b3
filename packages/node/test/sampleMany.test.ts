import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { HOST_TAG } from '../src/io/leftovers.js';
import { decodePng } from '../src/io/png.js';
import { CLI, TINY, dcgan, tempDir } from './cli.js';

// `dcgan sample --separate` streams any count (the standard evaluation draws 50,000) in batches of 256; a grid stays
// bounded at 10,000 tiles. The counts here cross several batch boundaries at the tiny test width.

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

const seedFile = (seed: number) => `seed-${String(seed).padStart(6, '0')}.png`;

test('sample --n past a grid streams to --separate in batches: every seed once, each the picture it draws alone', () => {
  const cwd = tempDir();
  assert.equal(dcgan(['train', ...TINY, '--steps', '2', '--out', 'run'], { cwd }).code, 0);
  const n = 700; // batches of 256, 256, 188
  const r = dcgan(['sample', '--checkpoint', 'run', '--n', String(n), '--seed', '10', '--separate', 'many', '--backend', 'cpu'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /-> 700 files/);
  const names = readdirSync(path.join(cwd, 'many')).sort();
  assert.deepEqual(names, Array.from({ length: n }, (_, i) => seedFile(10 + i)));
  // Across the batch boundary (seeds 265/266 are images 255/256): each file is the image its seed draws alone.
  for (const seed of [10, 265, 266, 709]) {
    assert.equal(dcgan(['sample', '--checkpoint', 'run', '--n', '1', '--seed', String(seed), '--separate', 'one', '--backend', 'cpu'], { cwd }).code, 0);
    const alone = decodePng(readFileSync(path.join(cwd, 'one', seedFile(seed))));
    const streamed = decodePng(readFileSync(path.join(cwd, 'many', seedFile(seed))));
    assert.deepEqual(streamed, alone, `seed ${seed}`);
  }
});

test('a grid is bounded, --separate alone is not; the refusal says how to get more', () => {
  const cwd = tempDir();
  assert.equal(dcgan(['train', ...TINY, '--steps', '1', '--out', 'run'], { cwd }).code, 0);
  for (const extra of [[], ['--out', 'g.png', '--separate', 'd']]) {
    const r = dcgan(['sample', '--checkpoint', 'run', '--n', '50000', ...extra, '--backend', 'cpu'], { cwd });
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--n must be an integer from 1 to 10000 for a grid, got 50000; for more, write one file per image with --separate DIR and no --out/);
  }
  const past = dcgan(['sample', '--checkpoint', 'run', '--n', '1000001', '--separate', 'd', '--backend', 'cpu'], { cwd });
  assert.match(past.stderr, /--n must be an integer from 1 to 1000000, got 1000001/);
  const seeds = dcgan(['sample', '--checkpoint', 'run', '--n', '2', '--seed', '4294967295', '--separate', 'd', '--backend', 'cpu'], { cwd });
  assert.match(seeds.stderr, /--seed 4294967295 with --n 2 runs past the last seed/);
});

test('sample killed while writing: the next sample into the folder removes the leftovers, says so, and completes it', async () => {
  const cwd = tempDir();
  assert.equal(dcgan(['train', ...TINY, '--steps', '1', '--out', 'run'], { cwd }).code, 0);
  const args = ['sample', '--checkpoint', 'run', '--n', '3000', '--separate', 'out', '--backend', 'cpu'];
  const dir = path.join(cwd, 'out');
  // A leftover of a writer known to be dead, so that the removal line is certain whatever moment the kill hits.
  const planted = `.${seedFile(5)}.tmp-${HOST_TAG}-${deadPid()}-0000beef`;
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const written = () => {
    try {
      return readdirSync(dir).length;
    } catch {
      return 0;
    }
  };
  while (written() < 300 && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGKILL');
  await closed;
  assert.ok(written() < 3000, 'killed before it finished');
  writeFileSync(path.join(dir, planted), 'half a png');
  // Whatever the kill left is finished files and dot-named leftovers only: every seed-*.png decodes.
  for (const name of readdirSync(dir).filter((f) => !f.startsWith('.'))) decodePng(readFileSync(path.join(dir, name)));
  const again = dcgan(args, { cwd });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`dcgan: removed out/${planted.replace(/\./g, '\\.')}, left by an interrupted write \\(PID \\d+ is gone\\)`));
  assert.deepEqual(readdirSync(dir).sort(), Array.from({ length: 3000 }, (_, i) => seedFile(i)));
});
