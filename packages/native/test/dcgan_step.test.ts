// A whole (small) DCGAN training step built from tfjs-layers, on `native` and on `cpu` from the same
// weights and batch: same losses, same gradients and same Adam-updated weights to float32
// tolerance. Exercises the kernels as the layers use them (FusedConv2D, conv2dTranspose, batch
// norm in training mode, LeakyReLU/ReLU/tanh, sigmoid cross-entropy) and all their gradients.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { nativeFallbackCounts } from '../src/index.js';
import { rand, skip } from './util.js';

const N = 4, NZ = 12, NGF = 8, NDF = 8, S = 16;

/** The paper's architecture at 16x16x1: G 1->4->8->16, D 16->8->4->1, no biases, BN except G out / D in. */
function models(): { g: tfl.Sequential; d: tfl.Sequential } {
  const init = 'glorotNormal';
  const g = tfl.sequential({ layers: [
    tfl.layers.conv2dTranspose({ inputShape: [1, 1, NZ], filters: NGF * 2, kernelSize: 4, strides: 1, padding: 'valid', useBias: false, kernelInitializer: init }),
    tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
    tfl.layers.reLU(),
    tfl.layers.conv2dTranspose({ filters: NGF, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init }),
    tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
    tfl.layers.reLU(),
    tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init }),
    tfl.layers.activation({ activation: 'tanh' }),
  ] });
  const d = tfl.sequential({ layers: [
    tfl.layers.conv2d({ inputShape: [S, S, 1], filters: NDF, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init }),
    tfl.layers.leakyReLU({ alpha: 0.2 }),
    tfl.layers.conv2d({ filters: NDF * 2, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init }),
    tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
    tfl.layers.leakyReLU({ alpha: 0.2 }),
    tfl.layers.conv2d({ filters: 1, kernelSize: 4, strides: 1, padding: 'valid', useBias: false, kernelInitializer: init }),
    tfl.layers.flatten(),
  ] });
  return { g, d };
}

interface StepResult { lossD: number; lossG: number; grads: Float32Array[]; weights: Float32Array[] }

/** Builds the models on `backend`, loads `init` weights, runs one D then one G Adam step. */
function step(backend: string, init: Float32Array[] | null): { init: Float32Array[]; result: StepResult } {
  tf.setBackend(backend);
  const { g, d } = models();
  const all = [...g.weights, ...d.weights];
  if (init === null) {
    init = all.map((w) => w.read().dataSync().slice() as Float32Array);
  } else {
    all.forEach((w, i) => w.write(tf.tensor(init![i]!, w.read().shape)));
  }
  const real = tf.tensor4d(rand(N * S * S, 71), [N, S, S, 1]);
  const z = tf.tensor4d(rand(N * NZ, 72), [N, 1, 1, NZ]);
  const bce = (logits: tf.Tensor, label: number) =>
    tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, label), logits);
  const optD = tf.train.adam(2e-4, 0.5), optG = tf.train.adam(2e-4, 0.5);
  const dVars = d.trainableWeights.map((w) => w.read() as tf.Variable);
  const gVars = g.trainableWeights.map((w) => w.read() as tf.Variable);

  // Update D on real and fake, then G through D.
  // G runs outside D's loss closure: only D's variables get gradients there.
  const fake = g.apply(z, { training: true }) as tf.Tensor;
  const dStep = tf.variableGrads(() =>
    tf.add(bce(d.apply(real, { training: true }) as tf.Tensor, 1),
      bce(d.apply(fake, { training: true }) as tf.Tensor, 0)) as tf.Scalar, dVars);
  optD.applyGradients(dVars.map((v) => ({ name: v.name, tensor: dStep.grads[v.name]! })));
  const gStep = tf.variableGrads(() =>
    bce(d.apply(g.apply(z, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor, 1) as tf.Scalar, gVars);
  optG.applyGradients(gVars.map((v) => ({ name: v.name, tensor: gStep.grads[v.name]! })));
  const lossD = dStep.value, lossG = gStep.value;
  const grads = [...dVars.map((v) => dStep.grads[v.name]!), ...gVars.map((v) => gStep.grads[v.name]!)];
  const result = {
    lossD: lossD.dataSync()[0]!,
    lossG: lossG.dataSync()[0]!,
    grads: grads.map((t) => t.dataSync().slice() as Float32Array),
    weights: all.map((w) => w.read().dataSync().slice() as Float32Array),
  };
  tf.dispose([real, z, fake, lossD, lossG, ...grads]);
  optD.dispose();
  optG.dispose();
  g.dispose();
  d.dispose();
  return { init, result };
}

describe('a DCGAN training step, native vs cpu', { skip }, () => {
  test('same losses and updated weights from the same start', () => {
    nativeFallbackCounts(true);
    const { init, result: nat } = step('native', null);
    const fallbacks = nativeFallbackCounts();
    const { result: cpu } = step('cpu', init);
    assert.ok(Math.abs(nat.lossD - cpu.lossD) <= 1e-5 * Math.max(1, Math.abs(cpu.lossD)), `lossD ${nat.lossD} vs ${cpu.lossD}`);
    assert.ok(Math.abs(nat.lossG - cpu.lossG) <= 1e-5 * Math.max(1, Math.abs(cpu.lossG)), `lossG ${nat.lossG} vs ${cpu.lossG}`);
    // Gradients: the sensitive comparison (Adam's first step normalizes their magnitude away).
    nat.grads.forEach((gr, i) => {
      const c = cpu.grads[i]!;
      const scale = c.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let k = 0; k < gr.length; k++) {
        if (!(Math.abs(gr[k]! - c[k]!) <= 1e-4 * scale + 1e-4 * Math.abs(c[k]!))) {
          assert.fail(`gradient ${i}[${k}]: native ${gr[k]} vs cpu ${c[k]} (max |grad| ${scale})`);
        }
      }
    });
    let moved = 0;
    nat.weights.forEach((w, i) => {
      const c = cpu.weights[i]!, w0 = init[i]!;
      for (let k = 0; k < w.length; k++) {
        // Adam's first step moves each weight by ~lr * sign(grad): a float32 difference in a
        // near-zero gradient can flip it, so the tolerance is a fraction of lr (2e-4).
        if (!(Math.abs(w[k]! - c[k]!) <= 2e-6 + 1e-5 * Math.abs(c[k]!))) {
          assert.fail(`weight tensor ${i}[${k}]: native ${w[k]} vs cpu ${c[k]} (start ${w0[k]})`);
        }
        if (w[k] !== w0[k]) moved++;
      }
    });
    assert.ok(moved > 0, 'the step changed the weights');
    // The layers' convolutions went native (FusedConv2D for conv2d, Conv2DBackpropInput for
    // conv2dTranspose), nothing fell back.
    assert.deepEqual(fallbacks, {});
  });

  test('twice on native from the same start: bit-identical losses, gradients and weights', () => {
    const { init, result: a } = step('native', null);
    const { result: b } = step('native', init);
    const bits = (xs: Float32Array[]) => xs.map((x) => new Uint32Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength)));
    assert.equal(a.lossD, b.lossD);
    assert.equal(a.lossG, b.lossG);
    assert.deepEqual(bits(a.grads), bits(b.grads));
    assert.deepEqual(bits(a.weights), bits(b.weights));
  });
});
