/**
 * Quality metrics recorded during training (`dcgan train --eval-every N`): log.jsonl gets one extra line type beside
 * the per-step lines (loop.ts's LogEntry), told apart by its `eval` member. Every value is a plain number so that
 * readers (the studio, `dcgan report`) can plot any of them without knowing the metric.
 *
 *   {"step": 300, "epoch": 0.64, "eval": {"fid": 41.2, "kid": 0.031, ...}, "floor": {...}, "evalN": 2000,
 *    "extractor": "mnist-16x16x1-cnn", "seconds": 3.1}
 */
export interface EvalEntry {
  step: number;
  /** Fractional epochs done. */
  epoch: number;
  /** G's samples (fixed latents: seeds 0..evalN-1) against the reference split. */
  eval: EvalScores;
  /** The same metrics between two real sets (training images against the same reference): what "perfect" reads. */
  floor: EvalScores;
  /** Samples (and reference images) each metric saw. */
  evalN: number;
  /** The feature extractor's name (classifier.json) or folder. */
  extractor: string;
  /** Wall time of the evaluation pass; training speed (imgPerSec) leaves it out. */
  seconds: number;
}

/** The scalars an eval line may hold, in display order, with how to read them. */
export const EVAL_SCALARS = {
  fid: { title: 'FID', better: 'lower', digits: 2 },
  kid: { title: 'KID', better: 'lower', digits: 4, spread: 'kidStd' },
  kidStd: { title: 'KID std over subsets', better: null, digits: 4 },
  is: { title: 'Inception-style score', better: 'higher', digits: 2, spread: 'isStd' },
  isStd: { title: 'IS std over splits', better: null, digits: 2 },
  precision: { title: 'precision (k=3)', better: 'higher', digits: 3 },
  recall: { title: 'recall (k=3)', better: 'higher', digits: 3 },
  klToUniform: { title: 'class KL to uniform', better: 'lower', digits: 3 },
  modesCovered: { title: 'classes covered', better: 'higher', digits: 0 },
} as const satisfies Record<string, { title: string; better: 'lower' | 'higher' | null; digits: number; spread?: string }>;

export type EvalScalar = keyof typeof EVAL_SCALARS;
export type EvalScores = Partial<Record<EvalScalar, number>>;

/** The scalars worth a curve of their own (a spread such as kidStd is drawn with its metric, not alone). */
export const PLOTTED_EVAL_SCALARS = (Object.keys(EVAL_SCALARS) as EvalScalar[]).filter((k) => EVAL_SCALARS[k].better !== null);

/** The metrics `dcgan eval` computes from classifier outputs, as nested results. */
export interface FeatureMetricResults {
  fid?: number;
  kid?: { mean: number; std: number };
  is?: { mean: number; std: number };
  pr?: { precision: number; recall: number };
  hist?: { klToUniform: number; modesCovered: number };
}

/** Nested metric results -> the flat scalars of an eval line. */
export function flattenScores(r: FeatureMetricResults): EvalScores {
  const out: EvalScores = {};
  if (r.fid !== undefined) out.fid = r.fid;
  if (r.kid) Object.assign(out, { kid: r.kid.mean, kidStd: r.kid.std });
  if (r.is) Object.assign(out, { is: r.is.mean, isStd: r.is.std });
  if (r.pr) Object.assign(out, { precision: r.pr.precision, recall: r.pr.recall });
  if (r.hist) Object.assign(out, { klToUniform: r.hist.klToUniform, modesCovered: r.hist.modesCovered });
  return out;
}

/** True for an eval line of log.jsonl (a per-step line has lossD etc. and no `eval`). */
export function isEvalEntry(line: unknown): line is EvalEntry {
  const e = line as Partial<EvalEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.step === 'number' && typeof e.eval === 'object' && e.eval !== null;
}

/** An eval line's scores in one short line: "FID 41.20 KID 0.0312 IS 3.41 precision 0.610 recall 0.420". */
export function formatScores(scores: EvalScores): string {
  return PLOTTED_EVAL_SCALARS.filter((k) => scores[k] !== undefined)
    .map((k) => `${k === 'fid' || k === 'kid' || k === 'is' ? k.toUpperCase() : k} ${scores[k]!.toFixed(EVAL_SCALARS[k].digits)}`)
    .join('  ');
}
