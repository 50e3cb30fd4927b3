import type { Rng } from '../rng.js';

/**
 * A regularised linear L2-SVM (squared hinge loss), one-vs-rest, as the paper's section 5.1 classifies D's features:
 *   min_w  1/2 |w|^2 + C sum_i max(0, 1 - y_i w.x_i)^2     (bias learnt as the weight of a constant feature)
 * solved by dual coordinate descent (Hsieh et al. 2008, "A Dual Coordinate Descent Method for Large-scale Linear
 * SVM"; reference: LIBLINEAR's solver 1, L2R_L2LOSS_SVC_DUAL), which needs no step size and converges in a few
 * dozen passes. Features should be standardised first (see Standardizer).
 */
export interface LinearSvmModel {
  classes: number;
  /** Feature size, without the bias feature. */
  dims: number;
  /** (classes, dims + 1) row-major; the last column is the bias. */
  weights: Float64Array;
}

export interface SvmOptions {
  C: number;
  /** Stop when the projected gradient's spread falls below this (LIBLINEAR's default 0.1). */
  tolerance?: number;
  maxPasses?: number;
}

/** Trains one binary L2-SVM (labels +1/-1) into `w` (dims + 1). */
function trainBinary(x: Float32Array, n: number, d: number, y: Int8Array, w: Float64Array, opts: SvmOptions, rng: Rng): void {
  const diag = 1 / (2 * opts.C);
  const tolerance = opts.tolerance ?? 0.1;
  const alpha = new Float64Array(n);
  const qii = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 1; // the bias feature
    for (let k = 0; k < d; k++) s += x[i * d + k]! ** 2;
    qii[i] = s + diag;
  }
  for (let pass = 0; pass < (opts.maxPasses ?? 200); pass++) {
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (const i of rng.permutation(n)) {
      const row = i * d;
      let dot = w[d]!;
      for (let k = 0; k < d; k++) dot += w[k]! * x[row + k]!;
      const g = y[i]! * dot - 1 + diag * alpha[i]!;
      const pg = alpha[i] === 0 ? Math.min(g, 0) : g;
      maxPg = Math.max(maxPg, pg);
      minPg = Math.min(minPg, pg);
      if (Math.abs(pg) < 1e-12) continue;
      const old = alpha[i]!;
      alpha[i] = Math.max(old - g / qii[i]!, 0);
      const step = (alpha[i]! - old) * y[i]!;
      for (let k = 0; k < d; k++) w[k]! += step * x[row + k]!;
      w[d]! += step;
    }
    if (maxPg - minPg < tolerance) break;
  }
}

/** One-vs-rest L2-SVM on features x (n, d) with integer labels in [0, classes). */
export function trainLinearSvm(x: Float32Array, labels: ArrayLike<number>, d: number, classes: number, opts: SvmOptions, rng: Rng): LinearSvmModel {
  const n = labels.length;
  const weights = new Float64Array(classes * (d + 1));
  const y = new Int8Array(n);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < n; i++) y[i] = labels[i] === c ? 1 : -1;
    trainBinary(x, n, d, y, weights.subarray(c * (d + 1), (c + 1) * (d + 1)), opts, rng);
  }
  return { classes, dims: d, weights };
}

/** Predicted classes (argmax of the one-vs-rest scores) of rows of x (n, d). */
export function predictLinearSvm(model: LinearSvmModel, x: Float32Array, n: number): Uint8Array {
  const { classes, dims: d, weights } = model;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let c = 0; c < classes; c++) {
      const w = c * (d + 1);
      let s = weights[w + d]!;
      for (let k = 0; k < d; k++) s += weights[w + k]! * x[i * d + k]!;
      if (s > best) {
        best = s;
        out[i] = c;
      }
    }
  }
  return out;
}

export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}

/** Per-feature standardisation fitted on training rows: (x - mean) / std (std 1 where a feature is constant). */
export class Standardizer {
  private constructor(
    readonly mean: Float64Array,
    readonly invStd: Float64Array,
  ) {}

  static fit(x: Float32Array, n: number, d: number): Standardizer {
    const mean = new Float64Array(d);
    const sq = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k]! += x[i * d + k]!;
    for (let k = 0; k < d; k++) mean[k]! /= n;
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) sq[k]! += (x[i * d + k]! - mean[k]!) ** 2;
    const invStd = sq.map((s) => {
      const std = Math.sqrt(s / Math.max(n - 1, 1));
      return std > 1e-8 ? 1 / std : 1;
    });
    return new Standardizer(mean, invStd);
  }

  apply(x: Float32Array, n: number): Float32Array {
    const d = this.mean.length;
    const out = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) out[i * d + k] = (x[i * d + k]! - this.mean[k]!) * this.invStd[k]!;
    return out;
  }
}
