import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { DcganTrainer, fakeDataset, generate, latentsForSeeds } from '@dcgan-ts/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCheckpoint, loadMnist, saveCheckpoint } from '../src/index.js';
import { tempDir } from './cli.js';

await tf.setBackend('cpu');
tf.env().set('PROD', true);

test('checkpoint round trip: weights, running statistics, optimizer and data state come back exactly', async () => {
  const config = {
    imageSize: 16, channels: 3, nz: 8, ngf: 4, ndf: 4, kernel: 5, z: 'uniform' as const, batchSize: 4, steps: 10, lr: 0.0002,
    beta1: 0.5, beta2: 0.999, seed: 3, logEvery: 1, sampleEvery: 10, checkpointEvery: 10, sampleCount: 4,
  };
  const data = fakeDataset(16, 3, 32);
  const trainer = DcganTrainer.create(config, data);
  for (let i = 0; i < 3; i++) trainer.trainStep();
  const dir = await saveCheckpoint(tempDir(), trainer, { backend: 'cpu', datasetSize: data.size });
  const loaded = await loadCheckpoint(dir);
  assert.deepEqual(loaded.state.config, config);
  assert.deepEqual(loaded.trainerState, await trainer.state());
  for (const [a, b] of [
    [trainer.generator, loaded.generator],
    [trainer.discriminator, loaded.discriminator],
  ] as const) {
    assert.equal(a.weights.length, b.weights.length);
    a.weights.forEach((w, i) => assert.deepEqual(w.read().dataSync(), b.weights[i]!.read().dataSync(), w.name));
  }
  const z = latentsForSeeds([1, 2], 8, 'uniform');
  const [x, y] = [generate(trainer.generator, z, 8), generate(loaded.generator, z, 8)];
  assert.deepEqual(x.dataSync(), y.dataSync());
  tf.dispose([x, y]);
  // The resumed trainer's next step equals the original's.
  const resumed = DcganTrainer.resume(config, data, loaded.generator, loaded.discriminator, loaded.trainerState);
  assert.deepEqual(resumed.trainStep(), trainer.trainStep());
  trainer.dispose();
  resumed.dispose();
});

test('embedded MNIST: 60,000 digits at 32x32 in [-1, 1], mostly background', async () => {
  const mnist = await loadMnist(32, 1);
  assert.equal(mnist.size, 60_000);
  const batch = new Float32Array(2 * 32 * 32);
  mnist.fillBatch([0, 59_999], batch);
  assert.equal(Math.min(...batch), -1);
  assert.ok(Math.max(...batch) > 0.9);
  const background = batch.filter((v) => v === -1).length / batch.length;
  assert.ok(background > 0.5 && background < 0.95, `background ${background}`);
});
