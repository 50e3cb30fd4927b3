import * as tf from '@tensorflow/tfjs-core';
import type { ConditionalDiscriminator, ModelConfig } from '../config.js';
import { DcganError } from '../errors.js';
import { latentsForSeeds } from '../latent/noise.js';
import { projectionLogits } from './projectionDiscriminator.js';

/**
 * The class-conditional DCGAN (`dcgan train --conditional`): the conditional GAN of Mirza & Osindero (2014) on the
 * DCGAN architecture as DCGAN-tensorflow builds it with `y_dim` (carpedm20/DCGAN-tensorflow, model.py): the one-hot
 * class goes into G beside z, and into D as K constant feature maps beside the image's channels. G and D stay plain
 * chains of layers with one input each, so everything that runs them (training, checkpoints, exports) is unchanged:
 *
 *   G: [z | onehot(y)]           (N, nz + K)        -> images (N, S, S, C)
 *   D: [image | onehot(y) maps]  (N, S, S, C + K)   -> logits (N, 1)
 *
 * With `--conditional-d projection` D takes the class at its output instead (projectionDiscriminator.ts, Miyato &
 * Koyama 2018): D's body sees the image alone and gives one term per class beside the unconditional one, and the
 * image's class picks its term; G is the same:
 *
 *   D: image (N, S, S, C) -> (N, 1 + K) -> logits (N, 1) of each image's class
 *
 * A conditional model's images are a function of (seed, class): by default the class of seed i is i mod K, so a grid
 * of seeds 0..K-1 shows every class once, and an evaluation of n seeds draws the classes equally.
 */

/** The number of classes a config conditions on (0: unconditional). */
export function classCount(c: Pick<ModelConfig, 'classes'>): number {
  return c.classes ?? 0;
}

/** Width of G's input: nz, plus K for a conditional model. */
export function generatorInputWidth(c: Pick<ModelConfig, 'nz' | 'classes'>): number {
  return c.nz + classCount(c);
}

/** How a conditional model's D takes the class (absent from the config: concat); null for an unconditional model. */
export function conditionalDiscriminator(c: Pick<ModelConfig, 'classes' | 'conditionalD'>): ConditionalDiscriminator | null {
  return classCount(c) > 0 ? (c.conditionalD ?? 'concat') : null;
}

/** Channels of D's input: the image's, plus K class maps for a concat conditional model. */
export function discriminatorInputChannels(c: Pick<ModelConfig, 'channels' | 'classes' | 'conditionalD'>): number {
  return c.channels + (conditionalDiscriminator(c) === 'concat' ? classCount(c) : 0);
}

/** Width of D's output: one logit, or for a projection D the unconditional term and one per class (1 + K). */
export function discriminatorOutputWidth(c: Pick<ModelConfig, 'classes' | 'conditionalD'>): number {
  return conditionalDiscriminator(c) === 'projection' ? 1 + classCount(c) : 1;
}

/**
 * What D's chain reads for images (N, S, S, C) of classes `oneHot` (N, K; null for an unconditional model): the
 * images with K class maps for concat, the images alone otherwise.
 */
export function discriminatorInput(
  c: Pick<ModelConfig, 'classes' | 'conditionalD'>,
  images: tf.Tensor4D,
  oneHot: tf.Tensor2D | null,
): tf.Tensor4D {
  if (conditionalDiscriminator(c) !== 'concat') return images;
  if (oneHot === null) throw new Error('discriminatorInput: a conditional D needs the images\' classes');
  return conditionImages(images, oneHot);
}

/**
 * The logits (N, 1) from D's chain's outputs: the outputs themselves, except for a projection D (N, 1 + K), whose
 * logit of an image is its class's term added to the unconditional one (projectionDiscriminator.ts).
 */
export function discriminatorLogits(
  c: Pick<ModelConfig, 'classes' | 'conditionalD'>,
  outputs: tf.Tensor2D,
  oneHot: tf.Tensor2D | null,
): tf.Tensor2D {
  if (conditionalDiscriminator(c) !== 'projection') return outputs;
  if (oneHot === null) throw new Error('discriminatorLogits: a projection D needs the images\' classes');
  return projectionLogits(outputs, oneHot);
}

/** The default class of each seed: seed mod K. */
export function seedClasses(seeds: readonly number[], classes: number): Int32Array {
  return Int32Array.from(seeds, (s) => s % classes);
}

/** Refuses a class-conditional model where `what` does not take one yet (one error line). */
export function refuseConditional(c: Pick<ModelConfig, 'classes'>, what: string): void {
  if (classCount(c) > 0) throw new DcganError(`${what} does not take class-conditional models (trained with --conditional) yet`);
}

/**
 * The class every image of a latent walk or arithmetic is drawn in: `--class` (an index or a name, resolveClass),
 * required for a conditional model (a walk keeps one class); undefined for an unconditional one.
 */
export function walkClass(c: Pick<ModelConfig, 'classes' | 'classNames'>, cls: number | string | undefined): number | undefined {
  const index = resolveClass(c, cls);
  if (classCount(c) > 0 && index === undefined) {
    throw new DcganError(`this model is class-conditional: pass --class K (0 to ${classCount(c) - 1}${c.classNames ? `, or a name: ${classList(c.classNames)}` : ''})`);
  }
  return index;
}

/**
 * A requested class (`--class`) as the model's class index: a number is the index, from 0 to K-1 (as the studio's
 * picker and the one-hot input number them, whatever the classes are called: a class folder named "2" may sort
 * elsewhere), anything else one of the model's class names (classNames). One error line for an unconditional model,
 * an unknown name or a bad index.
 */
export function resolveClass(c: Pick<ModelConfig, 'classes' | 'classNames'>, cls: number | string | undefined): number | undefined {
  if (cls === undefined) return undefined;
  const k = classCount(c);
  if (k === 0) throw new DcganError(`--class ${cls}: this model is not class-conditional (train it with --conditional)`);
  if (typeof cls === 'string' && /^[-+]?\d*\.?\d+(e[-+]?\d+)?$/i.test(cls.trim())) cls = Number(cls);
  if (typeof cls === 'string') {
    const named = c.classNames?.indexOf(cls) ?? -1;
    if (named < 0) {
      throw new DcganError(
        c.classNames
          ? `--class ${cls}: not one of this model's classes (${classList(c.classNames)}), nor an index from 0 to ${k - 1}`
          : `--class ${cls}: this model's classes have no names (its data named none); pass an index from 0 to ${k - 1}`,
      );
    }
    return named;
  }
  if (!Number.isInteger(cls) || cls < 0 || cls >= k) throw new DcganError(`--class must be from 0 to ${k - 1} for this model, got ${cls}`);
  return cls;
}

/** @deprecated since class names: resolveClass, which also returns the index. */
export function checkClass(c: Pick<ModelConfig, 'classes' | 'classNames'>, cls: number | undefined): void {
  resolveClass(c, cls);
}

/** Class names for a message: all of up to 12, else the first ten and how many more. */
function classList(names: readonly string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 10).join(', ')}, ... (${names.length - 10} more)`;
}

/**
 * G's input rows for latents (n, nz): the latents themselves for an unconditional model, else each z followed by the
 * one-hot of its class (`labels`, one per row; default: the seeds' classes, seed mod K). (n, nz + K) row-major.
 */
export function generatorInputs(
  c: Pick<ModelConfig, 'nz' | 'classes'>,
  latents: Float32Array,
  labels: ArrayLike<number> | number,
): Float32Array {
  const k = classCount(c);
  if (k === 0) return latents;
  const n = latents.length / c.nz;
  const width = c.nz + k;
  const out = new Float32Array(n * width);
  for (let i = 0; i < n; i++) {
    out.set(latents.subarray(i * c.nz, (i + 1) * c.nz), i * width);
    const y = typeof labels === 'number' ? labels : labels[i]!;
    out[i * width + c.nz + y] = 1;
  }
  return out;
}

/**
 * G's input for the latents (n, nz) of `seeds`: the latents for an unconditional model; else with class `cls` for
 * every row (`--class`), or each seed's default class (seed mod K).
 */
export function seedInputs(c: Pick<ModelConfig, 'nz' | 'classes'>, latents: Float32Array, seeds: readonly number[], cls?: number): Float32Array {
  const k = classCount(c);
  if (k === 0) return latents;
  return generatorInputs(c, latents, cls ?? seedClasses(seeds, k));
}

/**
 * G's inputs for the latents of `seeds`, each seed of a conditional model in its default class: the samples every
 * quality measurement draws (`dcgan eval`, `--eval-every`, the queue's evaluation shards), so that they agree.
 */
export function seedSampleInputs(c: Pick<ModelConfig, 'nz' | 'z' | 'classes'>, seeds: readonly number[]): Float32Array {
  return seedInputs(c, latentsForSeeds(seeds, c.nz, c.z), seeds);
}

/** One-hot rows (N, K) of labels. */
export function oneHotLabels(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels as ArrayLike<number>), 'int32'), classes), 'float32') as tf.Tensor2D;
}

/**
 * D's input: images (N, S, S, C) with the one-hot rows (N, K) as K constant maps, (N, S, S, C + K). Its gradient
 * reaches the images alone, as the first C channels of dy: the class maps are constants, and concat's own
 * gradient (a split into every part) cost more than the rest of a 32x32 step on the native backend (measured: 1.4 s
 * of a 3.7 s step).
 */
export function conditionImages(images: tf.Tensor4D, oneHot: tf.Tensor2D): tf.Tensor4D {
  const [n, s, , c] = images.shape;
  const k = oneHot.shape[1];
  const maps = tf.tidy(() => tf.tile(tf.reshape(oneHot, [n, 1, 1, k]), [1, s, s, 1]));
  const withMaps = tf.customGrad((x, m) => ({
    value: tf.concat([x as tf.Tensor4D, m as tf.Tensor4D], 3),
    // The first C channels of dy as a product with the (C + K, C) selection matrix: exact (ones and zeros), and a
    // GEMM every backend runs fast, where a strided last-axis slice took 0.23 s at 128x32x32x11 on the native one.
    gradFunc: (dy: tf.Tensor) => [
      tf.reshape(tf.matMul(tf.reshape(dy, [n * s * s, c + k]), tf.slice(tf.eye(c + k), [0, 0], [c + k, c])), [n, s, s, c]),
      tf.zeros([n, s, s, k]),
    ],
  }));
  const out = withMaps(images, maps) as tf.Tensor4D;
  maps.dispose();
  return out;
}
