import {
  type ClassAccuracy,
  classAccuracy,
  classCount,
  FEATURE_METRICS,
  type FeatureMetricResults,
  gatherImages as gather,
  generate,
  generatorInputWidth,
  indexRange,
  memorisation,
  type MetricName,
  METRICS,
  seedClasses,
  seedRange,
  seedSampleInputs,
} from '@dcgan-ts/core';
import { checkpointData } from '../datasets/trainingData.js';
import { withGenerator } from '../run/checkpoints.js';
import { featureMetrics, floorMetrics } from './featureMetrics.js';
import { openMetricsReference } from './metricsReference.js';

/**
 * `dcgan eval`: the checkpoint, the real data, which metrics (default all) on how many samples, the classifier whose
 * features they read, and the first seed of the samples.
 */
export interface EvaluateRequest {
  checkpoint: string;
  /** false: G's own weights where the checkpoint also holds their moving average (--no-ema). Default true. */
  ema?: boolean;
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

/**
 * What evaluate measured: the protocol, and each metric computed, its value beside its floor (the same metric between
 * two real sets).
 */
export type EvaluateResult = {
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
} & { [K in keyof FeatureMetricResults]?: Pair<NonNullable<FeatureMetricResults[K]>> } & {
  nn?: Pair<Awaited<ReturnType<typeof memorisation.compute>>> & { samples: number; space: string };
  /** A class-conditional checkpoint: the share of samples the classifier puts in their requested class. */
  classAccuracy?: ClassAccuracy;
};

/**
 * `dcgan eval`: sample quality of a checkpoint, each number beside its floor (the same metric between two real
 * sets: a random subset of the training split against the test split), with the protocol it was computed under.
 */
export async function evaluate(request: EvaluateRequest): Promise<EvaluateResult> {
  const metrics = new Set<MetricName>(request.metrics ?? METRICS.map((m) => m.name));
  const say = request.onProgress ?? (() => {});
  return withGenerator(request, async (loaded) => {
    const { config } = loaded.state;
    const { imageSize: s, channels: c } = config;
    const first = request.seed ?? 0;
    // The run's own data, read where the run read it and cut as it cut it (a folder's --crop), so reals and samples compare.
    const { dataset, data, cut } = await checkpointData(loaded, request.dataset, request.data);
    const ref = await openMetricsReference({ dataset, data, cut, imageSize: s, channels: c, n: request.n ?? 10000, classifier: request.classifier, seed: first });
    try {
      const n = ref.n;
      say(`generating ${n} samples (seeds ${first}..${first + n - 1})`);
      // A conditional model draws seed i in class i mod K: the classes equally, as the reference holds them.
      const seeds = seedRange(first, n);
      const fakeImages = generate(loaded.generator, seedSampleInputs(config, seeds), generatorInputWidth(config));
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
      const k = classCount(config);
      if (k > 0 && fake.classes === k) result.classAccuracy = classAccuracy(fake.probs, k, seedClasses(seeds, k));
      const value = await featureMetrics(fake, ref.reference, n, metrics, first, say);
      const floor = await floorMetrics(ref.floorSet, ref.reference, n, metrics, first);
      for (const { name } of FEATURE_METRICS) {
        if (value[name] !== undefined) Object.assign(result, { [name]: { value: value[name], floor: floor[name] } });
      }
      if (metrics.has(memorisation.name)) {
        const m = Math.min(request.nnSamples ?? 500, n);
        say(`memorisation: nearest training image of ${m} samples (pixels)`);
        const dims = s * s * c;
        const { train } = ref;
        const all = Float64Array.from(gather(train.dataset, indexRange(0, train.labels.length)));
        const fakePixels = Float64Array.from((await fakeImages.data<'float32'>()).subarray(0, m * dims));
        const testPixels = Float64Array.from(ref.realTest.subarray(0, m * dims));
        const against = { m, train: all, trainN: train.labels.length, dims };
        result.nn = {
          value: await memorisation.compute({ query: fakePixels, ...against }),
          floor: await memorisation.compute({ query: testPixels, ...against }),
          samples: m,
          space: `L2 in pixel space ([-1, 1]), against all ${train.labels.length} training images`,
        };
      }
      fakeImages.dispose();
      return result;
    } finally {
      ref.dispose();
    }
  });
}

/** `dcgan eval`'s lines for a result: each metric's value beside its floor, as the metric describes itself. */
export function evaluationLines(r: EvaluateResult): string[] {
  const lines: string[] = [];
  for (const metric of FEATURE_METRICS) {
    const pair = r[metric.name] as { value: unknown; floor: unknown } | undefined;
    // Each metric describes its own result type; iterating the union of metrics loses the pairing, hence the cast.
    if (pair) lines.push(`  ${(metric.describe as (value: unknown, floor: unknown) => string)(pair.value, pair.floor)}`);
  }
  if (r.nn) lines.push(`  ${memorisation.describe(r.nn.value, r.nn.floor, r.nn.samples, r.nn.space)}`);
  if (r.classAccuracy) {
    const per = r.classAccuracy.perClass.map((a, k) => `${k}: ${(100 * a).toFixed(1)}`).join(', ');
    lines.push(`  class accuracy: ${(100 * r.classAccuracy.accuracy).toFixed(2)}% of the samples classified as their requested class (${per})`);
  }
  return lines;
}
