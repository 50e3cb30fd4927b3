/**
 * The float64 reference implementations the fast metric and classifier code is tested against: plain JS loops, the
 * code dcgan-ts shipped before the heavy parts moved onto TF.js matrix products. Test-only; slow (O(n^2 d) in JS).
 */
import type { LinearSvmModel, Rng } from '../src/index.js';

export interface DualCdOptions {
  C: number;
  /** Stop when the projected gradient's spread falls below this (LIBLINEAR's default 0.1). */
  tolerance?: number;
  maxPasses?: number;
}

/**
 * One-vs-rest L2-SVM (squared hinge) by dual coordinate descent (Hsieh et al. 2008; LIBLINEAR's solver 1,
 * L2R_L2LOSS_SVC_DUAL): min_w 1/2 |w|^2 + C sum_i max(0, 1 - y_i w.x_i)^2, bias as the weight of a constant feature.
 */
/** Trains one binary L2-SVM (labels +1/-1) into `w` (dims + 1). */
function trainBinary(x: Float32Array, n: number, d: number, y: Int8Array, w: Float64Array, opts: DualCdOptions, rng: Rng): void {
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
export function trainLinearSvmDualCd(x: Float32Array, labels: ArrayLike<number>, d: number, classes: number, opts: DualCdOptions, rng: Rng): LinearSvmModel {
  const n = labels.length;
  const weights = new Float64Array(classes * (d + 1));
  const y = new Int8Array(n);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < n; i++) y[i] = labels[i] === c ? 1 : -1;
    trainBinary(x, n, d, y, weights.subarray(c * (d + 1), (c + 1) * (d + 1)), opts, rng);
  }
  return { classes, dims: d, weights };
}


/**
 * The primal objective 1/2 |w|^2 + C sum_i max(0, 1 - y_i w.[x_i, 1])^2 of each one-vs-rest problem, in float64:
 * what both solvers minimise, so what they are compared on.
 */
export function primalObjectives(model: LinearSvmModel, x: Float32Array, labels: ArrayLike<number>, C: number): number[] {
  const { classes, dims: d, weights } = model;
  const n = labels.length;
  return Array.from({ length: classes }, (_, c) => {
    const w = weights.subarray(c * (d + 1), (c + 1) * (d + 1));
    let f = 0;
    for (let k = 0; k <= d; k++) f += 0.5 * w[k]! ** 2;
    for (let i = 0; i < n; i++) {
      let o = w[d]!;
      for (let k = 0; k < d; k++) o += w[k]! * x[i * d + k]!;
      const slack = 1 - (labels[i] === c ? 1 : -1) * o;
      if (slack > 0) f += C * slack * slack;
    }
    return f;
  });
}

/**
 * Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs"; reference: their kid_score in
 * gan-metrics / torch-fidelity): the unbiased estimate of MMD^2 with the cubic polynomial kernel
 * k(x, y) = (x.y / d + 1)^3, averaged over `subsets` random subsets of `subsetSize` from each side.
 * Returns the mean and the standard deviation over subsets.
 */
export function kernelInceptionDistanceLoops(
  x: Float64Array,
  nx: number,
  y: Float64Array,
  ny: number,
  d: number,
  rng: Rng,
  subsets = 100,
  subsetSize = 1000,
): { mean: number; std: number; subsetSize: number } {
  const m = Math.min(subsetSize, nx, ny);
  if (m < 2) throw new Error('KID needs at least two samples on each side');
  const kernel = (a: Float64Array, i: number, b: Float64Array, j: number) => {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += a[i * d + k]! * b[j * d + k]!;
    return (dot / d + 1) ** 3;
  };
  const estimates: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const ix = rng.permutation(nx).subarray(0, m);
    const iy = rng.permutation(ny).subarray(0, m);
    let kxx = 0;
    let kyy = 0;
    let kxy = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        kxy += kernel(x, ix[i]!, y, iy[j]!);
        if (j > i) {
          kxx += 2 * kernel(x, ix[i]!, x, ix[j]!);
          kyy += 2 * kernel(y, iy[i]!, y, iy[j]!);
        }
      }
    }
    estimates.push((kxx + kyy) / (m * (m - 1)) - (2 * kxy) / (m * m));
  }
  const mean = estimates.reduce((a, b) => a + b, 0) / estimates.length;
  const std = Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / estimates.length);
  return { mean, std, subsetSize: m };
}

/** Squared Euclidean distances between rows of a (n, d) and rows of b (m, d), as a (n, m) matrix. */
export function squaredDistances(a: Float64Array, n: number, b: Float64Array, m: number, d: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const diff = a[i * d + k]! - b[j * d + k]!;
        s += diff * diff;
      }
      out[i * m + j] = s;
    }
  }
  return out;
}

/** For each row of x, its distance to its k-th nearest other row (k = 1 is the nearest). */
export function kthNeighbourRadiiLoops(x: Float64Array, n: number, d: number, k: number): Float64Array {
  if (k >= n) throw new Error(`k = ${k} needs more than ${n} samples`);
  const dist = squaredDistances(x, n, x, n, d);
  const radii = new Float64Array(n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    row.set(dist.subarray(i * n, (i + 1) * n));
    row.sort();
    radii[i] = Math.sqrt(row[k]!); // row[0] is the point itself (distance 0)
  }
  return radii;
}

/**
 * Improved precision and recall (Kynkaanniemi et al. 2019, "Improved Precision and Recall Metric for Assessing
 * Generative Models"; reference: their precision_recall.py): each set's manifold is the union of balls reaching
 * every sample's k-th nearest neighbour. Precision: the fraction of fakes inside the reals' manifold; recall: the
 * fraction of reals inside the fakes'.
 */
export function precisionRecallLoops(
  real: Float64Array,
  nReal: number,
  fake: Float64Array,
  nFake: number,
  d: number,
  k = 3,
): { precision: number; recall: number; k: number } {
  const realRadii = kthNeighbourRadiiLoops(real, nReal, d, k);
  const fakeRadii = kthNeighbourRadiiLoops(fake, nFake, d, k);
  const cross = squaredDistances(fake, nFake, real, nReal, d); // (nFake, nReal)
  let inReal = 0;
  for (let i = 0; i < nFake; i++) {
    for (let j = 0; j < nReal; j++) {
      if (Math.sqrt(cross[i * nReal + j]!) <= realRadii[j]!) {
        inReal++;
        break;
      }
    }
  }
  let inFake = 0;
  for (let j = 0; j < nReal; j++) {
    for (let i = 0; i < nFake; i++) {
      if (Math.sqrt(cross[i * nReal + j]!) <= fakeRadii[i]!) {
        inFake++;
        break;
      }
    }
  }
  return { precision: inReal / nFake, recall: inFake / nReal, k };
}

/**
 * The memorisation check (the paper's section 4.1.1 worry): each query's distance to its nearest reference row,
 * e.g. each sample's nearest training image. Returns the distances and their quantiles.
 */
export function nearestDistancesLoops(query: Float64Array, nq: number, reference: Float64Array, nr: number, d: number): {
  distances: Float64Array;
  quantiles: { p1: number; p10: number; median: number };
} {
  const distances = new Float64Array(nq);
  for (let i = 0; i < nq; i++) {
    let best = Infinity;
    for (let j = 0; j < nr; j++) {
      let s = 0;
      for (let k = 0; k < d && s < best; k++) {
        const diff = query[i * d + k]! - reference[j * d + k]!;
        s += diff * diff;
      }
      if (s < best) best = s;
    }
    distances[i] = Math.sqrt(best);
  }
  const sorted = Float64Array.from(distances).sort();
  const at = (q: number) => sorted[Math.min(nq - 1, Math.floor(q * nq))]!;
  return { distances, quantiles: { p1: at(0.01), p10: at(0.1), median: at(0.5) } };
}
