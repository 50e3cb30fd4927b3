// packages/core's DcganTrainer (the product's models: its batch-norm layer on the fused kernels, Adam on DcganAdam)
// on `native` against the same trainer on `cpu` (TF.js's composite batch norm and Adam): same losses, same weights
// and running statistics after two steps from the same seed and data, to float32 tolerance; twice on native, the
// same bits.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import {
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  DcganTrainer,
  FUSED_BATCH_NORM_ACTIVATION_TRAINING_GRAD_KERNEL,
  FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL,
  FUSED_BATCH_NORM_TRAINING_KERNEL,
  FUSED_BATCH_NORM_TRAINING_GRAD_KERNEL,
  type DcganConfig,
  type StepMetrics,
} from '@dcgan-ts/core';

import { nativeModule, nativeSkip as skip, randomImages16 } from './backends.js';

const nativeFallbackCounts = () => nativeModule!.nativeFallbackCounts();

const config: DcganConfig = {
  ...DEFAULT_MODEL_CONFIG,
  ...DEFAULT_TRAINING_CONFIG,
  imageSize: 16, channels: 3, nz: 10, ngf: 8, ndf: 8, batchSize: 6, steps: 2, seed: 5,
};

const dataset = () => randomImages16(9);

interface Trained { metrics: StepMetrics[]; weights: Map<string, Float32Array>; kernels: string[] }

async function trainOn(backend: string): Promise<Trained> {
  await tf.setBackend(backend);
  const trainer = DcganTrainer.create(config, dataset());
  const metrics: StepMetrics[] = [];
  const profile = await tf.profile(() => { metrics.push(trainer.trainStep()); });
  metrics.push(trainer.trainStep());
  const all = [...trainer.generator.weights, ...trainer.discriminator.weights];
  const weights = new Map(all.map((w) => [w.originalName, (w.read().dataSync() as Float32Array).slice()]));
  trainer.dispose();
  return { metrics, weights, kernels: profile.kernels.map((k) => k.name) };
}

describe('the DcganTrainer step on native', { skip }, () => {
  test('matches cpu: losses, weights and running statistics after two steps', async () => {
    const before = nativeFallbackCounts();
    const native = await trainOn('native');
    const cpu = await trainOn('cpu');

    assert.ok(native.kernels.includes(FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL), 'fused batch norm + activation forward not used');
    assert.ok(native.kernels.includes(FUSED_BATCH_NORM_ACTIVATION_TRAINING_GRAD_KERNEL), 'its gradient not used');
    assert.ok(!cpu.kernels.includes(FUSED_BATCH_NORM_TRAINING_KERNEL) && !cpu.kernels.includes(FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL));
    assert.deepEqual(nativeFallbackCounts(), before, 'a native kernel fell back to cpu');

    native.metrics.forEach((m, s) => {
      for (const k of Object.keys(m) as (keyof StepMetrics)[]) {
        assert.ok(Math.abs(m[k] - cpu.metrics[s]![k]) < 1e-4, `step ${s + 1} ${k}: native ${m[k]} vs cpu ${cpu.metrics[s]![k]}`);
      }
    });
    assert.deepEqual([...native.weights.keys()], [...cpu.weights.keys()]);
    assert.ok([...native.weights.keys()].some((n) => n.includes('moving_variance')));
    for (const [name, w] of native.weights) {
      const ref = cpu.weights.get(name)!;
      // Adam's first steps move each weight by ~lr (2e-4) whatever the gradient's size: compare on that scale.
      const worst = w.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0);
      assert.ok(worst < 2e-5, `${name}: max |native - cpu| ${worst}`);
    }
  });

  // Without the fused batch norm + activation kernels the layers run apart: DcganBatchNormTraining, then the
  // activation and DcganReluGradFromOutput. Both ways must give the same bits, so that runs, resumes and checkpoints
  // do not depend on which one a backend has.
  for (const precision of ['fp32', 'bf16'] as const) {
    const bf16Missing = precision === 'bf16' && nativeModule?.nativeBf16Isa() === null ? 'no bf16 instructions' : undefined;
    test(`batch norm fused with its activation gives the bits of the two apart (${precision})`, { skip: bf16Missing }, async () => {
      nativeModule!.setNativePrecision(precision);
      const fusedKernels = [FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL, FUSED_BATCH_NORM_ACTIVATION_TRAINING_GRAD_KERNEL];
      const configs = fusedKernels.map((k) => tf.getKernel(k, 'native')!);
      try {
        const fused = await trainOn('native');
        for (const k of fusedKernels) tf.unregisterKernel(k, 'native');
        const apart = await trainOn('native');
        assert.ok(fused.kernels.includes(FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL));
        assert.ok(!apart.kernels.includes(FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL));
        assert.ok(apart.kernels.includes(FUSED_BATCH_NORM_TRAINING_KERNEL) && apart.kernels.includes(FUSED_BATCH_NORM_TRAINING_GRAD_KERNEL));
        assert.deepEqual(apart.metrics, fused.metrics);
        for (const [name, w] of fused.weights) {
          assert.deepEqual(new Uint32Array(apart.weights.get(name)!.buffer), new Uint32Array(w.buffer), name);
        }
      } finally {
        for (const c of configs) if (tf.getKernel(c.kernelName, 'native') === undefined) tf.registerKernel(c);
        nativeModule!.setNativePrecision('fp32');
      }
    });
  }

  test('is deterministic: the same seed twice gives the same bits, both cores busy', async () => {
    const first = await trainOn('native');
    const second = await trainOn('native');
    assert.deepEqual(second.metrics, first.metrics);
    for (const [name, w] of first.weights) {
      assert.deepEqual(new Uint32Array(second.weights.get(name)!.buffer), new Uint32Array(w.buffer), name);
    }
  });
});
