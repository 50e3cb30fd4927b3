import type { Rng } from '../rng.js';

/**
 * Vector arithmetic on z (paper section 6.3.2, Figures 7 and 8): "smiling woman - neutral woman + neutral man =
 * smiling man" works on the average z of ~3 exemplars per concept, not on single samples.
 */
export function meanLatent(group: readonly Float32Array[]): Float32Array {
  if (group.length === 0) throw new Error('an exemplar group needs at least one latent');
  const out = new Float32Array(group[0]!.length);
  for (const z of group) {
    if (z.length !== out.length) throw new Error(`latents of different sizes: ${z.length} and ${out.length}`);
    for (let i = 0; i < out.length; i++) out[i]! += z[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= group.length;
  return out;
}

/** mean(A) - mean(B) + mean(C). */
export function latentArithmetic(
  a: readonly Float32Array[],
  b: readonly Float32Array[],
  c: readonly Float32Array[],
): Float32Array {
  const [ma, mb, mc] = [meanLatent(a), meanLatent(b), meanLatent(c)];
  return ma.map((x, i) => x - mb[i]! + mc[i]!);
}

/** `count` variations of z with uniform noise in [-radius, radius] added (Figure 7 uses +-0.25 for 8 neighbours). */
export function latentNeighbours(z: Float32Array, count: number, radius: number, rng: Rng): Float32Array[] {
  return Array.from({ length: count }, () => z.map((x) => x + rng.uniforms(1, -radius, radius)[0]!));
}

/**
 * A per-dimension sweep (DCGAN-tensorflow's visualisation): copies of z with z[dim] set to each of `values`.
 */
export function sweepDimension(z: Float32Array, dim: number, values: readonly number[]): Float32Array[] {
  if (!Number.isInteger(dim) || dim < 0 || dim >= z.length) throw new Error(`dimension ${dim} is outside 0..${z.length - 1}`);
  return values.map((v) => {
    const copy = z.slice();
    copy[dim] = v;
    return copy;
  });
}

/** Evenly spaced values from lo to hi inclusive. */
export function linspace(lo: number, hi: number, n: number): number[] {
  return n === 1 ? [lo] : Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** Concatenates latents into one (n, nz) array. */
export function packLatents(latents: readonly Float32Array[]): Float32Array {
  const nz = latents[0]?.length ?? 0;
  const out = new Float32Array(latents.length * nz);
  latents.forEach((z, i) => out.set(z, i * nz));
  return out;
}
