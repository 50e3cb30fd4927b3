/**
 * Seeded, serializable random numbers: xoshiro128** seeded through splitmix32.
 *
 * Everything random in a run (initial weights, data order, latent noise) comes from an Rng derived from
 * (seed, stream, index), so runs are reproducible and resumable bit for bit on any JS engine: the state is four
 * uint32 words that go into a checkpoint as plain JSON.
 */
export type RngState = [number, number, number, number];

/**
 * Every stream of random numbers in dcgan-ts, by name: `Rng.derive(seed, RngStream.x, index)`. The numbers are part of
 * the formats (a seed must draw the same weights, batches, latents, subsets on every release): never renumber one,
 * only add.
 */
export const RngStream = {
  /** `dcgan data preview`'s choice of images; the studio's and `dcgan arithmetic`'s neighbours of a result. */
  unnamed: 0,
  /** Initial weights of G then D (N(0, 0.02)). */
  init: 1,
  /** Each epoch's data order (index: the epoch). */
  dataOrder: 2,
  /** The latents of every training step. */
  trainNoise: 3,
  /** The latent of one seed (`latentForSeed`: seed k always names the same z). */
  latent: 4,
  /** `--dataset fake`'s blobs. */
  fake: 5,
  /** `dcgan classify`'s labelled subsets (index: the draw). */
  classifyDraws: 7,
  /** The metrics classifier's initial weights, data order and shifts (`dcgan train-classifier`). */
  classifierTraining: 9,
  /** The training images that the metrics' floor compares with the reference split. */
  floorImages: 11,
  /** KID's random subsets. */
  kidSubsets: 12,
  /** `--flip`'s mirrored halves (index: the epoch). */
  flip: 101,
  /** `--augment`'s random transformations (index: the step). */
  augment: 102,
  /** `--truncation`'s resampled latent values (index: the seed). */
  truncation: 103,
  /** `dcgan project`'s random starts (index 0). */
  projection: 104,
  /** `dcgan dedup`'s autoencoder: initial weights, dropout masks. */
  dedup: 106,
} as const;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Seeded random numbers (xoshiro128**): `Rng.derive(seed, RngStream.x, index)` gives a stream; `state()` and
 * `Rng.fromState` checkpoint and resume one bit for bit.
 */
export class Rng {
  private s: Uint32Array;
  /** Second Box-Muller output, kept for the next normal() call. */
  private spareNormal: number | null = null;

  private constructor(state: ArrayLike<number>) {
    this.s = Uint32Array.from(state);
    if (this.s.every((w) => w === 0)) throw new Error('Rng state must not be all zero');
  }

  /** An independent generator for (seed, stream, index): e.g. the data order of epoch 3 of run seed 42. */
  static derive(seed: number, stream = 0, index = 0): Rng {
    const mix = splitmix32(seed ^ Math.imul(stream + 1, 0x632be5ab) ^ Math.imul(index + 1, 0x9e3779b1));
    // Burn a few outputs of the mixer so that nearby seeds give unrelated states.
    for (let i = 0; i < 4; i++) mix();
    return new Rng([mix(), mix(), mix(), mix()]);
  }

  static fromState(state: RngState): Rng {
    return new Rng(state);
  }

  /** The generator's full state; a spare Box-Muller value is dropped, so call this only between whole draws. */
  state(): RngState {
    if (this.spareNormal !== null) throw new Error('Rng.state() called with a pending normal draw');
    return [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!];
  }

  /** Uniform uint32. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in (0, 1), never exactly 0 or 1. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    // Multiply-shift with 53-bit doubles; the bias for n <= 2^21 is below 2^-32.
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller; both outputs used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** n normal draws with the given mean and standard deviation. Always draws an even count, so state() stays valid. */
  normals(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    if (n % 2 === 1) this.normal();
    return out;
  }

  /** n uniform draws in (lo, hi). */
  uniforms(n: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}
