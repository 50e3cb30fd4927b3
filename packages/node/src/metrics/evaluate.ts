import * as tf from '@tensorflow/tfjs-core';
import {
  DcganError,
  Rng,
  classHistogram,
  classifierOutputs,
  fitGaussian,
  frechetDistance,
  gatherImages as gather,
  generate,
  indexRange,
  inceptionScore,
  kernelInceptionDistance,
  latentsForSeeds,
  nearestDistances,
  precisionRecall,
  seedRange,
} from '@dcgan-ts/core';
import { loadGenerator } from '../run/checkpoints.js';
import { loadLabelledSplit } from '../representation/labelledSplits.js';
import { defaultClassifierDir, loadClassifier } from './classifierStore.js';

export const METRIC_NAMES = ['fid', 'kid', 'is', 'pr', 'nn', 'hist'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface EvaluateRequest {
  checkpoint: string;
  dataset?: string;
  data?: string;
  metrics?: MetricName[];
  /** Generated samples (and real images on each side of the floor). */
  n?: number;
  /** Samples checked for memorisation against the whole training split (pixel space, O(n * 60,000)). */
  nnSamples?: number;
  /** A classifier folder (default: the cache of `dcgan train-classifier`). */
  classifier?: string;
  /** Samples use the latents of seeds seed..seed+n-1. */
  seed?: number;
  onProgress?(line: string): void;
}

type Pair<T> = { value: T; floor: T };

export interface EvaluateResult {
  protocol: {
    samples: number;
    sampleSeeds: string;
    extractor: string;
    extractorTestAccuracy: number | null;
    reference: string;
    floor: string;
    checkpoint: string;
    step: number;
  };
  fid?: Pair<number>;
  kid?: Pair<{ mean: number; std: number; subsetSize: number }>;
  is?: Pair<{ mean: number; std: number }>;
  pr?: Pair<{ precision: number; recall: number; k: number }>;
  nn?: Pair<{ p1: number; p10: number; median: number }> & { samples: number; space: string };
  hist?: Pair<{ counts: number[]; klToUniform: number; modesCovered: number }>;
}

/**
 * `dcgan eval`: sample quality of a checkpoint, each number beside its floor (the same metric between two real
 * sets: a random subset of the training split against the test split), with the protocol it was computed under.
 */
export async function evaluate(request: EvaluateRequest): Promise<EvaluateResult> {
  const metrics = new Set<MetricName>(request.metrics ?? ['fid', 'kid', 'is', 'pr', 'nn', 'hist']);
  const say = request.onProgress ?? (() => {});
  const loaded = await loadGenerator(request.checkpoint);
  const { config } = loaded.state;
  const dataset = request.dataset ?? loaded.state.dataset.name;
  const { imageSize: s, channels: c, nz } = config;
  const classifierDir = request.classifier ?? defaultClassifierDir(dataset, s, c);
  const { model: classifier, info } = await loadClassifier(classifierDir).catch((e: unknown) => {
    loaded.generator.dispose();
    if (request.classifier) throw e;
    throw new DcganError(
      `no metrics classifier for ${dataset} ${s}x${s}x${c} in ${classifierDir}; train one with \`dcgan train-classifier --dataset ${dataset} --image-size ${s} --channels ${c}\` or pass --classifier`,
    );
  });
  try {
    const inputShape = classifier.inputs[0]!.shape;
    if (inputShape[1] !== s || inputShape[2] !== s || inputShape[3] !== c) {
      throw new DcganError(`the classifier takes ${inputShape.slice(1).join('x')} images; this generator draws ${s}x${s}x${c}`);
    }
    const train = await loadLabelledSplit(dataset, request.data, 'train', s, c);
    const test = await loadLabelledSplit(dataset, request.data, 'test', s, c);
    const n = Math.min(request.n ?? 10000, test.labels.length, train.labels.length);
    const first = request.seed ?? 0;
    const rng = Rng.derive(first, 11);

    say(`generating ${n} samples (seeds ${first}..${first + n - 1})`);
    const fakeImages = generate(loaded.generator, latentsForSeeds(seedRange(first, n), nz, config.z), nz);
    const testIndices = indexRange(0, n);
    const trainIndices = rng.permutation(train.labels.length).subarray(0, n);
    const realTest = gather(test.dataset, testIndices);
    const realTrain = gather(train.dataset, trainIndices);
    const outputs = (pixels: Float32Array | tf.Tensor4D) => {
      const images = pixels instanceof Float32Array ? tf.tensor4d(pixels, [n, s, s, c]) : pixels;
      const o = classifierOutputs(classifier, images);
      if (pixels instanceof Float32Array) images.dispose();
      return o;
    };
    say('classifier features of samples, test images and training images');
    const fake = outputs(fakeImages);
    const ref = outputs(realTest);
    const floor = outputs(realTrain);
    const d = fake.featureDims;
    const result: EvaluateResult = {
      protocol: {
        samples: n,
        sampleSeeds: `${first}..${first + n - 1}`,
        extractor: info?.name ?? classifierDir,
        extractorTestAccuracy: info?.testAccuracy ?? null,
        reference: `${dataset} test split, first ${n} images`,
        floor: `${n} random ${dataset} training images against the same reference`,
        checkpoint: loaded.dir,
        step: loaded.state.step,
      },
    };
    if (metrics.has('fid')) {
      say('FID');
      const refG = fitGaussian(ref.features, n, d);
      result.fid = { value: frechetDistance(fitGaussian(fake.features, n, d), refG), floor: frechetDistance(fitGaussian(floor.features, n, d), refG) };
    }
    if (metrics.has('kid')) {
      say('KID');
      const kid = (x: Float64Array) => kernelInceptionDistance(x, n, ref.features, n, d, Rng.derive(first, 12), 100, 1000);
      result.kid = { value: kid(fake.features), floor: kid(floor.features) };
    }
    if (metrics.has('is')) {
      result.is = { value: inceptionScore(fake.probs, n, fake.classes, 10), floor: inceptionScore(ref.probs, n, ref.classes, 10) };
    }
    if (metrics.has('hist')) {
      result.hist = { value: classHistogram(fake.probs, n, fake.classes), floor: classHistogram(ref.probs, n, ref.classes) };
    }
    if (metrics.has('pr')) {
      say('precision and recall (k = 3)');
      const m = Math.min(n, 5000); // O(m^2): 5,000 a side keeps it to seconds
      result.pr = {
        value: precisionRecall(ref.features.subarray(0, m * d), m, fake.features.subarray(0, m * d), m, d, 3),
        floor: precisionRecall(ref.features.subarray(0, m * d), m, floor.features.subarray(0, m * d), m, d, 3),
      };
    }
    if (metrics.has('nn')) {
      const m = Math.min(request.nnSamples ?? 500, n);
      say(`memorisation: nearest training image of ${m} samples (pixels)`);
      const dims = s * s * c;
      const all = Float64Array.from(gather(train.dataset, indexRange(0, train.labels.length)));
      const fakePixels = Float64Array.from((await fakeImages.data<'float32'>()).subarray(0, m * dims));
      const testPixels = Float64Array.from(realTest.subarray(0, m * dims));
      result.nn = {
        value: nearestDistances(fakePixels, m, all, train.labels.length, dims).quantiles,
        floor: nearestDistances(testPixels, m, all, train.labels.length, dims).quantiles,
        samples: m,
        space: `L2 in pixel space ([-1, 1]), against all ${train.labels.length} training images`,
      };
    }
    fakeImages.dispose();
    return result;
  } finally {
    classifier.dispose();
    loaded.generator.dispose();
  }
}
