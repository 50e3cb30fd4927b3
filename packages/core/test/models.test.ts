import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_MODEL_CONFIG,
  type ModelConfig,
  Rng,
  buildDiscriminator,
  buildGenerator,
  countTrainableParameters,
  initializeWeights,
  referenceParameterCounts,
} from '../src/index.js';

await tf.setBackend('cpu');
tf.env().set('PROD', true); // no "install tfjs-node" banner in the test output

function config(overrides: Partial<ModelConfig>): ModelConfig {
  return { ...DEFAULT_MODEL_CONFIG, ...overrides };
}

test('parameter counts equal the PyTorch reference networks', () => {
  const cases = [
    { c: config({ imageSize: 64, channels: 3 }), g: 3_576_704, d: 2_765_568 },
    { c: config({ imageSize: 32, channels: 1 }), g: 1_066_880, d: 661_248 },
  ];
  for (const { c, g, d } of cases) {
    const G = buildGenerator(c);
    const D = buildDiscriminator(c);
    assert.equal(countTrainableParameters(G), g);
    assert.equal(countTrainableParameters(D), d);
    assert.deepEqual(referenceParameterCounts(c), { generator: g, discriminator: d });
    G.dispose();
    D.dispose();
  }
});

test('every size, channel count and kernel gives the right shapes, with no pooling and no dense layer', () => {
  for (const imageSize of [16, 32, 64, 128, 256]) {
    for (const [channels, kernel] of [
      [1, 4],
      [3, 5],
    ] as const) {
      const c = config({ imageSize, channels, kernel, ngf: 4, ndf: 4, nz: 8 });
      const G = buildGenerator(c);
      const D = buildDiscriminator(c);
      assert.deepEqual(G.outputs[0]!.shape, [null, imageSize, imageSize, channels]);
      assert.deepEqual(D.inputs[0]!.shape, [null, imageSize, imageSize, channels]);
      assert.deepEqual(D.outputs[0]!.shape, [null, 1]);
      const classes = [...G.layers, ...D.layers].map((l) => l.getClassName());
      assert.ok(!classes.some((k) => /Pool|Dense/.test(k)), classes.join(','));
      // Batch norm after every conv but G's output and D's input.
      const convsG = G.layers.filter((l) => l.getClassName() === 'Conv2DTranspose').length;
      const convsD = D.layers.filter((l) => l.getClassName() === 'Conv2D').length;
      const bnG = G.layers.filter((l) => l.getClassName() === 'BatchNormalization').length;
      const bnD = D.layers.filter((l) => l.getClassName() === 'BatchNormalization').length;
      assert.equal(convsG, Math.log2(imageSize) - 1);
      assert.equal(bnG, convsG - 1);
      assert.equal(bnD, convsD - 2);
      assert.equal(referenceParameterCounts(c).generator, countTrainableParameters(G));
      assert.equal(referenceParameterCounts(c).discriminator, countTrainableParameters(D));
      G.dispose();
      D.dispose();
    }
  }
});

test('a forward pass maps z to images in [-1, 1] and images to one logit each', () => {
  const c = config({ imageSize: 32, channels: 3, ngf: 8, ndf: 8 });
  const G = buildGenerator(c);
  const D = buildDiscriminator(c);
  initializeWeights(G, Rng.derive(1));
  initializeWeights(D, Rng.derive(2));
  tf.tidy(() => {
    const images = G.predict(tf.randomNormal([5, c.nz])) as tf.Tensor;
    assert.deepEqual(images.shape, [5, 32, 32, 3]);
    assert.ok(tf.max(images).dataSync()[0]! <= 1 && tf.min(images).dataSync()[0]! >= -1);
    assert.ok(tf.mean(tf.abs(tf.sub(images, tf.mean(images)))).dataSync()[0]! > 1e-4, 'images are not constant');
    assert.deepEqual((D.predict(images) as tf.Tensor).shape, [5, 1]);
  });
  G.dispose();
  D.dispose();
});

test('initial weights follow the paper: conv N(0, 0.02), gamma N(1, 0.02), beta 0', () => {
  const c = config({ imageSize: 64, channels: 3 });
  const G = buildGenerator(c);
  initializeWeights(G, Rng.derive(7));
  const stats = (suffix: string) => {
    const values = G.weights.filter((w) => w.originalName.endsWith(suffix)).flatMap((w) => [...w.read().dataSync()]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    return { mean, std, n: values.length };
  };
  const kernel = stats('/kernel');
  assert.ok(Math.abs(kernel.mean) < 1e-4, `kernel mean ${kernel.mean}`);
  assert.ok(Math.abs(kernel.std - 0.02) < 1e-4, `kernel std ${kernel.std}`);
  const gamma = stats('/gamma');
  assert.ok(Math.abs(gamma.mean - 1) < 0.005 && Math.abs(gamma.std - 0.02) < 0.003, JSON.stringify(gamma));
  const beta = stats('/beta');
  assert.equal(beta.mean, 0);
  assert.equal(beta.std, 0);
  // Same seed, same weights.
  const G2 = buildGenerator(c);
  initializeWeights(G2, Rng.derive(7));
  assert.deepEqual(G2.weights[1]!.read().dataSync(), G.weights[1]!.read().dataSync());
  G.dispose();
  G2.dispose();
});
