import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DcganBatchNormalization,
  DcganConv2D,
  DcganLeakyReLU,
  DcganReLU,
  applyChainInTraining,
  buildDiscriminator,
  buildGenerator,
  initializeWeights,
  Rng,
} from '../src/index.js';
import { tinyConfig } from './helpers.js';

// The layers the models are built from, on the cpu backend (no fused kernels): the same values and gradients as the
// stock tfjs-layers classes they replace, and the stock names on disk.

/** Output and input gradient of one layer in training mode for a random input. */
function outputAndGradient(layer: tfl.layers.Layer, x: tf.Tensor, r: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, r)))(x);
    return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array];
  });
}

test('each replaced layer computes what the stock layer computes, values and gradients', () => {
  const x = tf.randomNormal([3, 6, 6, 4], 0, 1, 'float32', 1);
  const r = tf.randomNormal([3, 6, 6, 4], 0, 1, 'float32', 2);
  const conv = { filters: 4, kernelSize: 3, strides: 1, padding: 'same' as const, useBias: false, kernelInitializer: 'glorotNormal', inputShape: [6, 6, 4] };
  const pairs: [string, () => tfl.layers.Layer, () => tfl.layers.Layer][] = [
    ['ReLU', () => new DcganReLU({}), () => tfl.layers.reLU()],
    ['LeakyReLU', () => new DcganLeakyReLU({ alpha: 0.2 }), () => tfl.layers.leakyReLU({ alpha: 0.2 })],
    ['BatchNormalization', () => new DcganBatchNormalization({ momentum: 0.9, epsilon: 1e-5 }), () => tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 })],
    ['Conv2D', () => new DcganConv2D(conv), () => tfl.layers.conv2d(conv)],
  ];
  for (const [name, ours, stock] of pairs) {
    const [a, b] = [ours(), stock()];
    a.build(x.shape);
    b.build(x.shape);
    b.setWeights(a.getWeights()); // the same kernel where there is one
    const [ya, dxa] = outputAndGradient(a, x, r);
    const [yb, dxb] = outputAndGradient(b, x, r);
    assert.deepEqual(ya, yb, `${name}: values`);
    assert.deepEqual(dxa, dxb, `${name}: gradient`);
    assert.equal(a.getClassName(), name);
  }
  tf.dispose([x, r]);
});

test('the models save under the stock class names and load back into the replaced classes', async () => {
  const g = buildGenerator(tinyConfig());
  const d = buildDiscriminator(tinyConfig());
  for (const model of [g, d]) {
    let artifacts!: tf.io.ModelArtifacts;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const names = (artifacts.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name);
    assert.ok(names.every((n) => ['InputLayer', 'Reshape', 'Conv2DTranspose', 'Conv2D', 'BatchNormalization', 'ReLU', 'LeakyReLU', 'Activation', 'Flatten'].includes(n)), names.join());
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const replaced = [DcganBatchNormalization, DcganConv2D, DcganReLU, DcganLeakyReLU];
    for (const layer of loaded.layers) {
      const original = model.getLayer(layer.name);
      assert.equal(Object.getPrototypeOf(layer).constructor, Object.getPrototypeOf(original).constructor, layer.name);
    }
    assert.ok(loaded.layers.some((l) => replaced.some((cls) => l instanceof cls)));
    loaded.dispose();
  }
  g.dispose();
  d.dispose();
});

test('applyChainInTraining equals model.apply in training mode, and leaves only its output', () => {
  const d = buildDiscriminator(tinyConfig());
  initializeWeights(d, Rng.derive(4));
  const x = tf.randomUniform([4, 16, 16, 1], -1, 1, 'float32', 5);
  const viaModel = tf.tidy(() => (d.apply(x, { training: true }) as tf.Tensor).dataSync());
  const before = tf.memory().numTensors;
  const y = applyChainInTraining(d, x);
  assert.equal(tf.memory().numTensors, before + 1);
  assert.deepEqual(y.dataSync(), viaModel);
  tf.dispose([x, y]);
  d.dispose();
});
