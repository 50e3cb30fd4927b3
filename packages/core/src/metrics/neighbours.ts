import { exactSquaredDistance, forEachDistanceBlock } from './pairwiseDistances.js';

/**
 * Nearest-neighbour metrics on feature rows (float64, row-major). The distances come from blocked float32 matrix
 * products with a rigorous error bound (pairwiseDistances.ts); every decision the bound leaves open is settled by
 * the float64 distance, so the results equal those of plain float64 loops (tested against them) at matmul speed.
 */

/** Optional block size (rows of the first set per matrix product); the default keeps blocks at 4M distances. */
export interface NeighbourOptions {
  rowsPerBlock?: number;
}

/** The k + 1 smallest values seen, ascending (k is small: 3 for precision/recall). */
class SmallestK {
  readonly values: Float64Array;
  constructor(k: number) {
    this.values = new Float64Array(k + 1).fill(Infinity);
  }
  reset(): void {
    this.values.fill(Infinity);
  }
  push(v: number): void {
    const a = this.values;
    let i = a.length - 1;
    if (v >= a[i]!) return;
    while (i > 0 && a[i - 1]! > v) {
      a[i] = a[i - 1]!;
      i--;
    }
    a[i] = v;
  }
  /** The largest kept value: the (k + 1)-th smallest, i.e. 0-based rank k. */
  get last(): number {
    return this.values[this.values.length - 1]!;
  }
}

/**
 * For each row of x (n, d), its distance to its k-th nearest other row (k = 1 is the nearest).
 * Per row: T = the k-th smallest upper bound (the row itself at rank 0, distance 0) bounds the true k-th distance from
 * above, so every row that can rank <= k has a lower bound <= T; those candidates are measured exactly.
 */
export async function kthNeighbourRadii(x: Float64Array, n: number, d: number, k: number, options: NeighbourOptions = {}): Promise<Float64Array> {
  if (k >= n) throw new Error(`k = ${k} needs more than ${n} samples`);
  const radii = new Float64Array(n);
  const smallest = new SmallestK(k);
  const candidates: number[] = [];
  await forEachDistanceBlock(
    x,
    n,
    x,
    n,
    d,
    ({ start, rows, lower, upper }) => {
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        const o = r * n;
        smallest.reset();
        smallest.push(0); // the row itself
        for (let j = 0; j < n; j++) if (j !== i) smallest.push(upper[o + j]!);
        const bound = smallest.last;
        candidates.length = 0;
        candidates.push(0);
        for (let j = 0; j < n; j++) if (j !== i && lower[o + j]! <= bound) candidates.push(exactSquaredDistance(x, i, x, j, d));
        candidates.sort((p, q) => p - q);
        radii[i] = Math.sqrt(candidates[k]!);
      }
    },
    options.rowsPerBlock,
  );
  return radii;
}

/**
 * Improved precision and recall (Kynkaanniemi et al. 2019, "Improved Precision and Recall Metric for Assessing
 * Generative Models"; reference: their precision_recall.py): each set's manifold is the union of balls reaching
 * every sample's k-th nearest neighbour. Precision: the fraction of fakes inside the reals' manifold; recall: the
 * fraction of reals inside the fakes'. Both come from one pass over the fake-to-real distances.
 */
export async function precisionRecall(
  real: Float64Array,
  nReal: number,
  fake: Float64Array,
  nFake: number,
  d: number,
  k = 3,
  options: NeighbourOptions = {},
): Promise<{ precision: number; recall: number; k: number }> {
  const realRadii = await kthNeighbourRadii(real, nReal, d, k, options);
  const fakeRadii = await kthNeighbourRadii(fake, nFake, d, k, options);
  // "inside" is sqrt(t) <= r in float64; squared thresholds a hair either side of r^2 let the bounds decide it
  // wherever the answer cannot depend on the last bit; between them the exact distance decides.
  const sureIn = (r: number) => r * r * (1 - 1e-14);
  const sureOut = (r: number) => r * r * (1 + 1e-14);
  const realIn = Float64Array.from(realRadii, sureIn);
  const realOut = Float64Array.from(realRadii, sureOut);
  const fakeIn = Float64Array.from(fakeRadii, sureIn);
  const fakeOut = Float64Array.from(fakeRadii, sureOut);
  let inReal = 0;
  const realCovered = new Uint8Array(nReal);
  await forEachDistanceBlock(
    fake,
    nFake,
    real,
    nReal,
    d,
    ({ start, rows, lower, upper }) => {
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        const o = r * nReal;
        let inside = false;
        for (let j = 0; j < nReal; j++) {
          const lo = lower[o + j]!;
          const hi = upper[o + j]!;
          // Fake i in real j's ball (precision).
          if (!inside && lo <= realOut[j]!) {
            inside = hi <= realIn[j]! || Math.sqrt(exactSquaredDistance(fake, i, real, j, d)) <= realRadii[j]!;
          }
          // Real j in fake i's ball (recall).
          if (realCovered[j] === 0 && lo <= fakeOut[i]!) {
            if (hi <= fakeIn[i]! || Math.sqrt(exactSquaredDistance(fake, i, real, j, d)) <= fakeRadii[i]!) realCovered[j] = 1;
          }
        }
        if (inside) inReal++;
      }
    },
    options.rowsPerBlock,
  );
  const inFake = realCovered.reduce((s, v) => s + v, 0);
  return { precision: inReal / nFake, recall: inFake / nReal, k };
}

/**
 * The memorisation check (the paper's section 4.1.1 worry): each query's distance to its nearest reference row,
 * e.g. each sample's nearest training image. Returns the distances and their quantiles. Per query: the smallest upper
 * bound caps the nearest distance, and only references whose lower bound is under that cap are measured exactly.
 */
export async function nearestDistances(
  query: Float64Array,
  nq: number,
  reference: Float64Array,
  nr: number,
  d: number,
  options: NeighbourOptions = {},
): Promise<{
  distances: Float64Array;
  quantiles: { p1: number; p10: number; median: number };
}> {
  const distances = new Float64Array(nq);
  // Blocks over the reference (often the large side: 60,000 training images) with all queries at once, keeping
  // each query's best exact distance so far.
  const best = new Float64Array(nq).fill(Infinity);
  const perBlock = options.rowsPerBlock ?? Math.max(1, Math.floor((1 << 22) / Math.max(nq, 1)));
  for (let start = 0; start < nr; start += perBlock) {
    const rows = Math.min(perBlock, nr - start);
    const block = reference.subarray(start * d, (start + rows) * d);
    // (rows of this reference block, nq queries)
    await forEachDistanceBlock(block, rows, query, nq, d, ({ start: s0, rows: rr, lower, upper }) => {
      for (let i = 0; i < nq; i++) {
        let cap = best[i]!;
        for (let r = 0; r < rr; r++) cap = Math.min(cap, upper[r * nq + i]!);
        for (let r = 0; r < rr; r++) {
          if (lower[r * nq + i]! <= cap) {
            const t = exactSquaredDistance(query, i, block, s0 + r, d);
            if (t < best[i]!) best[i] = t;
          }
        }
      }
    });
  }
  for (let i = 0; i < nq; i++) distances[i] = Math.sqrt(best[i]!);
  const sorted = Float64Array.from(distances).sort();
  const at = (q: number) => sorted[Math.min(nq - 1, Math.floor(q * nq))]!;
  return { distances, quantiles: { p1: at(0.01), p10: at(0.1), median: at(0.5) } };
}
