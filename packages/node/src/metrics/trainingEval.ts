import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type EvalEntry,
  type FeatureMetricName,
  flattenScores,
  generate,
  generatorInputWidth,
  type LatentDistribution,
  seedRange,
  seedSampleInputs,
} from '@dcgan-ts/core';
import type { SplitCut } from '../datasets/kinds/kind.js';
import { inFp32 } from '../precision.js';
import { featureMetrics, floorMetrics } from './featureMetrics.js';
import { type MetricsReference, openMetricsReference } from './metricsReference.js';

/** `dcgan train --eval-every N` as config.json records it (null: no evaluations). */
export interface EvalPlan {
  /** Steps between evaluations (and one at the last step). */
  every: number;
  /** Samples, reference images and floor images a side (capped by the splits' sizes). */
  n: number;
  metrics: FeatureMetricName[];
  /** The classifier folder given with --classifier, or null for the cache of `dcgan train-classifier`. */
  classifier: string | null;
}

export const DEFAULT_EVAL_N = 2000;

/**
 * The evaluations of one training run. The reference and floor are computed once when it opens; each evaluation then
 * draws G's samples from the same latents (seeds 0..n-1, inference mode), so numbers are comparable across steps and
 * the last one equals `dcgan eval --n N --metrics ...` on the final checkpoint.
 */
export class TrainingEvaluator {
  private constructor(
    readonly plan: EvalPlan,
    private readonly ref: MetricsReference,
    /** G's inputs, (n, width): the latents of seeds 0..n-1, with their classes for a conditional model. */
    private readonly inputs: Float32Array,
    private readonly width: number,
    private readonly floor: EvalEntry['floor'],
  ) {}

  static async open(
    plan: EvalPlan,
    run: { dataset: string; data?: string; cut?: SplitCut; imageSize: number; channels: number; nz: number; z: LatentDistribution; classes?: number },
    onProgress?: (line: string) => void,
  ): Promise<TrainingEvaluator> {
    const seed = 0;
    // In fp32 whatever the run's precision (as every evaluation): one feature extractor, one arithmetic, as `dcgan eval`.
    return inFp32(async () => {
      const ref = await openMetricsReference({ ...run, n: plan.n, classifier: plan.classifier ?? undefined, seed, onProgress });
      const metrics = new Set<string>(plan.metrics);
      const floor = flattenScores(await floorMetrics(ref.floorSet, ref.reference, ref.n, metrics, seed));
      // G's inputs for seeds 0..n-1: with a conditional model's classes (seed i in class i mod K), as `dcgan eval`.
      const seeds = seedRange(seed, ref.n);
      return new TrainingEvaluator(plan, ref, seedSampleInputs(run, seeds), generatorInputWidth(run), floor);
    });
  }

  get extractor(): string {
    return this.ref.extractor;
  }
  get n(): number {
    return this.ref.n;
  }

  /**
   * One eval line for G at `step`; `say` hears each stage (generating, features, each metric). In fp32 whatever the
   * run's precision, so that a bf16 run's eval lines are what `dcgan eval` says of its checkpoints.
   */
  async evaluate(generator: tfl.LayersModel, step: number, epoch: number, say: (line: string) => void = () => {}): Promise<EvalEntry> {
    return inFp32(() => this.score(generator, step, epoch, say));
  }

  private async score(generator: tfl.LayersModel, step: number, epoch: number, say: (line: string) => void): Promise<EvalEntry> {
    const started = performance.now();
    say(`generating ${this.n} samples`);
    const images = generate(generator, this.inputs, this.width);
    let scores: Awaited<ReturnType<typeof featureMetrics>>;
    try {
      say('classifier features');
      const outputs = await this.ref.outputs(images);
      scores = await featureMetrics(outputs, this.ref.reference, this.n, new Set<string>(this.plan.metrics), 0, say);
    } finally {
      images.dispose();
    }
    const seconds = (performance.now() - started) / 1000;
    return { step, epoch, eval: flattenScores(scores), floor: this.floor, evalN: this.n, extractor: this.extractor, seconds };
  }

  dispose(): void {
    this.ref.dispose();
  }
}
