/**
 * L2-regularised binary logistic regression in float64, for probes with up to a few hundred features:
 *   min_{w, b}  sum_i log(1 + exp(-s_i (w.x_i + b))) + lambda/2 |w|^2      (s_i = +1 / -1; b not regularised)
 * fitted by Newton's method (IRLS) with a backtracking line search: the Hessian X^T diag(p (1 - p)) X + lambda I is
 * (d + 1) x (d + 1) and solved by Cholesky. Browser-safe, no TF.js.
 */
export interface LogisticModel {
  /** (d) feature weights. */
  weights: Float64Array;
  bias: number;
  /** Newton iterations taken. */
  iterations: number;
}

/** log(1 + exp(t)) without overflow. */
function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** Solves A x = b for symmetric positive definite A (m, m) by Cholesky, in place on copies. */
function solveSpd(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    let s = a[j * m + j]!;
    for (let k = 0; k < j; k++) s -= l[j * m + k]! ** 2;
    const ljj = Math.sqrt(Math.max(s, 1e-300));
    l[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let t = a[i * m + j]!;
      for (let k = 0; k < j; k++) t -= l[i * m + k]! * l[j * m + k]!;
      l[i * m + j] = t / ljj;
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= l[i * m + k]! * y[k]!;
    y[i] = t / l[i * m + i]!;
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let t = y[i]!;
    for (let k = i + 1; k < m; k++) t -= l[k * m + i]! * x[k]!;
    x[i] = t / l[i * m + i]!;
  }
  return x;
}

/** Fits rows x (n, d) with boolean targets `inside` (n). */
export function fitLogisticRegression(x: Float64Array, inside: Uint8Array, d: number, lambda = 1, maxIterations = 50): LogisticModel {
  const n = inside.length;
  const m = d + 1; // the bias is coordinate d
  const theta = new Float64Array(m);
  const score = (t: Float64Array, i: number) => {
    let s = t[d]!;
    for (let k = 0; k < d; k++) s += t[k]! * x[i * d + k]!;
    return s;
  };
  const objective = (t: Float64Array) => {
    let f = 0;
    for (let k = 0; k < d; k++) f += (lambda / 2) * t[k]! ** 2;
    for (let i = 0; i < n; i++) f += softplus(-(inside[i] ? 1 : -1) * score(t, i));
    return f;
  };
  let f = objective(theta);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const grad = new Float64Array(m);
    const hess = new Float64Array(m * m);
    for (let k = 0; k < d; k++) {
      grad[k] = lambda * theta[k]!;
      hess[k * m + k] = lambda;
    }
    hess[d * m + d] = 1e-9; // keeps the bias row definite when every weight is 0
    const row = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-score(theta, i)));
      const residual = p - (inside[i] ? 1 : 0);
      const weight = p * (1 - p);
      row.set(x.subarray(i * d, (i + 1) * d));
      row[d] = 1;
      for (let a = 0; a < m; a++) {
        grad[a]! += residual * row[a]!;
        const wa = weight * row[a]!;
        if (wa === 0) continue;
        for (let b = a; b < m; b++) hess[a * m + b]! += wa * row[b]!;
      }
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) hess[a * m + b] = hess[b * m + a]!;
    const step = solveSpd(hess, grad, m);
    let decrement = 0;
    for (let a = 0; a < m; a++) decrement += step[a]! * grad[a]!;
    if (decrement / 2 < 1e-10 * Math.max(1, f)) break; // the Newton decrement: converged
    let t = 1;
    let next = theta.map((v, a) => v - t * step[a]!);
    let fNext = objective(next);
    while (fNext > f - 0.25 * t * decrement && t > 1e-8) {
      t /= 2;
      next = theta.map((v, a) => v - t * step[a]!);
      fNext = objective(next);
    }
    if (fNext >= f) break;
    theta.set(next);
    f = fNext;
  }
  return { weights: theta.slice(0, d), bias: theta[d]!, iterations };
}

/** The model's scores w.x_i + b of rows x (n, d). */
export function logisticScores(model: LogisticModel, x: Float64Array, n: number): Float64Array {
  const d = model.weights.length;
  return Float64Array.from({ length: n }, (_, i) => {
    let s = model.bias;
    for (let k = 0; k < d; k++) s += model.weights[k]! * x[i * d + k]!;
    return s;
  });
}

/** Area under the ROC curve of `scores` for boolean `positive` (Mann-Whitney, ties counted half). */
export function rocAuc(scores: Float64Array, positive: Uint8Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1; // 1-based average rank of the tie group
    for (let t = i; t <= j; t++) {
      if (positive[order[t]!]) {
        pos++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const neg = order.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
