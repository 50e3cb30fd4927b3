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
export function kthNeighbourRadii(x: Float64Array, n: number, d: number, k: number): Float64Array {
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
export function precisionRecall(
  real: Float64Array,
  nReal: number,
  fake: Float64Array,
  nFake: number,
  d: number,
  k = 3,
): { precision: number; recall: number; k: number } {
  const realRadii = kthNeighbourRadii(real, nReal, d, k);
  const fakeRadii = kthNeighbourRadii(fake, nFake, d, k);
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
export function nearestDistances(query: Float64Array, nq: number, reference: Float64Array, nr: number, d: number): {
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
