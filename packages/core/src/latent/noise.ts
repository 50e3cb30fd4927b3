import type { LatentDistribution } from '../config.js';
import { Rng, RngStream } from '../rng.js';
import { type Truncation, truncateLatent } from './truncation.js';

/** n latent vectors of size nz drawn from `rng`, packed row-major as (n, nz). */
export function drawLatents(rng: Rng, n: number, nz: number, distribution: LatentDistribution): Float32Array {
  return distribution === 'normal' ? rng.normals(n * nz) : rng.uniforms(n * nz, -1, 1);
}

/**
 * The latent vector of one seed: the same z for the same (seed, nz, distribution) everywhere (CLI, studio, training
 * sample grids), so "seed 17" names one image of a model.
 */
export function latentForSeed(seed: number, nz: number, distribution: LatentDistribution, truncation?: Truncation): Float32Array {
  const z = drawLatents(Rng.derive(seed, RngStream.latent), 1, nz, distribution);
  return truncation ? truncateLatent(z, seed, truncation, distribution) : z;
}

/** Latents of the seeds (e.g. first, first+1, ...), packed as (n, nz); truncated when `truncation` is given. */
export function latentsForSeeds(seeds: readonly number[], nz: number, distribution: LatentDistribution, truncation?: Truncation): Float32Array {
  const out = new Float32Array(seeds.length * nz);
  seeds.forEach((seed, i) => out.set(latentForSeed(seed, nz, distribution, truncation), i * nz));
  return out;
}

/** The seeds first, first + 1, ..., first + n - 1 (with latentsForSeeds: n consecutive images of a model). */
export function seedRange(first: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => first + i);
}
