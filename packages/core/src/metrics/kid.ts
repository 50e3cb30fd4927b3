import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';

/**
 * Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs"; reference: their kid_score in
 * gan-metrics / torch-fidelity): the unbiased estimate of MMD^2 with the cubic polynomial kernel
 * k(x, y) = (x.y / d + 1)^3, averaged over `subsets` random subsets of `subsetSize` from each side.
 * Returns the mean and the standard deviation over subsets.
 *
 * Per subset the three Gram matrices X_s X_s^T, Y_s Y_s^T, X_s Y_s^T (m, m) are float32 matrix products (oneDNN's
 * sgemm on the native backend); the cube and the sums over m^2 entries, where the estimate's cancellation happens,
 * are float64. Subsets are drawn exactly as the reference loops draw them (tested against them).
 */
export async function kernelInceptionDistance(
  x: Float64Array,
  nx: number,
  y: Float64Array,
  ny: number,
  d: number,
  rng: Rng,
  subsets = 100,
  subsetSize = 1000,
): Promise<{ mean: number; std: number; subsetSize: number }> {
  const m = Math.min(subsetSize, nx, ny);
  if (m < 2) throw new Error('KID needs at least two samples on each side');
  const xs = tf.tensor2d(Float32Array.from(x), [nx, d]);
  const ys = tf.tensor2d(Float32Array.from(y), [ny, d]);
  /** sum over entries (i, j) of the (m, m) Gram `g` of (g / d + 1)^3; `offDiagonal` keeps i != j only. */
  const kernelSum = (g: Float32Array, offDiagonal: boolean) => {
    let s = 0;
    for (let i = 0; i < m; i++) {
      const row = i * m;
      for (let j = 0; j < m; j++) {
        if (offDiagonal && i === j) continue;
        const v = g[row + j]! / d + 1;
        s += v * v * v;
      }
    }
    return s;
  };
  const estimates: number[] = [];
  try {
    for (let s = 0; s < subsets; s++) {
      const ix = rng.permutation(nx).subarray(0, m);
      const iy = rng.permutation(ny).subarray(0, m);
      const [gxx, gyy, gxy] = tf.tidy(() => {
        const a = tf.gather(xs, tf.tensor1d(Int32Array.from(ix), 'int32')); // (m, d)
        const b = tf.gather(ys, tf.tensor1d(Int32Array.from(iy), 'int32'));
        return [tf.matMul(a, a, false, true), tf.matMul(b, b, false, true), tf.matMul(a, b, false, true)]; // (m, m) each
      });
      const kxx = kernelSum((await gxx!.data()) as Float32Array, true);
      const kyy = kernelSum((await gyy!.data()) as Float32Array, true);
      const kxy = kernelSum((await gxy!.data()) as Float32Array, false);
      tf.dispose([gxx!, gyy!, gxy!]);
      estimates.push((kxx + kyy) / (m * (m - 1)) - (2 * kxy) / (m * m));
    }
  } finally {
    tf.dispose([xs, ys]);
  }
  const mean = estimates.reduce((a, b) => a + b, 0) / estimates.length;
  const std = Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / estimates.length);
  return { mean, std, subsetSize: m };
}
