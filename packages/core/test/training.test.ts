import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Adam, DcganTrainer, DivergenceError, latentsForSeeds, runTrainingLoop, seedRange } from '../src/index.js';
import { randomDataset, tinyConfig } from './helpers.js';

function snapshotWeights(trainer: DcganTrainer): Map<string, Float32Array> {
  const all = [...trainer.generator.weights, ...trainer.discriminator.weights];
  return new Map(all.map((w) => [w.name, (w.read().dataSync() as Float32Array).slice()]));
}

test('one D+G step changes every trainable weight and every running statistic', () => {
  const trainer = DcganTrainer.create(tinyConfig(), randomDataset(16, 16, 1));
  const before = snapshotWeights(trainer);
  trainer.trainStep();
  const after = snapshotWeights(trainer);
  for (const [name, values] of before) {
    const changed = values.some((v, i) => v !== after.get(name)![i]);
    assert.ok(changed, `${name} did not change`);
  }
  trainer.dispose();
});

test('training steps leak no tensors', () => {
  const trainer = DcganTrainer.create(tinyConfig(), randomDataset(16, 16, 1));
  trainer.trainStep();
  const tensors = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) trainer.trainStep();
  assert.equal(tf.memory().numTensors, tensors);
  trainer.dispose();
});

test('the first step logs the losses of an untrained pair: D and G near chance', () => {
  const trainer = DcganTrainer.create(tinyConfig({ batchSize: 8 }), randomDataset(16, 16, 1));
  const m = trainer.trainStep();
  // With N(0, 0.02) weights D's logits are near 0: D(x) ~ D(G(z)) ~ 0.5, lossD ~ 2 ln 2, lossG ~ ln 2.
  assert.ok(Math.abs(m.dx - 0.5) < 0.1 && Math.abs(m.dgz1 - 0.5) < 0.1, JSON.stringify(m));
  assert.ok(Math.abs(m.lossD - 2 * Math.LN2) < 0.3 && Math.abs(m.lossG - Math.LN2) < 0.3, JSON.stringify(m));
  assert.ok(Math.abs(m.dgz2 - 0.5) < 0.1, JSON.stringify(m));
  trainer.dispose();
});

test('same seed, same run: losses identical bit for bit; another seed differs', () => {
  const run = (seed: number) => {
    const trainer = DcganTrainer.create(tinyConfig({ seed }), randomDataset(16, 16, 1));
    const losses = [trainer.trainStep(), trainer.trainStep()];
    trainer.dispose();
    return losses;
  };
  assert.deepEqual(run(3), run(3));
  assert.notDeepEqual(run(3), run(4));
});

test('epochs: the data order is a fresh permutation each epoch and the last partial batch is dropped', async () => {
  const trainer = DcganTrainer.create(tinyConfig({ batchSize: 4 }), randomDataset(10, 16, 1));
  assert.equal(trainer.stepsPerEpoch, 2);
  trainer.trainStep();
  trainer.trainStep();
  assert.deepEqual({ ...(await trainer.state()), adamG: null, adamD: null, noiseRng: null }, {
    step: 2,
    epoch: 1,
    batchInEpoch: 0,
    adamG: null,
    adamD: null,
    noiseRng: null,
  });
  trainer.dispose();
});

test('Adam matches PyTorch arithmetic on a scalar (bias-corrected steps)', async () => {
  const w = tf.variable(tf.scalar(1));
  const adam = new Adam([w], { lr: 0.1, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 });
  // PyTorch, torch.optim.Adam([w], lr=0.1, betas=(0.5, 0.999)), gradient 2w of w^2, three steps, in float64:
  let [x, m, v] = [1, 0, 0];
  for (let t = 1; t <= 3; t++) {
    const g = 2 * x;
    adam.apply([tf.scalar(2 * (w.dataSync()[0] as number))]);
    m = 0.5 * m + 0.5 * g;
    v = 0.999 * v + 0.001 * g * g;
    x -= (0.1 / (1 - 0.5 ** t)) * (m / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8));
    assert.ok(Math.abs(w.dataSync()[0]! - x) < 1e-6, `step ${t}: ${w.dataSync()[0]} vs ${x}`);
  }
  const state = await adam.getState();
  assert.equal(state.step, 3);
  const other = tf.variable(tf.scalar(5));
  const restored = new Adam([other], adam.settings);
  restored.setState(state);
  assert.deepEqual(await restored.getState(), state);
  tf.dispose([w, other]);
  adam.dispose();
  restored.dispose();
});

test('the loop logs, samples and checkpoints on schedule and at the last step', async () => {
  const config = tinyConfig({ steps: 5, logEvery: 2, sampleEvery: 3, checkpointEvery: 4, sampleCount: 6 });
  const trainer = DcganTrainer.create(config, randomDataset(16, 16, 1));
  const events: string[] = [];
  const latents = latentsForSeeds(seedRange(0, 6), config.nz, config.z);
  await runTrainingLoop(trainer, latents, {
    onLog: (e) => void events.push(`log ${e.step}`),
    onSample: (step, images) => {
      assert.deepEqual(images.shape, [6, 16, 16, 1]);
      events.push(`sample ${step}`);
    },
    onCheckpoint: (t) => void events.push(`checkpoint ${t.step}`),
  });
  assert.deepEqual(events, ['log 2', 'sample 3', 'log 4', 'checkpoint 4', 'log 5', 'sample 5', 'checkpoint 5']);
  trainer.dispose();
});

test('an interrupt on an evaluation step still evaluates before its checkpoint (a resume starts after it)', async () => {
  const config = tinyConfig({ steps: 10, logEvery: 5, sampleEvery: 5, checkpointEvery: 5 });
  const trainer = DcganTrainer.create(config, randomDataset(16, 16, 1));
  const events: string[] = [];
  const run = (stopAt: number) =>
    runTrainingLoop(trainer, latentsForSeeds(seedRange(0, 2), config.nz, config.z), {
      onEval: { every: 2, run: (t) => void events.push(`eval ${t.step}`) },
      onCheckpoint: (t) => void events.push(`checkpoint ${t.step}`),
      shouldStop: () => trainer.step === stopAt,
    });
  assert.deepEqual(await run(4), { step: 4, interrupted: true });
  assert.deepEqual(await run(7), { step: 7, interrupted: true }); // not an evaluation step: none
  assert.deepEqual(events, ['eval 2', 'eval 4', 'checkpoint 4', 'checkpoint 5', 'eval 6', 'checkpoint 7']);
  trainer.dispose();
});

test('a NaN loss stops the run before any checkpoint of the bad state', async () => {
  const config = tinyConfig({ steps: 10, checkpointEvery: 1 });
  const data = randomDataset(16, 16, 1);
  const poisoned = { ...data, name: data.name, size: data.size, imageSize: 16, channels: 1, fillBatch: (idx: ArrayLike<number>, out: Float32Array) => {
    data.fillBatch(idx, out);
    if (checkpoints.length >= 2) out.fill(Number.NaN);
  } };
  const checkpoints: number[] = [];
  const trainer = DcganTrainer.create(config, poisoned);
  await assert.rejects(
    runTrainingLoop(trainer, new Float32Array(config.nz), { onCheckpoint: (t) => void checkpoints.push(t.step) }),
    (e: unknown) => e instanceof DivergenceError && /diverged at step 3/.test((e as Error).message),
  );
  assert.deepEqual(checkpoints, [1, 2]);
  trainer.dispose();
});
