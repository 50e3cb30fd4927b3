// One checkpoint format for Node and the browser: a checkpoint as a .zip (`dcgan export --format checkpoint`, the
// studio's "Download checkpoint") samples like its directory and resumes exactly into a new run directory.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { zipSync } from 'fflate';
import { TINY, dcgan, tempDir } from './cli.js';

/** log.jsonl without its wall-clock field. */
function log(runDir: string): object[] {
  return readFileSync(path.join(runDir, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => {
    const { imgPerSec: _, ...rest } = JSON.parse(line) as Record<string, number>;
    return rest;
  });
}

function assertOneLineError(r: ReturnType<typeof dcgan>, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

test('a checkpoint .zip samples as its directory does and resumes exactly into a new run', () => {
  const cwd = tempDir();
  const train = ['train', ...TINY, '--log-every', '1', '--seed', '3'];
  assert.equal(dcgan([...train, '--steps', '6', '--out', 'straight'], { cwd }).code, 0);
  const first = dcgan([...train, '--steps', '3', '--out', 'first'], { cwd });
  assert.equal(first.code, 0, first.stderr);

  const exported = dcgan(['export', '--checkpoint', 'first', '--format', 'checkpoint', '--out', 'zips', '--json'], { cwd });
  assert.equal(exported.code, 0, exported.stderr);
  const zip = path.join(cwd, 'zips', 'checkpoint-step-000003.zip');
  assert.deepEqual(JSON.parse(exported.stdout.trim().split('\n').pop()!).files, [path.join('zips', 'checkpoint-step-000003.zip')]);

  for (const [from, out] of [['first', 'dir.png'], [zip, 'zip.png']]) {
    const s = dcgan(['sample', '--checkpoint', from!, '--n', '4', '--backend', 'cpu', '--out', out!], { cwd });
    assert.equal(s.code, 0, s.stderr);
  }
  assert.deepEqual(readFileSync(path.join(cwd, 'zip.png')), readFileSync(path.join(cwd, 'dir.png')));

  const resumed = dcgan(['train', '--resume', zip, '--out', 'resumed', '--steps', '6', '--backend', 'cpu'], { cwd });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(log(path.join(cwd, 'resumed')), log(path.join(cwd, 'straight')).slice(3));
  // The archive starts a new run: it never writes into one that exists.
  assertOneLineError(
    dcgan(['train', '--resume', zip, '--out', 'resumed', '--backend', 'cpu'], { cwd }),
    /^dcgan: error: --resume .*already holds a run/,
  );
});

test('broken checkpoint archives get one line each', () => {
  const cwd = tempDir();
  writeFileSync(path.join(cwd, 'text.zip'), 'not a zip');
  writeFileSync(path.join(cwd, 'empty.zip'), zipSync({ 'readme.txt': new TextEncoder().encode('hello') }));
  writeFileSync(path.join(cwd, 'cut.zip'), readFileSync(path.join(cwd, 'empty.zip')).subarray(0, 20));
  assertOneLineError(dcgan(['sample', '--checkpoint', 'empty.zip', '--backend', 'cpu'], { cwd }), /empty\.zip holds no state\.json/);
  assertOneLineError(dcgan(['sample', '--checkpoint', 'cut.zip', '--backend', 'cpu'], { cwd }), /cut\.zip is not a readable zip archive/);
  assertOneLineError(dcgan(['train', '--resume', 'text.zip', '--backend', 'cpu'], { cwd }), /text\.zip is not a checkpoint archive/);
  assertOneLineError(dcgan(['train', '--resume', 'missing.zip', '--backend', 'cpu'], { cwd }), /no checkpoint archive at .*missing\.zip/);
});
