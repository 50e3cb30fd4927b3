import * as tf from '@tensorflow/tfjs-core';
import { DcganError, Rng, buildClassifier, gatherImages, indexRange } from '@dcgan-ts/core';
import { loadLabelledSplit } from '../representation/labelledSplits.js';
import { type ClassifierInfo, defaultClassifierDir, saveClassifier } from './classifierStore.js';

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

/** `dcgan train-classifier`: the metrics' feature extractor for a dataset, trained on its train split, scored on test. */
export async function trainClassifier(request: TrainClassifierRequest): Promise<{ dir: string; info: ClassifierInfo }> {
  const imageSize = request.imageSize ?? 32;
  const channels = request.channels ?? 1;
  const batchSize = request.batchSize ?? 128;
  const train = await loadLabelledSplit(request.dataset, request.data, 'train', imageSize, channels);
  const test = await loadLabelledSplit(request.dataset, request.data, 'test', imageSize, channels);
  const classes = Math.max(train.classes, test.classes);
  const n = train.labels.length;
  const perEpoch = Math.floor(n / batchSize);
  if (perEpoch < 1) throw new DcganError(`${request.dataset} has ${n} labelled images, fewer than one batch of ${batchSize}`);
  const total = request.steps ?? (request.epochs ?? 2) * perEpoch;
  const rng = Rng.derive(request.seed ?? 0, 9);
  const model = buildClassifier(imageSize, channels, classes, request.seed ?? 0);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const pixels = new Float32Array(batchSize * imageSize * imageSize * channels);
  let order = rng.permutation(n);
  for (let step = 0; step < total; step++) {
    const b = step % perEpoch;
    if (b === 0 && step > 0) order = rng.permutation(n);
    const indices = order.subarray(b * batchSize, (b + 1) * batchSize);
    train.dataset.fillBatch(indices, pixels);
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
    const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(buffer, [m, imageSize, imageSize, channels])) as tf.Tensor, 1).dataSync());
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
  const dir = request.out ?? defaultClassifierDir(request.dataset, imageSize, channels);
  await saveClassifier(model, info, dir);
  model.dispose();
  return { dir, info };
}
