import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LatentDistribution } from '../config.js';
import { featureLayerNames } from '../representation/discriminatorFeatures.js';
import { Rng, RngStream } from '../rng.js';
import { conditionImages } from '../models/conditioning.js';
import { drawLatents } from './noise.js';

/**
 * Inverting G (`dcgan project`): the z whose G(z) best reconstructs a real image, found by gradient descent on z from
 * several random starts at once, after the projector of StyleGAN2 (Karras et al. 2020, section 5 and its
 * projector.py) without its noise maps: Adam on z with a learning rate ramped up over the first 5% of the steps and
 * down by a cosine over the last 25%, and a loss of pixels plus features. StyleGAN2 compares VGG16 features (LPIPS);
 * a DCGAN checkpoint carries its own feature extractor, D, whose block activations the paper itself reuses as
 * features (section 5.1), so the feature term compares those, each block's squared difference relative to the
 * target's own energy in that block. z is kept where G was trained: a normal z is pulled towards |z|^2 = nz, a
 * uniform one clipped to [-1, 1].
 *
 * Every start optimises independently (G and D run in inference mode, so the images of a batch do not interact);
 * the start with the lowest final loss wins.
 */
export interface ProjectionOptions {
  /** Optimisation steps (StyleGAN2's projector: 1,000). */
  steps: number;
  /** Random starts, optimised together as one batch. */
  starts: number;
  /** Seed of the starts. */
  seed: number;
  /** Peak learning rate (StyleGAN2: 0.1). */
  lr?: number;
  /** Weight of D's feature term against the pixel term (0: pixels only). */
  featureWeight?: number;
  /** A class-conditional G: the one-hot class (K) appended to every z (models/conditioning.ts); a concat D sees it as maps. */
  classOneHot?: Float32Array;
  /** Called every `every` steps (and at the last) with the z of every start and their losses. */
  onSnapshot?: { every: number; take(step: number, z: Float32Array, losses: Float32Array): void | Promise<void> };
}

/** What a projection found. */
export interface Projection {
  /** The winning start's z (nz). */
  z: Float32Array;
  /** Index of the winning start. */
  start: number;
  /** Mean squared error per pixel in [-1, 1], of the winner after optimisation... */
  pixelError: number;
  /** ...and of the best random start before it (the baseline a projection must beat). */
  startPixelError: number;
  /** The winner's final loss (pixels + weighted features). */
  loss: number;
}

const LR_RAMPUP = 0.05;
const LR_RAMPDOWN = 0.25;
/** Weight of the pull of a normal z towards the typical set (|z|^2 = nz). */
const PRIOR_WEIGHT = 1e-3;

/** StyleGAN2 projector's learning-rate schedule at fraction `t` of the run. */
function learningRate(peak: number, t: number): number {
  const down = Math.min(1, (1 - t) / LR_RAMPDOWN);
  return peak * Math.min(1, t / LR_RAMPUP) * (0.5 - 0.5 * Math.cos(Math.PI * down));
}

/** D's block activations (its LeakyReLU outputs) as one model, or null without D. */
function featureExtractor(discriminator: tfl.LayersModel | null): tfl.LayersModel | null {
  if (discriminator === null) return null;
  const names = featureLayerNames(discriminator);
  return tfl.model({ inputs: discriminator.inputs, outputs: names.map((n) => discriminator.getLayer(n).output as tfl.SymbolicTensor) });
}

function asList(x: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(x) ? x : [x];
}

/**
 * Projects `target` (1, S, S, C) in [-1, 1] into G's latent space; `discriminator` (may be null) supplies the
 * feature term. Returns the best start's z and the errors to judge it by.
 */
export async function projectImage(
  generator: tfl.LayersModel,
  discriminator: tfl.LayersModel | null,
  target: tf.Tensor4D,
  nz: number,
  distribution: LatentDistribution,
  options: ProjectionOptions,
): Promise<Projection> {
  const { steps, starts } = options;
  const peak = options.lr ?? 0.1;
  const featureWeight = discriminator === null ? 0 : (options.featureWeight ?? 1);
  const extractor = featureExtractor(discriminator);
  const rng = Rng.derive(options.seed, RngStream.projection);
  const z = tf.variable(tf.tensor2d(drawLatents(rng, starts, nz, distribution), [starts, nz]));
  const m = tf.variable(tf.zerosLike(z));
  const v = tf.variable(tf.zerosLike(z));
  // G's input: z, or [z | one-hot class] for a conditional G; D's: the image, with the class maps for a concat
  // conditional D (more input channels than the image has). A projection D's body reads the image alone, and its
  // block features, which this compares, come before the class enters (models/projectionDiscriminator.ts).
  const condition = options.classOneHot ? tf.tile(tf.tensor2d(options.classOneHot, [1, options.classOneHot.length]), [starts, 1]) : null;
  const generatorInput = () => (condition ? tf.concat([z, condition], 1) : z);
  const dTakesMaps = condition !== null && discriminator !== null && discriminator.inputs[0]!.shape[3] !== target.shape[3];
  const dInput = (images: tf.Tensor4D) => (dTakesMaps ? conditionImages(images, tf.slice(condition!, 0, images.shape[0]) as tf.Tensor2D) : images);
  // Target features and their energies, once: (1, ...) per block (set in the try below, freed in its finally).
  let targetFeatures: tf.Tensor[] = [];
  let energies: tf.Tensor[] = [];
  const perStart = (images: tf.Tensor4D) => {
    const pixel = tf.mean(tf.squaredDifference(images, target), [1, 2, 3]); // (starts)
    if (!extractor) return { pixel, loss: pixel };
    const features = asList(extractor.apply(dInput(images), { training: false }) as tf.Tensor | tf.Tensor[]);
    const terms = features.map((f, i) => tf.div(tf.mean(tf.squaredDifference(f, targetFeatures[i]!), [1, 2, 3]), energies[i]!));
    const feature = tf.div(tf.addN(terms), terms.length);
    return { pixel, loss: tf.add(pixel, tf.mul(feature, featureWeight)) };
  };
  const lossesOf = () =>
    tf.tidy(() => {
      const { pixel, loss } = perStart(generator.apply(generatorInput(), { training: false }) as tf.Tensor4D);
      return tf.stack([pixel, loss]);
    });
  try {
    if (extractor) targetFeatures = tf.tidy(() => asList(extractor.apply(dInput(target), { training: false }) as tf.Tensor | tf.Tensor[]));
    energies = targetFeatures.map((f) => tf.tidy(() => tf.add(tf.mean(tf.square(f)), 1e-8)));
    const initial = lossesOf();
    const startPixelError = Math.min(...((await initial.data()) as Float32Array).subarray(0, starts));
    initial.dispose();
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    for (let step = 1; step <= steps; step++) {
      const lr = learningRate(peak, (step - 1) / steps);
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const { loss } = perStart(generator.apply(generatorInput(), { training: false }) as tf.Tensor4D);
          const total = tf.sum(loss) as tf.Scalar;
          if (distribution !== 'normal') return total;
          const radius = tf.sub(tf.mean(tf.square(z), 1), 1); // (starts): 0 in the typical set
          return tf.add(total, tf.mul(tf.sum(tf.square(radius)), PRIOR_WEIGHT)) as tf.Scalar;
        }, [z]);
        const g = grads[z.name]!;
        m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
        v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
        const mHat = tf.div(m, 1 - b1 ** step);
        const vHat = tf.div(v, 1 - b2 ** step);
        const next = tf.sub(z, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), eps)), lr));
        z.assign((distribution === 'uniform' ? tf.clipByValue(next, -1, 1) : next) as tf.Tensor2D);
      });
      const snap = options.onSnapshot;
      if (snap && (step % snap.every === 0 || step === steps)) {
        const losses = lossesOf();
        await snap.take(step, (await z.data()) as Float32Array, ((await losses.data()) as Float32Array).slice(starts));
        losses.dispose();
      }
    }
    const final = lossesOf();
    const values = (await final.data()) as Float32Array;
    final.dispose();
    const loss = values.subarray(starts);
    let best = 0;
    for (let k = 1; k < starts; k++) if (loss[k]! < loss[best]!) best = k;
    const all = (await z.data()) as Float32Array;
    return { z: all.slice(best * nz, (best + 1) * nz), start: best, pixelError: values[best]!, startPixelError, loss: loss[best]! };
  } finally {
    tf.dispose([z, m, v, ...targetFeatures, ...energies, ...(condition ? [condition] : [])]);
  }
}
