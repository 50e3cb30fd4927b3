import * as tf from '@tensorflow/tfjs-core';

/**
 * Squared Euclidean distances between two sets of rows, as the nearest-neighbour metrics need them: the O(n m d) part
 * is one float32 matrix product per block of rows (|a|^2 + |b|^2 - 2 a.b, the a.b by tf.matMul: oneDNN's sgemm on
 * the native backend), and every distance comes with a rigorous bound on its float32 error, so that callers decide
 * "nearer than r?" from the product wherever the bound allows and recompute the few borderline pairs exactly in
 * float64 (`exactSquaredDistance`, the same sum in the same order as the reference loops). The answers are then
 * exactly those of float64 loops, at the speed of a matrix product.
 *
 * The bound assumes IEEE float32 arithmetic in the product (true of the cpu and native backends; not of WebGL with
 * half-float textures).
 */

/** float32's unit roundoff. */
const U32 = 2 ** -24;

/** Output elements per block: (rows, m) float32 products of at most 16 MiB. */
const BLOCK_ELEMENTS = 1 << 22;

export interface DistanceBlock {
  /** First row of `a` in this block. */
  start: number;
  rows: number;
  /**
   * Lower and upper bounds of the squared distance between a's row start + r and b's row j, at [r * m + j]. The true
   * float64 distance lies in [lower, upper]. Valid during the visit only (the arrays are reused).
   */
  lower: Float64Array;
  upper: Float64Array;
}

/** Column means of the rows of x (n, d) in float64. */
function means(x: Float64Array, n: number, d: number): Float64Array {
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mu[k]! += x[i * d + k]!;
  for (let k = 0; k < d; k++) mu[k]! /= Math.max(n, 1);
  return mu;
}

/** Rows of x (n, d) minus mu as float32 (n, d), and their float64 squared norms (of the float64 centred rows). */
function centred(x: Float64Array, n: number, d: number, mu: Float64Array): { rows: Float32Array; norms: Float64Array } {
  const rows = new Float32Array(n * d);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const v = x[i * d + k]! - mu[k]!;
      rows[i * d + k] = v;
      s += v * v;
    }
    norms[i] = s;
  }
  return { rows, norms };
}

/**
 * Visits the squared distances of rows of a (n, d) to rows of b (m, d), `rowsPerBlock` rows of a at a time (default:
 * blocks of 4M distances). Both sets are first centred on b's mean, which leaves distances unchanged and keeps the
 * norms, hence the float32 error, small.
 *
 * Error bound, per pair: the centred rows are rounded to float32 (relative error u each) and their dot product is
 * summed in float32 in some order (error <= (d - 1) u sum_k |a_k b_k| whatever the order), then rounded once more
 * on output; with sum_k |a_k b_k| <= (|a|^2 + |b|^2) / 2 the computed |a|^2 + |b|^2 - 2 a.b is within
 * (d + 3) u (|a|^2 + |b|^2) of the float64 value (plus float64 round-off, covered by the 1.01 and the tiny absolute
 * slack). Typical errors are ~sqrt(d) u, so the bound is loose, but it only decides how many pairs get recomputed.
 */
export async function forEachDistanceBlock(
  a: Float64Array,
  n: number,
  b: Float64Array,
  m: number,
  d: number,
  visit: (block: DistanceBlock) => void,
  rowsPerBlock = Math.max(1, Math.floor(BLOCK_ELEMENTS / Math.max(m, 1))),
): Promise<void> {
  const mu = means(b, m, d);
  const ca = centred(a, n, d, mu);
  const cb = centred(b, m, d, mu);
  const slack = 1.01 * (d + 3) * U32;
  const bt = tf.tensor2d(cb.rows, [m, d]);
  // Reused by every block (the visitor must not keep them): fresh large arrays cost a page fault per 4 KiB.
  const lower = new Float64Array(Math.min(rowsPerBlock, n) * m);
  const upper = new Float64Array(Math.min(rowsPerBlock, n) * m);
  try {
    for (let start = 0; start < n; start += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, n - start);
      const dots = tf.tidy(() => {
        const block = tf.tensor2d(ca.rows.subarray(start * d, (start + rows) * d), [rows, d]);
        return tf.matMul(block, bt, false, true); // (rows, m)
      });
      const g = (await dots.data()) as Float32Array;
      dots.dispose();
      for (let r = 0; r < rows; r++) {
        const na = ca.norms[start + r]!;
        for (let j = 0; j < m; j++) {
          const nb = cb.norms[j]!;
          const approx = na + nb - 2 * g[r * m + j]!;
          const err = slack * (na + nb) + 1e-300;
          lower[r * m + j] = Math.max(0, approx - err);
          upper[r * m + j] = approx + err;
        }
      }
      visit({ start, rows, lower, upper });
    }
  } finally {
    bt.dispose();
  }
}

/** The float64 squared distance between row i of a and row j of b (d columns), summed in index order. */
export function exactSquaredDistance(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const diff = a[i * d + k]! - b[j * d + k]!;
    s += diff * diff;
  }
  return s;
}
