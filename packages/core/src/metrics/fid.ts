import { columnMeans, covariance, matmulSquare, sqrtPsd, symmetricEigen, trace } from './linalg.js';

/** A Gaussian fitted to features: what FID compares. */
export interface FeatureGaussian {
  mean: Float64Array;
  /** Unbiased (n - 1) covariance, row-major (d, d). */
  covariance: Float64Array;
  dims: number;
  count: number;
}

/** Mean and unbiased covariance of n feature rows of size d (row-major (n, d)): one side of FID. */
export function fitGaussian(features: Float64Array, n: number, d: number): FeatureGaussian {
  const mean = columnMeans(features, n, d);
  return { mean, covariance: covariance(features, n, d, mean), dims: d, count: n };
}

/**
 * Frechet distance between two Gaussians (Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule...",
 * the FID; reference: TTUR's fid.py / pytorch-fid):
 *   |mu1 - mu2|^2 + Tr(S1) + Tr(S2) - 2 Tr((S1 S2)^(1/2)).
 * Tr((S1 S2)^(1/2)) = Tr((A S2 A)^(1/2)) with A = S1^(1/2): A S2 A is symmetric PSD, so both square roots come from
 * symmetric eigendecompositions, stable where scipy's sqrtm on the non-symmetric S1 S2 can turn complex.
 */
export function frechetDistance(a: FeatureGaussian, b: FeatureGaussian): number {
  const d = a.dims;
  if (b.dims !== d) throw new Error(`feature sizes differ: ${a.dims} and ${b.dims}`);
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i]! - b.mean[i]!) ** 2;
  const root = sqrtPsd(a.covariance, d);
  const middle = matmulSquare(matmulSquare(root, b.covariance, d), root, d);
  const { values } = symmetricEigen(middle, d);
  const traceSqrt = values.reduce((s, v) => s + Math.sqrt(Math.max(v, 0)), 0);
  return meanTerm + trace(a.covariance, d) + trace(b.covariance, d) - 2 * traceSqrt;
}
