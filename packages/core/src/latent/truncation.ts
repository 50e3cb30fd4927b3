import type { LatentDistribution } from '../config.js';
import { DcganError } from '../errors.js';
import { Rng, RngStream } from '../rng.js';

/**
 * The truncation trick (`dcgan sample --truncation`): trade variety for fidelity by keeping z away from the tails G
 * saw least of.
 * - `resample`: BigGAN's (Brock, Donahue & Simonyan 2019, section 3.1): every value of z whose magnitude exceeds the
 *   threshold `psi` is drawn again from z's distribution until it does not (a truncated normal for N(0, 1)).
 * - `scale`: StyleGAN's (Karras, Laine & Aila 2019, appendix B) w' = mean + psi (w - mean), here in z, whose mean
 *   is 0: z' = psi z.
 * Smaller psi: more typical, less varied images. A seed still names one z: the redraws come from a stream of the seed's own.
 */
export type TruncationMode = 'resample' | 'scale';
/** The modes `--truncation-mode` takes. */
export const TRUNCATION_MODES: readonly TruncationMode[] = ['resample', 'scale'];

/** The truncation trick as asked: the threshold or factor psi, and how it is applied. */
export interface Truncation {
  psi: number;
  mode: TruncationMode;
}

/** Redraws allowed per value before giving up: with psi >= 0.05 on N(0, 1) one draw lands inside with p >= 0.04. */
const MAX_REDRAWS = 10_000;

/** Checks psi for its mode: resample needs a threshold z can fall under, scale a factor in (0, 1]. */
export function checkTruncation(t: Truncation, distribution: LatentDistribution): void {
  if (!TRUNCATION_MODES.includes(t.mode)) throw new DcganError(`--truncation-mode must be resample or scale, got ${String(t.mode)}`);
  if (!(Number.isFinite(t.psi) && t.psi > 0)) throw new DcganError(`--truncation must be a positive number, got ${t.psi}`);
  if (t.mode === 'scale' && t.psi > 1) throw new DcganError(`--truncation ${t.psi} with --truncation-mode scale must be at most 1`);
  if (t.mode === 'resample' && t.psi < 0.05) throw new DcganError(`--truncation ${t.psi} is too small to resample to; use at least 0.05`);
  if (t.mode === 'resample' && distribution === 'uniform' && t.psi >= 1) {
    throw new DcganError(`--truncation ${t.psi} truncates nothing: this model's z is uniform in (-1, 1); use a threshold below 1`);
  }
}

/** The seed's z (noise.ts's latentForSeed) truncated: a new array; the same (seed, psi, mode) always gives the same z. */
export function truncateLatent(z: Float32Array, seed: number, t: Truncation, distribution: LatentDistribution): Float32Array {
  if (t.mode === 'scale') return z.map((v) => v * t.psi);
  const rng = Rng.derive(seed, RngStream.truncation);
  return z.map((v) => {
    for (let i = 0; Math.abs(v) > t.psi; i++) {
      if (i === MAX_REDRAWS) throw new Error(`truncateLatent: no draw under ${t.psi} in ${MAX_REDRAWS} tries`);
      v = distribution === 'normal' ? rng.normal() : rng.uniform() * 2 - 1;
    }
    return v;
  });
}
