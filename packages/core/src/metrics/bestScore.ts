import { DcganError } from '../errors.js';
import type { EvalEntry } from './evalLog.js';
import { EVAL_SCALARS, type EvalScalar, FEATURE_METRICS, type FeatureMetricName, PLOTTED_EVAL_SCALARS } from './registry/index.js';
import type { ScalarDisplay } from './registry/metric.js';

/**
 * Which evaluation of a run was its best (`--select-by`, default FID), and when the metric has gone bad for long
 * enough to say so. GANs do not converge to their best moment: StudioGAN's DCGAN on CIFAR-10 goes from FID 49 to
 * 137 by the end of its run (POSTECH-CVLab/PyTorch-StudioGAN, its DCGAN results), which is why StudioGAN and
 * stylegan2-ada keep the checkpoint with the best FID ("best" / snapshot metrics) rather than the last.
 */

/** The scalar `--select-by` names by default. */
export const DEFAULT_SELECT_BY: EvalScalar = 'fid';

/** How much worse than the best an evaluation must be to count towards a collapse warning (25%). */
export const COLLAPSE_RELATIVE_WORSENING = 0.25;
/** Evaluations in a row that must be that much worse before the warning. */
export const COLLAPSE_EVALUATIONS = 3;

/** The scalars `--select-by` can name: those with a direction (lower or higher is better). */
export function selectableScalars(): EvalScalar[] {
  return PLOTTED_EVAL_SCALARS;
}

/** The scores `--select-by` can take in a run that evaluates `metrics`. */
export function selectableScalarsOf(metrics: readonly FeatureMetricName[]): EvalScalar[] {
  return selectableScalars().filter((name) => metrics.includes(FEATURE_METRICS.find((m) => name in m.scalars)!.name));
}

/** Checks `--select-by <scalar>` against the metrics a run evaluates; returns it as an EvalScalar. */
export function parseSelectBy(name: string, metrics: readonly FeatureMetricName[]): EvalScalar {
  const scalars = selectableScalars();
  if (!(scalars as string[]).includes(name)) throw new DcganError(`--select-by: unknown score ${JSON.stringify(name)}; choose from ${scalars.join(', ')}`);
  const metric = FEATURE_METRICS.find((m) => name in m.scalars)!;
  if (!metrics.includes(metric.name)) {
    throw new DcganError(`--select-by ${name} needs the metric ${metric.name} in --eval-metrics (this run evaluates ${metrics.join(',')})`);
  }
  return name as EvalScalar;
}

/** What one evaluation meant: a new best, and a warning line when the run looks collapsed. */
export interface BestVerdict {
  isBest: boolean;
  value: number;
  /** One line for the log and the terminal; set once per bad stretch. */
  warning?: string;
}

/** Follows one run's evaluations of one scalar: the best so far and the stretch of evaluations worse than it. */
export class BestScore {
  private bestValue: number | null = null;
  private bestStep = -1;
  private worseInARow = 0;
  private warned = false;
  private readonly lowerIsBetter: boolean;

  constructor(readonly scalar: EvalScalar) {
    this.lowerIsBetter = (EVAL_SCALARS[scalar] as ScalarDisplay).better === 'lower';
  }

  /** The best evaluation so far, or null. */
  get best(): { step: number; value: number } | null {
    return this.bestValue === null ? null : { step: this.bestStep, value: this.bestValue };
  }

  /** Replays evaluations recorded before a resume (no warnings: they were given then). */
  replay(entries: readonly EvalEntry[]): void {
    for (const entry of entries) this.consider(entry);
    this.warned = this.worseInARow >= COLLAPSE_EVALUATIONS;
  }

  /** Takes the next evaluation of the run; an entry without the scalar changes nothing. */
  consider(entry: EvalEntry): BestVerdict | null {
    const value = entry.eval[this.scalar];
    if (value === undefined || !Number.isFinite(value)) return null;
    const better = this.bestValue === null || (this.lowerIsBetter ? value < this.bestValue : value > this.bestValue);
    if (better) {
      [this.bestValue, this.bestStep, this.worseInARow, this.warned] = [value, entry.step, 0, false];
      return { isBest: true, value };
    }
    const best = this.bestValue!;
    const muchWorse = this.lowerIsBetter
      ? value > best + Math.abs(best) * COLLAPSE_RELATIVE_WORSENING
      : value < best - Math.abs(best) * COLLAPSE_RELATIVE_WORSENING;
    this.worseInARow = muchWorse ? this.worseInARow + 1 : 0;
    if (this.worseInARow >= COLLAPSE_EVALUATIONS && !this.warned) {
      this.warned = true;
      const label = EVAL_SCALARS[this.scalar].label;
      const digits = EVAL_SCALARS[this.scalar].digits;
      return {
        isBest: false,
        value,
        warning:
          `possible collapse: ${label} ${value.toFixed(digits)} at step ${entry.step} is more than ` +
          `${COLLAPSE_RELATIVE_WORSENING * 100}% worse than the best, ${best.toFixed(digits)} at step ${this.bestStep}, ` +
          `for ${this.worseInARow} evaluations in a row; checkpoints/best keeps step ${this.bestStep}`,
      };
    }
    return { isBest: false, value };
  }
}
