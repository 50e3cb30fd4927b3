import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FIXTURES, TINY, dcgan, tempDir } from './cli.js';

// An install without the optional @dcgan-ts/native (`npm install --omit=optional`, or a platform where it does not
// install): a resolution hook makes the package unresolvable, as it is there.
const env = {
  NODE_OPTIONS: `--import=${pathToFileURL(path.join(FIXTURES, 'without-packages.mjs')).href}`,
  DCGAN_TEST_WITHOUT: '@dcgan-ts/native',
};

test('without @dcgan-ts/native: auto trains on cpu and says why in one line; --backend native fails in one line', () => {
  const cwd = tempDir();
  const auto = dcgan(['train', ...TINY, '--backend', 'auto', '--steps', '2', '--out', 'run'], { cwd, env });
  assert.equal(auto.code, 0, auto.stderr);
  const notes = auto.stderr.split('\n').filter((l) => /slow cpu backend/.test(l));
  assert.equal(notes.length, 1, auto.stderr);
  assert.match(notes[0]!, /^dcgan: using the slow cpu backend: the optional package @dcgan-ts\/native \(oneDNN on the CPU\) is not installed .*install it without --omit=optional/);

  const native = dcgan(['train', ...TINY, '--backend', 'native', '--steps', '2', '--out', 'other'], { cwd, env });
  assert.equal(native.code, 1);
  assert.equal(native.stderr.trim().split('\n').length, 1, native.stderr);
  assert.match(native.stderr, /^dcgan: error: --backend native: the optional package @dcgan-ts\/native .* is not installed/);
});
