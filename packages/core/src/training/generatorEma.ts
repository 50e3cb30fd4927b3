import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelConfig } from '../config.js';
import { buildGenerator } from '../models/generator.js';

/**
 * An exponential moving average of G's weights (`--ema <decay>`), the averaged generator of Yazici et al., "The
 * Unusual Effectiveness of Averaging in GAN Training" (ICLR 2019), as BigGAN and StyleGAN2-ADA keep it beside G:
 *
 *   ema <- d * ema + (1 - d) * w,   d = min(decay, (1 + t) / (10 + t))   after G's t-th update
 *
 * The ramp (1 + t) / (10 + t) is tf.train.ExponentialMovingAverage's num_updates rule: early on, when G moves fast and
 * the average would still remember the random initial weights, it follows G closely. Batch norm's running mean and
 * variance are not averaged but copied from G after every update, as StyleGAN2-ADA's training loop copies buffers
 * (training/training_loop.py: `b_ema.copy_(b)`): they describe G's activations, which the averaged weights follow.
 * The averaged G is the one users sample: samples, evaluations, the studio and exports take it where a checkpoint
 * holds one.
 */
export class GeneratorEma {
  private readonly averaged: tf.Variable[];
  private readonly trained: tf.Variable[];
  private readonly copiedTo: tf.Variable[];
  private readonly copiedFrom: tf.Variable[];

  private constructor(
    readonly decay: number,
    /** The averaged generator: G's architecture, its own weights. */
    readonly model: tfl.LayersModel,
    generator: tfl.LayersModel,
  ) {
    const vars = (m: tfl.LayersModel, trainable: boolean) =>
      (trainable ? m.trainableWeights : m.nonTrainableWeights).map((w) => w.read() as tf.Variable);
    this.averaged = vars(model, true);
    this.trained = vars(generator, true);
    this.copiedTo = vars(model, false);
    this.copiedFrom = vars(generator, false);
    if (this.averaged.length !== this.trained.length || this.copiedTo.length !== this.copiedFrom.length) {
      throw new Error('GeneratorEma: the averaged network does not have G\'s weights');
    }
  }

  /** A new average that starts as a copy of `generator` (at step 0, or when --ema is first given). */
  static start(config: ModelConfig, generator: tfl.LayersModel, decay: number): GeneratorEma {
    const model = buildGenerator(config);
    model.setWeights(generator.getWeights());
    return new GeneratorEma(decay, model, generator);
  }

  /** An average read from a checkpoint (`model`: its averaged generator), continued exactly. */
  static resume(model: tfl.LayersModel, generator: tfl.LayersModel, decay: number): GeneratorEma {
    return new GeneratorEma(decay, model, generator);
  }

  /** The decay after G's `t`-th update (t from 1): the ramp above, capped by --ema. */
  static decayAt(decay: number, t: number): number {
    return Math.min(decay, (1 + t) / (10 + t));
  }

  /** Folds G's weights after its `t`-th update into the average and copies its batch-norm statistics. */
  update(t: number): void {
    const d = GeneratorEma.decayAt(this.decay, t);
    tf.tidy(() => {
      this.averaged.forEach((ema, i) => {
        ema.assign(tf.add(tf.mul(ema, d), tf.mul(this.trained[i]!, 1 - d)));
      });
      this.copiedTo.forEach((to, i) => to.assign(this.copiedFrom[i]!.clone()));
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}
