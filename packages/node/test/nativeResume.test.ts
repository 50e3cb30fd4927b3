// Resume on the native backend: a run records its thread count (the native kernels' float sums depend on it), resumes
// bit for bit on the same count, and says in one line when it resumes on another.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { nativeSkip } from './backends.js';
import { TINY, dcgan, logWithoutTiming, tempDir } from './cli.js';

const NATIVE_TINY = [...TINY.slice(0, TINY.indexOf('--backend')), '--backend', 'native', '--log-every', '1', '--checkpoint-every', '3', '--seed', '4'];

const threadsOf = (run: string) => (JSON.parse(readFileSync(path.join(run, 'config.json'), 'utf8')) as { threads: unknown }).threads;

test('native: config.json records the thread count; the same count resumes exactly, another says so in one line', { skip: nativeSkip }, () => {
  const cwd = tempDir();
  const two = { cwd, env: { DCGAN_THREADS: '2' } };
  assert.equal(dcgan(['train', ...NATIVE_TINY, '--steps', '6', '--out', 'straight'], two).code, 0);
  assert.equal(threadsOf(path.join(cwd, 'straight')), 2);

  for (const out of ['same', 'other']) assert.equal(dcgan(['train', ...NATIVE_TINY, '--steps', '3', '--out', out], two).code, 0);
  const same = dcgan(['train', '--resume', '--out', 'same', '--steps', '6', '--backend', 'native'], two);
  assert.equal(same.code, 0, same.stderr);
  assert.doesNotMatch(same.stderr, /CPU thread/);
  assert.deepEqual(logWithoutTiming(path.join(cwd, 'same')), logWithoutTiming(path.join(cwd, 'straight')));

  const other = dcgan(['train', '--resume', '--out', 'other', '--steps', '6', '--backend', 'native'], { cwd, env: { DCGAN_THREADS: '1' } });
  assert.equal(other.code, 0, other.stderr);
  assert.match(
    other.stderr,
    /^dcgan: this run last trained with 2 CPU threads and resumes with 1: the native backend's sums depend on the count, so it continues close to, not exactly as, a straight run would \(DCGAN_THREADS=2, or a queue worker's --threads 2, resumes it exactly\)$/m,
  );
  assert.equal(threadsOf(path.join(cwd, 'other')), 1);
  // The cpu backend records none.
  assert.equal(dcgan(['train', ...TINY, '--steps', '1', '--out', 'cpu'], { cwd }).code, 0);
  assert.equal(threadsOf(path.join(cwd, 'cpu')), null);
});
