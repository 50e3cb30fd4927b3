import type { Rng } from '../rng.js';

/**
 * Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs"; reference: their kid_score in
 * gan-metrics / torch-fidelity): the unbiased estimate of MMD^2 with the cubic polynomial kernel
 * k(x, y) = (x.y / d + 1)^3, averaged over `subsets` random subsets of `subsetSize` from each side.
 * Returns the mean and the standard deviation over subsets.
 */
export function kernelInceptionDistance(
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
