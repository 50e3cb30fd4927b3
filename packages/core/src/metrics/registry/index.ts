import { DcganError } from '../../errors.js';
import { classHistogram } from './classHistogram.js';
import { fid } from './fid.js';
import { inceptionScore } from './inceptionScore.js';
import { kid } from './kid.js';
import { memorisation } from './memorisation.js';
import type { FloorKind, ScalarDisplay } from './metric.js';
import { precisionRecall } from './precisionRecall.js';

/**
 * The quality metrics, in display order: every list of metric names, option check, eval-line scalar, chart, report
 * row and docs table is read from here. A new metric is one file in this folder and one entry below.
 */
export const FEATURE_METRICS = [fid, kid, inceptionScore, precisionRecall, classHistogram] as const;
/** The pixel-space metrics (`dcgan eval` only). */
export const PIXEL_METRICS = [memorisation] as const;
/** Every quality metric, in display order: the feature metrics, then the pixel metrics. */
export const METRICS = [...FEATURE_METRICS, ...PIXEL_METRICS] as const;

/** A feature metric's name, as `--eval-metrics` takes it: 'fid', 'kid', 'is', 'pr' or 'hist'. */
export type FeatureMetricName = (typeof FEATURE_METRICS)[number]['name'];
/** Any metric's name, as `dcgan eval --metrics` takes it: a FeatureMetricName or 'nn'. */
export type MetricName = (typeof METRICS)[number]['name'];

type AnyFeatureMetric = (typeof FEATURE_METRICS)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Nested results of the feature metrics, by name (e.g. `kid: { mean, std, subsetSize }`). */
export type FeatureMetricResults = { [M in AnyFeatureMetric as M['name']]?: Awaited<ReturnType<M['compute']>> };

/** Every scalar an eval line may hold, in display order, with how to read it. */
export const EVAL_SCALARS = Object.assign({}, ...FEATURE_METRICS.map((m) => m.scalars)) as UnionToIntersection<AnyFeatureMetric['scalars']>;
/** The key of one scalar of an eval line (e.g. 'fid', 'kidStd'). */
export type EvalScalar = keyof typeof EVAL_SCALARS;
/** An eval line's scalars by key; those of metrics not computed are absent. */
export type EvalScores = Partial<Record<EvalScalar, number>>;

/** The scalars worth a curve of their own (a spread such as kidStd is drawn with its metric, not alone). */
export const PLOTTED_EVAL_SCALARS = (Object.keys(EVAL_SCALARS) as EvalScalar[]).filter((k) => (EVAL_SCALARS[k] as ScalarDisplay).better !== null);

/** The names `--eval-metrics` takes by default. */
export const DEFAULT_EVAL_METRICS: FeatureMetricName[] = FEATURE_METRICS.filter((m) => m.inTrainingByDefault).map((m) => m.name);

/** The floor of the metric an eval-line scalar belongs to: what it is and what it is called beside a value. */
export function floorOfScalar(key: EvalScalar): { kind: FloorKind; label: string } {
  const metric = FEATURE_METRICS.find((m) => key in m.scalars);
  if (!metric) throw new Error(`no metric has the scalar ${key}`);
  return metric.floor;
}

/** Nested metric results -> the flat scalars of an eval line. */
export function flattenScores(results: FeatureMetricResults): EvalScores {
  const out: EvalScores = {};
  for (const metric of FEATURE_METRICS) {
    const value = results[metric.name];
    // Each metric flattens its own result type; the union of metrics loses the pairing, hence the cast.
    if (value !== undefined) Object.assign(out, (metric.flatten as (v: typeof value) => EvalScores)(value));
  }
  return out;
}

/**
 * Parses a comma-separated list of metric names for `option`, in display order. `scope` 'training' admits only
 * what can run during training (`--eval-metrics`); 'eval' admits every metric (`dcgan eval --metrics`).
 */
export function parseMetricList(list: string, option: string, scope: 'training'): FeatureMetricName[];
export function parseMetricList(list: string, option: string, scope: 'eval'): MetricName[];
export function parseMetricList(list: string, option: string, scope: 'training' | 'eval'): MetricName[] {
  const allowed: readonly { name: MetricName }[] = scope === 'training' ? FEATURE_METRICS : METRICS;
  const asked = list.split(',').map((m) => m.trim()).filter((m) => m !== '');
  const names = allowed.map((m) => m.name);
  for (const name of asked) {
    if ((names as string[]).includes(name)) continue;
    const evalOnly = PIXEL_METRICS.find((m) => m.name === name);
    if (evalOnly) throw new DcganError(`${option}: ${name} ${evalOnly.evalOnlyBecause} and is for \`dcgan eval\` only; choose from ${names.join(', ')}`);
    throw new DcganError(`${option}: unknown metric ${name}; known: ${names.join(', ')}`);
  }
  if (asked.length === 0) throw new DcganError(`${option}: name at least one metric`);
  return names.filter((m) => asked.includes(m));
}
