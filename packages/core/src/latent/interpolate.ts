/**
 * Paths through latent space (paper section 6.1, Figure 4: "walking in the latent space"). Latents are flat
 * Float32Arrays of length nz.
 */
export type InterpolationMode = 'lerp' | 'slerp';

/** Linear interpolation a + t (b - a) between two latents of one size; t from 0 (a) to 1 (b). */
export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  checkSameLength(a, b);
  return a.map((x, i) => x + t * (b[i]! - x));
}

/**
 * Spherical interpolation (Shoemake 1985; for GAN latents, White 2016 "Sampling Generative Networks"): follows the
 * great circle between a and b with the norm interpolated linearly, so intermediate points keep the norm that a
 * Gaussian z concentrates at (a straight line cuts through the low-probability centre). Falls back to lerp when a
 * and b are (anti)parallel.
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  checkSameLength(a, b);
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return lerp(a, b, t);
  let cos = 0;
  for (let i = 0; i < a.length; i++) cos += (a[i]! / na) * (b[i]! / nb);
  const omega = Math.acos(Math.min(1, Math.max(-1, cos)));
  const sin = Math.sin(omega);
  if (sin < 1e-6) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / sin;
  const wb = Math.sin(t * omega) / sin;
  // The great-circle blend of the unit directions, scaled by the linearly interpolated norm.
  const n = (1 - t) * na + t * nb;
  const out = new Float32Array(a.length);
  let blendNorm = 0;
  for (let i = 0; i < a.length; i++) {
    out[i] = wa * (a[i]! / na) + wb * (b[i]! / nb);
    blendNorm += out[i]! * out[i]!;
  }
  const scale = n / Math.sqrt(blendNorm);
  for (let i = 0; i < a.length; i++) out[i]! *= scale;
  return out;
}

/**
 * A walk through `points` in order, `steps` frames per segment, ending on the last point: (k - 1) * steps + 1 latents,
 * packed (frames, nz). Every given point is a frame.
 */
export function walk(points: Float32Array[], steps: number, mode: InterpolationMode): Float32Array {
  if (points.length < 2) throw new Error('a walk needs at least two points');
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
  const nz = points[0]!.length;
  const frames = (points.length - 1) * steps + 1;
  const out = new Float32Array(frames * nz);
  const blend = mode === 'slerp' ? slerp : lerp;
  for (let s = 0; s + 1 < points.length; s++) {
    for (let i = 0; i < steps; i++) out.set(blend(points[s]!, points[s + 1]!, i / steps), (s * steps + i) * nz);
  }
  out.set(points[points.length - 1]!, (frames - 1) * nz);
  return out;
}

/** Euclidean length of a latent. */
export function norm(a: Float32Array): number {
  let s = 0;
  for (const x of a) s += x * x;
  return Math.sqrt(s);
}

function checkSameLength(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) throw new Error(`latents of different sizes: ${a.length} and ${b.length}`);
}
