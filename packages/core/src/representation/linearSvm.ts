import * as tf from '@tensorflow/tfjs-core';

/**
 * A regularised linear L2-SVM (squared hinge loss), one-vs-rest, as the paper's section 5.1 classifies D's features:
 *   min_w  f(w) = 1/2 |w|^2 + C sum_i max(0, 1 - y_i w.x_i)^2     (bias learnt as the weight of a constant feature)
 * solved in the primal by Newton's method (Keerthi & DeCoste 2005, "A Modified Finite Newton Method for Fast Solution
 * of Large Scale Linear SVMs"; LIBLINEAR's solver 2, L2R_L2LOSS_SVC, is the same objective): f is convex and once
 * differentiable, its generalised Hessian on the active set A = {i : y_i w.x_i < 1} is I + 2C X_A^T X_A, each Newton
 * step is solved by conjugate gradients and followed by the exact line search along the piecewise quadratic f.
 * All one-vs-rest problems run at once, so that the cost is a few matrix products X V and X^T U with one column per
 * class (tf.matMul: oneDNN's sgemm on the native backend); products are float32, everything else (CG, line search,
 * weights) float64. Tested against dual coordinate descent loops (Hsieh et al. 2008) on the same objective.
 * Features should be standardised first (see Standardizer).
 */
export interface LinearSvmModel {
  classes: number;
  /** Feature size, without the bias feature. */
  dims: number;
  /** (classes, dims + 1) row-major; the last column is the bias. */
  weights: Float64Array;
}

/**
 * trainLinearSvm's settings: C, the weight of the squared hinge losses against the regulariser (larger fits the
 * training rows harder), and when the solver stops.
 */
export interface SvmOptions {
  C: number;
  /**
   * Stop a class when |grad f(w)| <= tolerance |grad f(0)| (LIBLINEAR's primal solvers stop at 0.01 of a similar
   * measure); default 1e-4, which leaves the objective within ~1e-5 of its optimum, also when warm-started.
   */
  tolerance?: number;
  /** Newton steps at most (default 50); each typically takes tens of CG iterations. */
  maxNewtonIterations?: number;
  /** CG iterations per Newton step at most (default 300). */
  maxCgIterations?: number;
  /** After each Newton step: its C, index, CG iterations, and the largest relative gradient norm before it. */
  onNewtonStep?(step: { C: number; newton: number; cgIterations: number; relativeGradient: number }): void;
}

/** Relative residual at which CG stops a Newton step (inexact Newton; TRON's 0.1). */
const CG_FORCING = 0.1;

/**
 * Products with the design matrix X = [x, 1] (n, d + 1), held on the backend with its transpose: X^T U as
 * tf.matMul(X, U, transposeA) runs at a third of the speed of the same product on a stored X^T (oneDNN, 8000 x 7169
 * by 10 columns: 28 vs 10.6 ms), and each CG iteration does one of each.
 */
class Design {
  private readonly x: tf.Tensor2D;
  private readonly xt: tf.Tensor2D;
  constructor(
    x: Float32Array,
    readonly n: number,
    readonly d: number,
    readonly cols: number,
  ) {
    const withBias = new Float32Array(n * (d + 1));
    for (let i = 0; i < n; i++) {
      withBias.set(x.subarray(i * d, (i + 1) * d), i * (d + 1));
      withBias[i * (d + 1) + d] = 1;
    }
    this.x = tf.tensor2d(withBias, [n, d + 1]);
    this.xt = tf.transpose(this.x);
  }
  /** [x, 1] V: V (d + 1, cols) -> (n, cols). */
  async times(v: Float64Array): Promise<Float32Array> {
    const out = tf.tidy(() => tf.matMul(this.x, tf.tensor2d(Float32Array.from(v), [this.d + 1, this.cols])));
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  }
  /** [x, 1]^T U: U (n, cols) -> (d + 1, cols). */
  async transposeTimes(u: Float64Array): Promise<Float32Array> {
    const out = tf.tidy(() => tf.matMul(this.xt, tf.tensor2d(Float32Array.from(u), [this.n, this.cols])));
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  }
  dispose(): void {
    tf.dispose([this.x, this.xt]);
  }
}

/** Per-column squared norms of a (rows, cols) row-major matrix. */
function columnNorms2(m: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c]! += m[r * cols + c]! ** 2;
  return out;
}

/**
 * The exact minimiser t >= 0 of f(w + t s) for one class: with margins a_i = y_i w.x_i and b_i = y_i s.x_i,
 *   f'(t) = w.s + t |s|^2 + 2C sum_{i : a_i + t b_i < 1} b_i (a_i - 1 + t b_i),
 * piecewise linear and non-decreasing in t; sweep its breakpoints (1 - a_i) / b_i in order until the root.
 */
function lineSearch(a: Float64Array, b: Float64Array, ws: number, ss: number, C: number): number {
  let s0 = 0; // sum over the active set of b (a - 1)
  let s1 = 0; // sum over the active set of b^2
  const events: { t: number; i: number; enters: boolean }[] = [];
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    const bi = b[i]!;
    const activeNow = ai < 1 || (ai === 1 && bi < 0);
    if (activeNow) {
      s0 += bi * (ai - 1);
      s1 += bi * bi;
      if (bi > 0) events.push({ t: (1 - ai) / bi, i, enters: false });
    } else if (bi < 0) {
      events.push({ t: (1 - ai) / bi, i, enters: true });
    }
  }
  events.sort((p, q) => p.t - q.t);
  let tPrev = 0;
  for (let e = 0; ; e++) {
    const slope = ss + 2 * C * s1;
    const root = slope > 0 ? -(ws + 2 * C * s0) / slope : Infinity;
    const next = e < events.length ? events[e]! : null;
    if (next === null || root <= next.t) return Math.max(root, tPrev);
    const { i, enters } = next;
    const sign = enters ? 1 : -1;
    s0 += sign * b[i]! * (a[i]! - 1);
    s1 += sign * b[i]! ** 2;
    tPrev = next.t;
  }
}

/**
 * One-vs-rest L2-SVMs on features x (n, d) with integer labels in [0, classes), one model per C in `cValues`
 * (solved in that order, each warm-started from the previous solution: ascending C is cheapest).
 */
export async function trainLinearSvmPath(
  x: Float32Array,
  labels: ArrayLike<number>,
  d: number,
  classes: number,
  cValues: number[],
  opts: Omit<SvmOptions, 'C'> = {},
): Promise<LinearSvmModel[]> {
  const n = labels.length;
  const k = classes;
  const tolerance = opts.tolerance ?? 1e-4;
  const design = new Design(x, n, d, k);
  const p = d + 1;
  // Y (n, k): +1 for the class, -1 for the rest.
  const y = new Float64Array(n * k).fill(-1);
  for (let i = 0; i < n; i++) y[i * k + labels[i]!] = 1;
  // |grad f(0)| = 2C |[x, 1]^T Y| per class (at w = 0 every sample is active with residual -y).
  const xty = columnNorms2(await design.transposeTimes(y), p, k).map(Math.sqrt);
  const w = new Float64Array(p * k); // (d + 1, k): column c is class c's weights
  const models: LinearSvmModel[] = [];
  try {
    for (const C of cValues) {
      const gradAtZero = xty.map((v) => 2 * C * v);
      for (let newton = 0; newton < (opts.maxNewtonIterations ?? 50); newton++) {
        const o = await design.times(w); // (n, k) scores
        const active = new Uint8Array(n * k);
        const residual = new Float64Array(n * k); // active * (o - y)
        for (let j = 0; j < n * k; j++) {
          if (y[j]! * o[j]! < 1) {
            active[j] = 1;
            residual[j] = o[j]! - y[j]!;
          }
        }
        const xr = await design.transposeTimes(residual);
        const grad = new Float64Array(p * k);
        for (let j = 0; j < p * k; j++) grad[j] = w[j]! + 2 * C * xr[j]!;
        const gnorm = columnNorms2(grad, p, k).map(Math.sqrt);
        const open = Array.from({ length: k }, (_, c) => gnorm[c]! > tolerance * gradAtZero[c]!);
        if (!open.some(Boolean)) break;
        const { step, iterations } = await conjugateGradient(design, active, grad, gnorm, open, C, opts.maxCgIterations ?? 300);
        const relativeGradient = Math.max(...Array.from(gnorm, (g, c) => g / gradAtZero[c]!));
        opts.onNewtonStep?.({ C, newton, cgIterations: iterations, relativeGradient });
        // Exact line search per class along its step.
        const q = await design.times(step);
        const a = new Float64Array(n);
        const b = new Float64Array(n);
        for (let c = 0; c < k; c++) {
          if (!open[c]) continue;
          let ws = 0;
          let ss = 0;
          for (let r = 0; r < p; r++) {
            ws += w[r * k + c]! * step[r * k + c]!;
            ss += step[r * k + c]! ** 2;
          }
          if (ss === 0) continue;
          for (let i = 0; i < n; i++) {
            a[i] = y[i * k + c]! * o[i * k + c]!;
            b[i] = y[i * k + c]! * q[i * k + c]!;
          }
          const t = lineSearch(a, b, ws, ss, C);
          for (let r = 0; r < p; r++) w[r * k + c]! += t * step[r * k + c]!;
        }
      }
      // (d + 1, k) -> the model's (k, d + 1)
      const weights = new Float64Array(k * p);
      for (let r = 0; r < p; r++) for (let c = 0; c < k; c++) weights[c * p + r] = w[r * k + c]!;
      models.push({ classes, dims: d, weights });
    }
  } finally {
    design.dispose();
  }
  return models;
}

/**
 * Solves (I + 2C X_A^T X_A) s = -g for every open class at once (A: that class's active set), by conjugate gradients
 * until |residual| <= CG_FORCING |g|. g, the result: (d + 1, k) row-major.
 */
async function conjugateGradient(
  design: Design,
  active: Uint8Array,
  grad: Float64Array,
  gnorm: Float64Array,
  open: boolean[],
  C: number,
  maxIterations: number,
): Promise<{ step: Float64Array; iterations: number }> {
  const { n, cols: k } = design;
  const size = grad.length;
  const s = new Float64Array(size);
  const r = grad.map((v, j) => (open[j % k] ? -v : 0));
  const columnDots = (a: Float64Array, b: Float64Array) => {
    const out = new Float64Array(k);
    for (let j = 0; j < size; j++) out[j % k]! += a[j]! * b[j]!;
    return out;
  };
  const dir = Float64Array.from(r);
  let rr = columnDots(r, r);
  const running = open.slice();
  const xv = new Float64Array(n * k);
  let it = 0;
  for (; it < maxIterations && running.some(Boolean); it++) {
    // H dir = dir + 2C X^T (A * (X dir))
    const xd = await design.times(dir);
    for (let j = 0; j < n * k; j++) xv[j] = active[j] ? xd[j]! : 0;
    const xtv = await design.transposeTimes(xv);
    const hd = new Float64Array(size);
    for (let j = 0; j < size; j++) hd[j] = dir[j]! + 2 * C * xtv[j]!;
    const dhd = columnDots(dir, hd);
    const alpha = Float64Array.from({ length: k }, (_, c) => (running[c] && dhd[c]! > 0 ? rr[c]! / dhd[c]! : 0));
    for (let j = 0; j < size; j++) {
      const c = j % k;
      s[j]! += alpha[c]! * dir[j]!;
      r[j]! -= alpha[c]! * hd[j]!;
    }
    const rrNew = columnDots(r, r);
    for (let c = 0; c < k; c++) if (running[c] && (Math.sqrt(rrNew[c]!) <= CG_FORCING * gnorm[c]! || alpha[c] === 0)) running[c] = false;
    for (let j = 0; j < size; j++) {
      const c = j % k;
      dir[j] = running[c] ? r[j]! + (rrNew[c]! / rr[c]!) * dir[j]! : 0;
    }
    rr = rrNew;
  }
  return { step: s, iterations: it };
}

/** One-vs-rest L2-SVM on features x (n, d) with integer labels in [0, classes), for one C. */
export async function trainLinearSvm(x: Float32Array, labels: ArrayLike<number>, d: number, classes: number, opts: SvmOptions): Promise<LinearSvmModel> {
  return (await trainLinearSvmPath(x, labels, d, classes, [opts.C], opts))[0]!;
}

/** Predicted classes (argmax of the one-vs-rest scores) of rows of x (n, d): one matrix product per 4,096 rows. */
export async function predictLinearSvm(model: LinearSvmModel, x: Float32Array, n: number): Promise<Uint8Array> {
  const { classes, dims: d, weights } = model;
  const wt = new Float32Array(d * classes); // (d, classes)
  const bias = new Float32Array(classes);
  for (let c = 0; c < classes; c++) {
    for (let k = 0; k < d; k++) wt[k * classes + c] = weights[c * (d + 1) + k]!;
    bias[c] = weights[c * (d + 1) + d]!;
  }
  const out = new Uint8Array(n);
  const w = tf.tensor2d(wt, [d, classes]);
  const b = tf.tensor1d(bias);
  try {
    for (let start = 0; start < n; start += 4096) {
      const rows = Math.min(4096, n - start);
      const best = tf.tidy(() => tf.argMax(tf.add(tf.matMul(tf.tensor2d(x.subarray(start * d, (start + rows) * d), [rows, d]), w), b), 1));
      out.set(await best.data(), start);
      best.dispose();
    }
  } finally {
    tf.dispose([w, b]);
  }
  return out;
}

/** The fraction of predictions equal to their labels, in [0, 1]. */
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
