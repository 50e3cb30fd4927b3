// Fuzzing the dataset readers with mutations of valid files (fuzzing.ts): IDX plain and gzipped, CIFAR batches and
// archives, tar, packed files. Every input ends in a checked valid dataset or one DcganError line.
import { test } from 'node:test';
import { fuzzTarget } from './fuzzing.js';

for (const name of ['idx', 'idx files', 'cifar', 'tar', 'packed']) {
  test(`fuzz ${name}`, async (t) => {
    await fuzzTarget(t, 'fuzzDatasetTargets', name);
  });
}
