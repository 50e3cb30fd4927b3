import * as tf from '@tensorflow/tfjs-core';
import { DcganError } from '../errors.js';
import type { Rng } from '../rng.js';

/**
 * Differentiable augmentation (`--augment`), DiffAugment of Zhao, Liu, Lin, Zhu & Han, "Differentiable Augmentation
 * for Data-Efficient GAN Training" (NeurIPS 2020), after its reference code (mit-han-lab/data-efficient-gans,
 * DiffAugment_pytorch.py): every image D sees, real or fake, in D's update and in G's, goes through the same random
 * transformations, written with differentiable ops so that G's gradient flows through them. G never sees an
 * augmented image, so it learns the clean distribution; D, shown many variants of each real image, memorises a small
 * dataset much later.
 *
 * Policies, applied in this order, with the reference's parameters:
 * - color: brightness + (r - 0.5), saturation x (2r) around the pixel's channel mean, contrast x (r + 0.5) around the
 *   image's mean (r ~ U(0, 1) per image and per transformation);
 * - translation: shift by up to 1/8 of the side in x and y (whole pixels, per image), zeros shifted in;
 * - cutout: a zeroed square of half the side at a random place per image (clipped at the borders).
 * The random numbers come from the caller's stream, drawn in JS: a run's augmentations are a function of its seed and
 * step, so a resumed run augments exactly as a straight one.
 */
export const AUGMENT_POLICIES = ['color', 'translation', 'cutout'] as const;
/** One of DiffAugment's policies: 'color', 'translation' or 'cutout'. */
export type AugmentPolicy = (typeof AUGMENT_POLICIES)[number];

/** Largest shift of `translation`, as a share of the side (the reference's ratio 0.125). */
const TRANSLATION_RATIO = 0.125;
/** Side of `cutout`'s square, as a share of the image side (the reference's ratio 0.5). */
const CUTOUT_RATIO = 0.5;

/**
 * `--augment`'s list ("translation,cutout,color", any order, no repeats) as the canonical string a run records:
 * the policies in AUGMENT_POLICIES order. Throws a DcganError naming what is wrong.
 */
export function parseAugmentPolicies(list: string): string {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new DcganError(`--augment needs a comma-separated list from ${AUGMENT_POLICIES.join(',')}`);
  for (const name of names) {
    if (!(AUGMENT_POLICIES as readonly string[]).includes(name)) {
      throw new DcganError(`--augment: unknown policy ${JSON.stringify(name)}; choose from ${AUGMENT_POLICIES.join(',')}`);
    }
  }
  if (new Set(names).size !== names.length) throw new DcganError(`--augment names a policy twice: ${list}`);
  return AUGMENT_POLICIES.filter((p) => names.includes(p)).join(',');
}

/** The policies of a canonical --augment string (parseAugmentPolicies), in the order they are applied. */
export function augmentPolicies(canonical: string | undefined): AugmentPolicy[] {
  if (canonical === undefined || canonical === '') return [];
  return parseAugmentPolicies(canonical).split(',') as AugmentPolicy[];
}

/** One uniform U(0, 1) per image, as (N, 1, 1, 1). */
function perImage(rng: Rng, n: number): tf.Tensor4D {
  return tf.tensor4d(rng.uniforms(n, 0, 1), [n, 1, 1, 1]);
}

function color(x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const n = x.shape[0];
  let y = tf.add(x, tf.sub(perImage(rng, n), 0.5)) as tf.Tensor4D; // brightness
  const pixelMean = tf.mean(y, 3, true);
  y = tf.add(tf.mul(tf.sub(y, pixelMean), tf.mul(perImage(rng, n), 2)), pixelMean) as tf.Tensor4D; // saturation
  const imageMean = tf.mean(y, [1, 2, 3], true);
  return tf.add(tf.mul(tf.sub(y, imageMean), tf.add(perImage(rng, n), 0.5)), imageMean) as tf.Tensor4D; // contrast
}

/** A whole-pixel shift in [-max, max], as the reference's randint(-shift, shift + 1). */
function shifts(rng: Rng, n: number, max: number): Int32Array {
  return Int32Array.from({ length: n }, () => rng.int(2 * max + 1) - max);
}

/**
 * (N, S, S) matrices that shift by `by[n]` rows: M[n][i][i - by[n]] = 1 where that row exists, so M @ v moves v
 * down by `by[n]` with zeros shifted in.
 */
function shiftMatrices(by: Int32Array, side: number): tf.Tensor3D {
  const m = new Float32Array(by.length * side * side);
  by.forEach((s, n) => {
    for (let i = 0; i < side; i++) {
      const from = i - s;
      if (from >= 0 && from < side) m[(n * side + i) * side + from] = 1;
    }
  });
  return tf.tensor3d(m, [by.length, side, side]);
}

/**
 * Per-image shifts as two batched matrix products (rows, then columns): differentiable in x with the ops every
 * backend has, where the reference gathers with index grids. (N, S, S, C) -> (N, S, S, C).
 */
function translation(x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const max = Math.floor(h * TRANSLATION_RATIO + 0.5);
  const dx = shifts(rng, n, max);
  const dy = shifts(rng, n, max);
  const rows = tf.matMul(shiftMatrices(dy, h), tf.reshape(x, [n, h, w * c])); // (N, H, W*C)
  const byColumn = tf.reshape(tf.transpose(tf.reshape(rows, [n, h, w, c]), [0, 2, 1, 3]), [n, w, h * c]); // (N, W, H*C)
  const cols = tf.matMul(shiftMatrices(dx, w), byColumn); // (N, W, H*C)
  return tf.transpose(tf.reshape(cols, [n, w, h, c]), [0, 2, 1, 3]) as tf.Tensor4D;
}

function cutout(x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const cutH = Math.floor(h * CUTOUT_RATIO + 0.5);
  const cutW = Math.floor(w * CUTOUT_RATIO + 0.5);
  const mask = new Float32Array(n * h * w).fill(1);
  for (let i = 0; i < n; i++) {
    // The reference's offsets: randint(0, side + (1 - cut % 2)), the square centred there and clipped.
    const cy = rng.int(h + (1 - (cutH % 2)));
    const cx = rng.int(w + (1 - (cutW % 2)));
    for (let y = Math.max(0, cy - (cutH >> 1)); y < Math.min(h, cy - (cutH >> 1) + cutH); y++) {
      for (let xx = Math.max(0, cx - (cutW >> 1)); xx < Math.min(w, cx - (cutW >> 1) + cutW); xx++) mask[(i * h + y) * w + xx] = 0;
    }
  }
  return tf.mul(x, tf.tensor4d(mask, [n, h, w, 1]));
}

const APPLY: Record<AugmentPolicy, (x: tf.Tensor4D, rng: Rng) => tf.Tensor4D> = { color, translation, cutout };

/**
 * `x` (N, S, S, C) through `policies` in order, with random numbers from `rng`; x itself when there are none. No tidy
 * of its own: it runs inside the trainer's gradient scopes, which keep what the backward pass needs and free the rest.
 */
export function diffAugment(x: tf.Tensor4D, policies: readonly AugmentPolicy[], rng: Rng): tf.Tensor4D {
  return policies.reduce((y, policy) => APPLY[policy](y, rng), x);
}
