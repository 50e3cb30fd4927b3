import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ClassifierOutputs, DcganError, Rng, RngStream, classifierOutputs, gatherImages, indexRange } from '@dcgan-ts/core';
import type { SplitCut } from '../datasets/kinds/kind.js';
import { resolveDatasetSource } from '../datasets/registry.js';
import type { LabelledSplit } from '../representation/labelledSplits.js';
import { type ClassifierInfo, checkClassifierInput, defaultClassifierDir, loadClassifier, missingClassifierMessage } from './classifierStore.js';

export interface MetricsReferenceRequest {
  dataset: string;
  data?: string;
  imageSize: number;
  channels: number;
  /** Images a side; capped by the sizes of the test and training splits. */
  n: number;
  /** A classifier folder (default: the cache of `dcgan train-classifier`). */
  classifier?: string;
  /** How the run being scored cut its images (--crop, --background of a folder): the real images are cut alike. */
  cut?: SplitCut;
  /** Seeds the draw of the floor's training images (RngStream.floorImages) and KID's subsets. */
  seed: number;
  /** Hears the slow part (the training split, the extractor's passes), once the quick checks have passed. */
  onProgress?(line: string): void;
}

/**
 * Everything a quality score is measured against, loaded once: the feature extractor, the reference (the first n
 * images of the dataset's own test split) and the floor set (n random training images), both already through the
 * extractor. `dcgan eval` opens one per call; `dcgan train --eval-every` one per run and reuses it every evaluation.
 */
export interface MetricsReference {
  classifier: tfl.LayersModel;
  info: ClassifierInfo | null;
  /** classifier.json's name, or the folder of a user's own model. */
  extractor: string;
  n: number;
  seed: number;
  train: LabelledSplit;
  /** (n, S, S, C) pixels of the reference and the floor set, row-major, in [-1, 1]. */
  realTest: Float32Array;
  realTrain: Float32Array;
  reference: ClassifierOutputs;
  floorSet: ClassifierOutputs;
  protocol: { reference: string; floor: string };
  /** Extractor outputs of (n, S, S, C) images. */
  outputs(images: tf.Tensor4D): Promise<ClassifierOutputs>;
  dispose(): void;
}

export async function openMetricsReference(request: MetricsReferenceRequest): Promise<MetricsReference> {
  const { dataset, imageSize: s, channels: c } = request;
  // The reference split first: a source without one (fake, packed, a folder without test/) cannot be scored at all.
  const reference = async () => {
    const source = await resolveDatasetSource({ dataset, data: request.data });
    return { source, test: await source.split('test', s, c, request.cut) };
  };
  const { source, test } = await reference().catch((e: unknown) => {
    throw new DcganError(`quality metrics need a labelled test split as their reference: ${(e as Error).message}`);
  });
  const classifierDir = request.classifier ?? defaultClassifierDir(dataset, s, c, request.data);
  const { model: classifier, info } = await loadClassifier(classifierDir).catch((e: unknown) => {
    if (request.classifier) throw e;
    throw new DcganError(missingClassifierMessage(dataset, s, c, request.data, classifierDir));
  });
  try {
    checkClassifierInput(classifier, s, c);
    request.onProgress?.(`loading the reference (${dataset} test split) and the floor (training split) through ${info?.name ?? classifierDir}`);
    const train = await source.split('train', s, c, request.cut);
    const n = Math.min(request.n, test.labels.length, train.labels.length);
    const realTest = gatherImages(test.dataset, indexRange(0, n));
    const realTrain = gatherImages(train.dataset, Rng.derive(request.seed, RngStream.floorImages).permutation(train.labels.length).subarray(0, n));
    const outputs = (images: tf.Tensor4D) => classifierOutputs(classifier, images);
    const ofPixels = async (pixels: Float32Array) => {
      const images = tf.tensor4d(pixels, [n, s, s, c]);
      try {
        return await outputs(images);
      } finally {
        images.dispose();
      }
    };
    return {
      classifier,
      info,
      extractor: info?.name ?? classifierDir,
      n,
      seed: request.seed,
      train,
      realTest,
      realTrain,
      reference: await ofPixels(realTest),
      floorSet: await ofPixels(realTrain),
      protocol: {
        reference: `${dataset} test split, first ${n} images`,
        floor: `${n} random ${dataset} training images against the same reference`,
      },
      outputs,
      dispose: () => classifier.dispose(),
    };
  } catch (e) {
    classifier.dispose();
    throw e;
  }
}
