import { gatherImages as gather, generate, indexRange, latentsForSeeds, nearestDistances, seedRange } from '@dcgan-ts/core';
import { loadGenerator } from '../run/checkpoints.js';
import { featureMetrics, floorMetrics } from './featureMetrics.js';
import { type MetricsReference, openMetricsReference } from './metricsReference.js';

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
  const first = request.seed ?? 0;
  let ref: MetricsReference;
  try {
    ref = await openMetricsReference({ dataset, data: request.data, imageSize: s, channels: c, n: request.n ?? 10000, classifier: request.classifier, seed: first });
  } catch (e) {
    loaded.generator.dispose();
    throw e;
  }
  try {
    const n = ref.n;
    say(`generating ${n} samples (seeds ${first}..${first + n - 1})`);
    const fakeImages = generate(loaded.generator, latentsForSeeds(seedRange(first, n), nz, config.z), nz);
    say('classifier features of the samples');
    const fake = await ref.outputs(fakeImages);
    const result: EvaluateResult = {
      protocol: {
        samples: n,
        sampleSeeds: `${first}..${first + n - 1}`,
        extractor: ref.extractor,
        extractorTestAccuracy: ref.info?.testAccuracy ?? null,
        ...ref.protocol,
        checkpoint: loaded.dir,
        step: loaded.state.step,
      },
    };
    const value = await featureMetrics(fake, ref.reference, n, metrics, first, say);
    const floor = await floorMetrics(ref.floorSet, ref.reference, n, metrics, first);
    if (value.fid !== undefined) result.fid = { value: value.fid, floor: floor.fid! };
    if (value.kid) result.kid = { value: value.kid, floor: floor.kid! };
    if (value.is) result.is = { value: value.is, floor: floor.is! };
    if (value.pr) result.pr = { value: value.pr, floor: floor.pr! };
    if (value.hist) result.hist = { value: value.hist, floor: floor.hist! };
    if (metrics.has('nn')) {
      const m = Math.min(request.nnSamples ?? 500, n);
      say(`memorisation: nearest training image of ${m} samples (pixels)`);
      const dims = s * s * c;
      const { train } = ref;
      const all = Float64Array.from(gather(train.dataset, indexRange(0, train.labels.length)));
      const fakePixels = Float64Array.from((await fakeImages.data<'float32'>()).subarray(0, m * dims));
      const testPixels = Float64Array.from(ref.realTest.subarray(0, m * dims));
      result.nn = {
        value: (await nearestDistances(fakePixels, m, all, train.labels.length, dims)).quantiles,
        floor: (await nearestDistances(testPixels, m, all, train.labels.length, dims)).quantiles,
        samples: m,
        space: `L2 in pixel space ([-1, 1]), against all ${train.labels.length} training images`,
      };
    }
    fakeImages.dispose();
    return result;
  } finally {
    ref.dispose();
    loaded.generator.dispose();
  }
}
