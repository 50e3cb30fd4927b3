import * as tf from '@tensorflow/tfjs-core';
import { DcganError, Rng, RngStream, buildClassifier, gatherImages, indexRange } from '@dcgan-ts/core';
import { resolveDatasetSource } from '../datasets/registry.js';
import { type ClassifierInfo, defaultClassifierDir, saveClassifier } from './classifierStore.js';

/**
 * `dcgan train-classifier`: the dataset, the image size (default 32) and channels, the schedule, the seed, and the
 * folder (default defaultClassifierDir).
 */
export interface TrainClassifierRequest {
  dataset: string;
  data?: string;
  imageSize?: number;
  channels?: number;
  epochs?: number;
  /** Stop after this many steps (tests); default: epochs over the training split. */
  steps?: number;
  batchSize?: number;
  seed?: number;
  out?: string;
  onProgress?(step: number, total: number, loss: number): void;
}

/** Enough for >= 99% test accuracy on MNIST (99.21%) and >= 90% on Fashion-MNIST (91.31%) with the recipe below. */
export const DEFAULT_CLASSIFIER_EPOCHS = 5;

/** `dcgan train-classifier`: the metrics' feature extractor for a dataset, trained on its train split, scored on test. */
export async function trainClassifier(request: TrainClassifierRequest): Promise<{ dir: string; info: ClassifierInfo }> {
  const source = await resolveDatasetSource(request);
  const imageSize = request.imageSize ?? 32;
  const channels = request.channels ?? source.channels;
  const batchSize = request.batchSize ?? 128;
  const train = await source.split('train', imageSize, channels);
  const test = await source.split('test', imageSize, channels);
  const classes = Math.max(train.classes, test.classes);
  const n = train.labels.length;
  const perEpoch = Math.floor(n / batchSize);
  if (perEpoch < 1) throw new DcganError(`${request.dataset} has ${n} labelled images, fewer than one batch of ${batchSize}`);
  const total = request.steps ?? (request.epochs ?? DEFAULT_CLASSIFIER_EPOCHS) * perEpoch;
  const rng = Rng.derive(request.seed ?? 0, RngStream.classifierTraining);
  const model = buildClassifier(imageSize, channels, classes, request.seed ?? 0);
  // Adam at 1e-3, then 1e-4 for the last 40% of the steps (a fresh optimizer: its moments restart).
  const compile = (lr: number) => model.compile({ optimizer: tf.train.adam(lr), loss: 'sparseCategoricalCrossentropy' });
  compile(1e-3);
  const decayAt = Math.round(0.6 * total);
  const pixels = new Float32Array(batchSize * imageSize * imageSize * channels);
  let order = rng.permutation(n);
  for (let step = 0; step < total; step++) {
    const b = step % perEpoch;
    if (b === 0 && step > 0) order = rng.permutation(n);
    const indices = order.subarray(b * batchSize, (b + 1) * batchSize);
    if (step === decayAt && step > 0) compile(1e-4);
    train.dataset.fillBatch(indices, pixels);
    shiftImages(pixels, batchSize, imageSize, channels, rng, Math.max(1, Math.round(imageSize / 16)));
    const [x, y] = [
      tf.tensor4d(pixels, [batchSize, imageSize, imageSize, channels]),
      tf.tensor2d(Float32Array.from(indices, (i) => train.labels[i]!), [batchSize, 1]),
    ];
    const loss = (await model.trainOnBatch(x, y)) as number;
    tf.dispose([x, y]);
    request.onProgress?.(step + 1, total, loss);
  }
  // Test accuracy on the whole test split.
  let right = 0;
  const chunk = 1000;
  for (let start = 0; start < test.labels.length; start += chunk) {
    const m = Math.min(chunk, test.labels.length - start);
    const buffer = gatherImages(test.dataset, indexRange(start, m));
    const best = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(buffer, [m, imageSize, imageSize, channels])) as tf.Tensor, 1));
    const predicted = await best.data();
    best.dispose();
    for (let i = 0; i < m; i++) if (predicted[i] === test.labels[start + i]) right++;
  }
  const info: ClassifierInfo = {
    name: `dcgan-ts small CNN (${request.dataset} ${imageSize}x${imageSize}x${channels})`,
    dataset: request.dataset,
    imageSize,
    channels,
    classes,
    testAccuracy: right / test.labels.length,
    testImages: test.labels.length,
    steps: total,
  };
  const dir = request.out ?? defaultClassifierDir(request.dataset, imageSize, channels, request.data);
  await saveClassifier(model, info, dir);
  model.dispose();
  return { dir, info };
}

/**
 * Training-time augmentation: each image (n, S, S, C) moved by a random whole-pixel offset of up to `max` in x and y,
 * the uncovered border filled with the background (-1, black in [-1, 1]). With the learning-rate step above, the
 * standard way past ~98.8% on MNIST for a small CNN without pooling (98.78% at 5 and 10 epochs without either).
 */
export function shiftImages(pixels: Float32Array, n: number, size: number, channels: number, rng: Rng, max: number): void {
  const image = size * size * channels;
  const copy = new Float32Array(image);
  for (let i = 0; i < n; i++) {
    const dx = rng.int(2 * max + 1) - max;
    const dy = rng.int(2 * max + 1) - max;
    if (dx === 0 && dy === 0) continue;
    const at = pixels.subarray(i * image, (i + 1) * image);
    copy.set(at);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const [sx, sy] = [x - dx, y - dy];
        const inside = sx >= 0 && sx < size && sy >= 0 && sy < size;
        for (let c = 0; c < channels; c++) at[(y * size + x) * channels + c] = inside ? copy[(sy * size + sx) * channels + c]! : -1;
      }
    }
  }
}

