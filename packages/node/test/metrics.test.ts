import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nativeSkip } from './backends.js';
import { TINY, dcgan, tempDir } from './cli.js';

// The small CNN is ~20 s a step on TF.js's JS backend: these run on the native backend, which CI builds.
test('train-classifier then eval: every metric beside its floor, with its protocol', { skip: nativeSkip }, () => {
  const cwd = tempDir();
  const clf = dcgan(
    ['train-classifier', '--dataset', 'mnist', '--image-size', '16', '--steps', '30', '--batch-size', '32', '--backend', 'native', '--out', 'clf', '--json'],
    { cwd },
  );
  assert.equal(clf.code, 0, clf.stderr);
  const info = JSON.parse(clf.stdout.trim().split('\n').pop()!);
  assert.equal(info.classes, 10);
  assert.equal(info.testImages, 10_000);
  assert.ok(info.testAccuracy > 0.5, `30 steps of the small CNN already beat chance by far: ${info.testAccuracy}`);

  const mnistTiny = TINY.map((o) => (o === 'fake' ? 'mnist' : o));
  assert.equal(dcgan(['train', ...mnistTiny, '--channels', '1', '--steps', '2', '--seed', '1', '--out', 'run'], { cwd }).code, 0);
  const r = dcgan(['eval', '--checkpoint', 'run', '--classifier', 'clf', '--n', '200', '--nn-samples', '20', '--backend', 'native', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(result.protocol.samples, 200);
  assert.match(result.protocol.reference, /mnist test split/);
  // A 2-step generator draws noise: every metric must say so against the real-vs-real floor.
  assert.ok(result.fid.value > 5 * result.fid.floor, JSON.stringify(result.fid));
  assert.ok(result.kid.value.mean > result.kid.floor.mean, JSON.stringify(result.kid));
  assert.ok(result.pr.value.precision < result.pr.floor.precision, JSON.stringify(result.pr));
  assert.ok(result.hist.floor.modesCovered === 10 && result.hist.value.counts.reduce((a: number, b: number) => a + b, 0) === 200);
  assert.ok(result.is.floor.mean > 1 && result.is.floor.mean <= 10);
  assert.ok(result.nn.value.median > 0 && result.nn.floor.median > 0);
  assert.match(r.stdout, /FID\s+[\d.]+\s+\(floor [\d.]+\)/);

  const missing = dcgan(['eval', '--checkpoint', 'run', '--classifier', 'nowhere', '--backend', 'cpu'], { cwd });
  assert.match(missing.stderr, /^dcgan: error: no classifier in nowhere\n$/);
  const unknown = dcgan(['eval', '--checkpoint', 'run', '--metrics', 'fid,lpips', '--backend', 'cpu'], { cwd });
  assert.match(unknown.stderr, /^dcgan: error: --metrics: unknown metric lpips; known: fid, kid, is, pr, hist, nn\n$/);
});
