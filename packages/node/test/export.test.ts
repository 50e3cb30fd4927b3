import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_TRAINING_CONFIG, type DcganConfig, DcganTrainer, Rng, generate, generatorInputs, latentForSeed, parseGeneratorManifest } from '@dcgan-ts/core';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-web';
import { fakeDataset } from '@dcgan-ts/core';
import { exportGenerator, loadLayersModel, saveCheckpoint } from '../src/index.js';
import { FIXTURES, tempDir } from './cli.js';

await tf.setBackend('cpu');
tf.env().set('PROD', true);

/**
 * A checkpoint whose G draws far from zero: running variances set near the activations' true scale, so that a
 * wrong kernel layout or padding in an export shows as a large difference instead of hiding in near-zero outputs.
 */
async function checkpointWithLiveOutputs(channels: number, kernel: number, classes?: number): Promise<{ dir: string; config: DcganConfig; trainer: DcganTrainer }> {
  const config: DcganConfig = {
    ...DEFAULT_TRAINING_CONFIG,
    imageSize: 16, channels, nz: 8, ngf: 4, ndf: 4, kernel, z: 'normal', batchSize: 4, steps: 1, seed: 5,
    ...(classes === undefined ? {} : { classes }),
  };
  const labels = classes === undefined ? undefined : Uint16Array.from({ length: 8 }, (_, i) => i % classes);
  const trainer = DcganTrainer.create(config, fakeDataset(16, channels, 8), labels);
  const rng = Rng.derive(99);
  for (const w of trainer.generator.weights) {
    if (w.originalName.endsWith('moving_variance')) w.write(tf.tensor(rng.uniforms(w.read().size, 2e-4, 2e-3), w.shape as number[]));
    if (w.originalName.endsWith('moving_mean')) w.write(tf.tensor(rng.uniforms(w.read().size, -0.01, 0.01), w.shape as number[]));
  }
  const dir = await saveCheckpoint(tempDir(), trainer, { backend: 'cpu', datasetSize: 8 });
  return { dir, config, trainer };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

for (const [channels, kernel] of [
  [1, 4],
  [3, 5],
] as const) {
  test(`exports of a ${channels}-channel, kernel-${kernel} G load in their consumers and draw what G draws`, async () => {
    const { dir, config, trainer } = await checkpointWithLiveOutputs(channels, kernel);
    const z = latentForSeed(7, config.nz, 'normal');
    const reference = generate(trainer.generator, z, config.nz); // (1, 16, 16, C)
    const expected = reference.dataSync() as Float32Array;
    const spread = Math.max(...expected) - Math.min(...expected);
    assert.ok(spread > 0.5, `the test model draws a non-trivial image (range ${spread})`);

    // tfjs: the LayersModel and its manifest.
    const tfjsDir = path.join(tempDir(), 'tfjs');
    await exportGenerator({ checkpoint: dir, format: 'tfjs', out: tfjsDir });
    const manifest = JSON.parse(readFileSync(path.join(tfjsDir, 'manifest.json'), 'utf8'));
    assert.deepEqual(
      [manifest.latentSize, manifest.distribution, manifest.imageSize, manifest.channels, manifest.range],
      [8, 'normal', 16, channels, [-1, 1]],
    );
    assert.equal('classes' in manifest, false, 'an unconditional G writes the manifest as before: no classes');
    const loaded = await loadLayersModel(tfjsDir);
    const again = loaded.predict(tf.tensor2d(z, [1, 8])) as tf.Tensor;
    assert.deepEqual(again.dataSync(), expected);

    // onnx: onnxruntime-web (wasm) on the same z; ONNX output is channels-first.
    const onnxDir = path.join(tempDir(), 'onnx');
    await exportGenerator({ checkpoint: dir, format: 'onnx', out: onnxDir });
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(readFileSync(path.join(onnxDir, 'generator.onnx')));
    const { images } = await session.run({ z: new ort.Tensor('float32', z, [1, 8]) });
    assert.deepEqual(images!.dims, [1, channels, 16, 16]);
    const nhwc = tf.transpose(tf.tensor4d(images!.data as Float32Array, [1, channels, 16, 16]), [0, 2, 3, 1]).dataSync();
    assert.ok(maxAbsDiff(nhwc, expected) < 1e-4, `onnx differs by ${maxAbsDiff(nhwc, expected)}`);

    // ml5: tfjs 1.7.4 loads it and ml5's post-processing gives (S, S, 3) in [0, 1].
    const ml5Dir = path.join(tempDir(), 'ml5');
    await exportGenerator({ checkpoint: dir, format: 'ml5', out: ml5Dir });
    const consumer = JSON.parse(
      execFileSync(process.execPath, [path.join(FIXTURES, 'ml5-consumer.cjs'), ml5Dir, JSON.stringify(Array.from(z))], { encoding: 'utf8' }),
    );
    assert.equal(consumer.tfjs, '1.7.4');
    assert.deepEqual(Object.keys(consumer.manifest).sort(), ['description', 'model', 'modelLatentDim', 'modelSize']);
    assert.deepEqual(consumer.shape, [16, 16, 3]);
    const want = Array.from({ length: 16 * 16 * 3 }, (_, i) => (expected[Math.floor(i / 3) * channels + (channels === 1 ? 0 : i % 3)]! + 1) / 2);
    assert.ok(maxAbsDiff(consumer.values, want) < 1e-5, `ml5 differs by ${maxAbsDiff(consumer.values, want)}`);

    tf.dispose([reference, again]);
    loaded.dispose();
    trainer.dispose();
  });
}

test('a class-conditional G exports to tfjs (its manifest says classes) and to onnx (classes as a second input); ml5 refuses it', async () => {
  const { dir, config, trainer } = await checkpointWithLiveOutputs(1, 4, 3);
  const z = latentForSeed(7, config.nz, 'normal');
  // Class 2: z then the one-hot (0, 0, 1), as `dcgan sample --class 2` feeds G; class 0 must draw something else.
  const inputs = generatorInputs(config, z, 2);
  const reference = generate(trainer.generator, inputs, config.nz + 3);
  const expected = reference.dataSync() as Float32Array;
  const other = generate(trainer.generator, generatorInputs(config, z, 0), config.nz + 3);
  assert.ok(maxAbsDiff(other.dataSync(), expected) > 1e-3, 'the class reaches the image');

  const tfjsDir = path.join(tempDir(), 'tfjs');
  await exportGenerator({ checkpoint: dir, format: 'tfjs', out: tfjsDir });
  const manifest = parseGeneratorManifest(JSON.parse(readFileSync(path.join(tfjsDir, 'manifest.json'), 'utf8')));
  assert.deepEqual([manifest.latentSize, manifest.classes], [8, 3]);
  const loaded = await loadLayersModel(tfjsDir);
  assert.deepEqual(loaded.inputs[0]!.shape, [null, 11], "G's input is z and the one-hot class");
  const again = loaded.predict(tf.tensor2d(inputs, [1, 11])) as tf.Tensor;
  assert.deepEqual(again.dataSync(), expected);
  assert.throws(() => parseGeneratorManifest({ ...manifest, classes: 1 }), /classes must be an integer from 2 to 1000/);

  const onnxDir = path.join(tempDir(), 'onnx');
  await exportGenerator({ checkpoint: dir, format: 'onnx', out: onnxDir });
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(readFileSync(path.join(onnxDir, 'generator.onnx')));
  assert.deepEqual(session.inputNames, ['z', 'classes']);
  const { images } = await session.run({ z: new ort.Tensor('float32', z, [1, 8]), classes: new ort.Tensor('float32', inputs.slice(8), [1, 3]) });
  assert.ok(maxAbsDiff(images!.data as Float32Array, expected) < 1e-4, `onnx differs by ${maxAbsDiff(images!.data as Float32Array, expected)}`);

  await assert.rejects(
    exportGenerator({ checkpoint: dir, format: 'ml5', out: path.join(tempDir(), 'ml5') }),
    { message: "dcgan export --format ml5 does not take class-conditional models: ml5's DCGAN feeds G z alone; use --format tfjs or onnx" },
  );
  tf.dispose([reference, other, again]);
  loaded.dispose();
  trainer.dispose();
});
