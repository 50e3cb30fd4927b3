import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  DcganError,
  type ImageDataset,
  Rng,
  RngStream,
  Standardizer,
  accuracy,
  buildDiscriminator,
  discriminatorFeatures,
  featureSize,
  gatherImages,
  indexRange,
  initializeWeights,
  predictLinearSvm,
  trainLinearSvm,
  trainLinearSvmPath,
  refuseConditional,
} from '@dcgan-ts/core';
import { checkpointData } from '../datasets/trainingData.js';
import { disposeCheckpoint, loadCheckpoint } from '../run/checkpoints.js';
import { resolveDatasetSource } from '../datasets/registry.js';
import { type LabelledSplit, drawPerClass } from './labelledSplits.js';

/**
 * `dcgan classify` (paper section 5.1): the checkpoint, the labelled data, labels per class, how many random draws, and
 * the SVM's C candidates.
 */
export interface ClassifyRequest {
  checkpoint: string;
  /** Labelled source (default: the one the checkpoint trained on). */
  dataset?: string;
  data?: string;
  labelsPerClass: number;
  /** Random label draws; results are mean +- std over them. */
  repeats?: number;
  seed?: number;
  /** Use only the first N test images (default: all). */
  testLimit?: number;
  /** SVM C candidates, picked on a held-out 20% of the labelled images. */
  cValues?: number[];
  onProgress?(line: string): void;
}

/**
 * One row of classify's table (D's features, or raw pixels as a baseline): the feature size, test accuracy and error as
 * mean and std over the draws, and the C picked in each.
 */
export interface ClassifierRow {
  features: string;
  dims: number;
  accuracy: { mean: number; std: number };
  error: { mean: number; std: number };
  /** C picked for each repeat. */
  chosenC: number[];
}

/** What classify measured: the protocol, and one row per feature set. */
export interface ClassifyResult {
  protocol: {
    dataset: string;
    labelsPerClass: number;
    classes: number;
    repeats: number;
    testImages: number;
    classifier: string;
    checkpoint: string;
    step: number;
  };
  rows: ClassifierRow[];
}

const DEFAULT_C = [0.001, 0.01, 0.1, 1];

/** The images of `dataset` at `indices` as a (n, S, S, C) tensor. */
function imagesOf(dataset: ImageDataset, indices: ArrayLike<number>): tf.Tensor4D {
  const { imageSize: s, channels: c } = dataset;
  return tf.tensor4d(gatherImages(dataset, indices), [indices.length, s, s, c]);
}

type Extractor = { name: string; dims: number; features(dataset: ImageDataset, indices: ArrayLike<number>): Promise<Float32Array> };

function discriminatorExtractor(name: string, D: tfl.LayersModel): Extractor {
  return {
    name,
    dims: featureSize(D),
    async features(dataset, indices) {
      const out = new Float32Array(indices.length * featureSize(D));
      const chunk = 1000;
      for (let i = 0; i < indices.length; i += chunk) {
        const slice = Array.prototype.slice.call(indices, i, i + chunk) as number[];
        const images = imagesOf(dataset, slice);
        out.set(await discriminatorFeatures(D, images), i * featureSize(D));
        images.dispose();
      }
      return out;
    },
  };
}

function pixelExtractor(dataset: ImageDataset): Extractor {
  const dims = dataset.imageSize * dataset.imageSize * dataset.channels;
  return {
    name: 'raw pixels',
    dims,
    features: async (dataset, indices) => gatherImages(dataset, indices),
  };
}

/** Picks C on a held-out fifth of the labelled rows, retrains on all of them, returns test accuracy and the C. */
async function fitAndScore(
  x: Float32Array,
  y: Uint16Array,
  d: number,
  classes: number,
  testX: Float32Array,
  testY: Uint16Array,
  cValues: number[],
  rng: Rng,
): Promise<{ accuracy: number; C: number }> {
  const n = y.length;
  const order = rng.permutation(n);
  const held = order.subarray(0, Math.max(classes, Math.floor(n / 5)));
  const fit = order.subarray(held.length);
  const gather = (rows: Uint32Array) => {
    const out = new Float32Array(rows.length * d);
    rows.forEach((r, i) => out.set(x.subarray(r * d, (r + 1) * d), i * d));
    return out;
  };
  const fitX = gather(fit);
  const scaler = Standardizer.fit(fitX, fit.length, d);
  const fitXs = scaler.apply(fitX, fit.length);
  const heldXs = scaler.apply(gather(held), held.length);
  const fitY = Uint16Array.from(fit, (r) => y[r]!);
  const heldY = Uint16Array.from(held, (r) => y[r]!);
  // Every C on the same rows, ascending, each solve warm-started from the previous one.
  const ascending = [...cValues].sort((a, b) => a - b);
  const models = await trainLinearSvmPath(fitXs, fitY, d, classes, ascending);
  let best = { C: ascending[0]!, accuracy: -1 };
  for (const [i, model] of models.entries()) {
    const acc = accuracy(await predictLinearSvm(model, heldXs, held.length), heldY);
    if (acc > best.accuracy) best = { C: ascending[i]!, accuracy: acc };
  }
  const all = Standardizer.fit(x, n, d);
  const model = await trainLinearSvm(all.apply(x, n), y, d, classes, { C: best.C });
  return { accuracy: accuracy(await predictLinearSvm(model, all.apply(testX, testY.length), testY.length), testY), C: best.C };
}

function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}

/**
 * `dcgan classify`: the paper's section 5 protocol on a labelled set. N labels per class are drawn at random (R
 * times); an L2-SVM is trained on each of three representations of the same images: the trained D's features,
 * the same D with random weights, and raw pixels; accuracy on the set's test split as mean +- std over the draws.
 */
export async function classify(request: ClassifyRequest): Promise<ClassifyResult> {
  const { labelsPerClass } = request;
  const repeats = request.repeats ?? 5;
  const seed = request.seed ?? 0;
  if (!Number.isInteger(labelsPerClass) || labelsPerClass < 2) throw new DcganError(`--labels-per-class must be at least 2, got ${labelsPerClass}`);
  if (!Number.isInteger(repeats) || repeats < 1) throw new DcganError(`--repeats must be a positive integer, got ${repeats}`);
  const say = request.onProgress ?? (() => {});
  const loaded = await loadCheckpoint(request.checkpoint);
  try {
    refuseConditional(loaded.state.config, 'dcgan classify');
  } catch (e) {
    disposeCheckpoint(loaded);
    throw e;
  }
  const { config } = loaded.state;
  const random = buildDiscriminator(config);
  try {
    // D learned from the run's images as cut (a folder's --crop, --background): the labelled images are cut alike.
    const { dataset, data, cut } = await checkpointData(loaded, request.dataset, request.data);
    const source = await resolveDatasetSource({ dataset, data });
    const train: LabelledSplit = await source.split('train', config.imageSize, config.channels, cut);
    const test: LabelledSplit = await source.split('test', config.imageSize, config.channels, cut);
    const classes = Math.max(train.classes, test.classes);
    const testCount = Math.min(request.testLimit ?? test.labels.length, test.labels.length);
    const testIndices = indexRange(0, testCount);
    const testY = test.labels.subarray(0, testCount);
    initializeWeights(random, Rng.derive(seed, RngStream.init));
    const extractors = [
      discriminatorExtractor('D features (trained)', loaded.discriminator),
      discriminatorExtractor('D features (random weights)', random),
      pixelExtractor(train.dataset),
    ];
    const draws = Array.from({ length: repeats }, (_, r) =>
      drawPerClass(train.labels, classes, labelsPerClass, Rng.derive(seed, RngStream.dataOrder, 1000 + r).permutation(train.labels.length)),
    );
    const rows: ClassifierRow[] = [];
    for (const extractor of extractors) {
      say(`${extractor.name}: ${extractor.dims} dims, features of ${testCount} test images`);
      const testX = await extractor.features(test.dataset, testIndices);
      const accuracies: number[] = [];
      const chosenC: number[] = [];
      for (const [r, indices] of draws.entries()) {
        const x = await extractor.features(train.dataset, indices);
        const y = Uint16Array.from(indices, (i) => train.labels[i]!);
        const { accuracy: acc, C } = await fitAndScore(x, y, extractor.dims, classes, testX, testY, request.cValues ?? DEFAULT_C, Rng.derive(seed, RngStream.classifyDraws, r));
        accuracies.push(acc);
        chosenC.push(C);
        say(`${extractor.name}: draw ${r + 1}/${repeats}: accuracy ${(100 * acc).toFixed(2)}% (C ${C})`);
      }
      const acc = meanStd(accuracies);
      rows.push({ features: extractor.name, dims: extractor.dims, accuracy: acc, error: { mean: 1 - acc.mean, std: acc.std }, chosenC });
    }
    return {
      protocol: {
        dataset,
        labelsPerClass,
        classes,
        repeats,
        testImages: testCount,
        classifier: 'linear L2-SVM (squared hinge), one-vs-rest, features standardised, C from {' + (request.cValues ?? DEFAULT_C).join(', ') + '} on a held-out 20% of the labels',
        checkpoint: loaded.dir,
        step: loaded.state.step,
      },
      rows,
    };
  } finally {
    random.dispose();
    disposeCheckpoint(loaded);
  }
}
