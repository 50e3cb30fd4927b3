import { EVAL_SCALARS, type EvalScores, PLOTTED_EVAL_SCALARS } from './registry/index.js';

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

/** True for an eval line of log.jsonl (a per-step line has lossD etc. and no `eval`). */
export function isEvalEntry(line: unknown): line is EvalEntry {
  const e = line as Partial<EvalEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.step === 'number' && typeof e.eval === 'object' && e.eval !== null;
}

/** An eval line's scores in one short line: "FID 41.20 KID 0.0312 IS 3.41 precision 0.610 recall 0.420". */
export function formatScores(scores: EvalScores): string {
  return PLOTTED_EVAL_SCALARS.filter((k) => scores[k] !== undefined)
    .map((k) => `${EVAL_SCALARS[k].label} ${scores[k]!.toFixed(EVAL_SCALARS[k].digits)}`)
    .join('  ');
}
