/**
 * What a quality metric is, declared once: its name on the command line (`--metrics`, `--eval-metrics`), what it
 * reads, how it is computed, what real data reads for it (its floor), and how its numbers are shown (the eval line's
 * scalars, `dcgan eval`'s line, the report's and the studio's charts, the README's table). One file per metric in
 * this folder; `index.ts` lists them in display order.
 */

/** Features (n, featureDims) and class probabilities (n, classes) of n images, row-major, as classifierOutputs gives. */
export interface ClassifierOutputs {
  features: Float64Array;
  probs: Float64Array;
  featureDims: number;
  classes: number;
}

/** How one scalar of an eval line reads: its label, which way is better (null: a spread drawn with its metric). */
export interface ScalarDisplay {
  /** Short label for one-line summaries ("FID 41.20"). */
  readonly label: string;
  /** Chart and table title. */
  readonly title: string;
  readonly better: 'lower' | 'higher' | null;
  readonly digits: number;
  /** The scalar holding this one's spread (KID's std over subsets), drawn around it. */
  readonly spread?: string;
}

/**
 * What a metric's floor is: the same metric between two real sets, so that a sample score has something to be read
 * against. `real-vs-reference`: training images against the reference (test) split; `reference-itself`: a score of
 * one set (IS, the class histogram) taken on the reference split; `test-vs-train`: the test images against the
 * training split (memorisation distances).
 */
export type FloorKind = 'real-vs-reference' | 'reference-itself' | 'test-vs-train';

interface MetricBase<Name extends string> {
  readonly name: Name;
  /** One line for `--help` and the docs. */
  readonly summary: string;
  /** The paper that defines it and the implementation whose numbers ours match (tested in core's golden tests). */
  readonly source: string;
  readonly floor: { readonly kind: FloorKind; /** How the floor is named beside a value ("real data", "test set"). */ readonly label: string };
}

/** The inputs of a metric computed from a classifier's outputs: n samples' against n reference images'. */
export interface FeatureMetricInputs {
  sample: ClassifierOutputs;
  reference: ClassifierOutputs;
  n: number;
  /** The evaluation's seed: a metric that draws subsets derives its stream from it (RngStream). */
  seed: number;
}

/** A metric of the classifier's features or class probabilities: it can run during training (`--eval-metrics`). */
export interface FeatureMetric<Name extends string, Result, Scalars extends Record<string, ScalarDisplay>> extends MetricBase<Name> {
  readonly reads: 'classifier features' | 'class probabilities';
  /** Part of `--eval-metrics`'s default (cheap and telling). */
  readonly inTrainingByDefault: boolean;
  /** What the progress line says while it runs, when it takes a while. */
  readonly progress?: string;
  compute(inputs: FeatureMetricInputs): Promise<Result>;
  /** The eval line's scalars of a result, in display order. */
  readonly scalars: Scalars;
  flatten(result: Result): { [K in keyof Scalars]?: number };
  /** `dcgan eval`'s line: the value beside its floor. */
  describe(value: Result, floor: Result): string;
}

/** The inputs of a metric in pixel space ([-1, 1]): m query images against every training image. */
export interface PixelMetricInputs {
  query: Float64Array;
  m: number;
  train: Float64Array;
  trainN: number;
  /** S * S * C. */
  dims: number;
}

/** A metric in pixel space against the whole training split: too heavy for training, `dcgan eval` only. */
export interface PixelMetric<Name extends string, Result> extends MetricBase<Name> {
  readonly reads: 'pixels and the training split';
  /** Why it stays out of training, for `--eval-metrics`' refusal ("compares samples with every training image"). */
  readonly evalOnlyBecause: string;
  compute(inputs: PixelMetricInputs): Promise<Result>;
  describe(value: Result, floor: Result, samples: number, space: string): string;
}

/** `x.toFixed(digits)`: the metrics' lines share it. */
export const fixed = (x: number, digits = 3): string => x.toFixed(digits);

/** Declares a feature metric, keeping its name and scalar keys as literal types (the eval line's keys are typed). */
export function featureMetric<const Name extends string, Result, const Scalars extends Record<string, ScalarDisplay>>(
  metric: FeatureMetric<Name, Result, Scalars>,
): FeatureMetric<Name, Result, Scalars> {
  return metric;
}

/** Declares a pixel-space metric. */
export function pixelMetric<const Name extends string, Result>(metric: PixelMetric<Name, Result>): PixelMetric<Name, Result> {
  return metric;
}
