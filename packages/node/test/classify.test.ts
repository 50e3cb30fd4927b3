import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TINY, dcgan, tempDir } from './cli.js';

test("classify: the paper's section 5 protocol on MNIST with three representations, numbers with their protocol", () => {
  const cwd = tempDir();
  const options = TINY.map((o) => (o === 'fake' ? 'mnist' : o));
  const trained = dcgan(['train', ...options, '--channels', '1', '--steps', '2', '--seed', '1', '--out', 'run'], { cwd });
  assert.equal(trained.code, 0, trained.stderr);
  const r = dcgan(
    ['classify', '--checkpoint', 'run', '--labels-per-class', '10', '--repeats', '2', '--test-limit', '300', '--backend', 'cpu', '--json'],
    { cwd },
  );
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual(
    [result.protocol.dataset, result.protocol.labelsPerClass, result.protocol.classes, result.protocol.repeats, result.protocol.testImages],
    ['mnist', 10, 10, 2, 300],
  );
  assert.deepEqual(
    result.rows.map((row: { features: string; dims: number }) => [row.features, row.dims]),
    [
      ['D features (trained)', (4 + 8) * 16], // 16x16 D, ndf 4: blocks of 4 and 8 channels, each pooled to 4x4
      ['D features (random weights)', (4 + 8) * 16],
      ['raw pixels', 16 * 16],
    ],
  );
  for (const row of result.rows) {
    // 100 labels of 10 classes: far above chance (10%) for any of them, below perfect.
    assert.ok(row.accuracy.mean > 0.4 && row.accuracy.mean < 1, JSON.stringify(row));
    assert.ok(Math.abs(row.error.mean + row.accuracy.mean - 1) < 1e-12);
    assert.equal(row.chosenC.length, 2);
  }
  assert.match(r.stdout, /raw pixels\s+256 dims\s+accuracy \d+\.\d\d \+- \d+\.\d\d%/);
  const bad = dcgan(['classify', '--checkpoint', 'run', '--labels-per-class', '7000', '--backend', 'cpu'], { cwd });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /^dcgan: error: class \d has \d+ labelled images, fewer than 7000\n$/);
});
