import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { DcganConfig } from '../config.js';
import type { ImageDataset } from '../data/dataset.js';
import { DcganError } from '../errors.js';
import { drawLatents } from '../latent/noise.js';
import { buildDiscriminator } from '../models/discriminator.js';
import { buildGenerator } from '../models/generator.js';
import { initializeWeights } from '../models/initialize.js';
import { applyChainInTraining } from '../models/layerChain.js';
import { Rng, RngStream, type RngState } from '../rng.js';
import { Adam, type AdamState } from './adam.js';
import { classCount, discriminatorInput, discriminatorLogits, generatorInputs, oneHotLabels } from '../models/conditioning.js';
import { type AugmentPolicy, augmentPolicies, diffAugment } from './diffAugment.js';
import { GeneratorEma } from './generatorEma.js';
import { type VariableGradients, recordForward, variableGradsFreeing } from './gradients.js';
import { discriminatorLoss, generatorLoss, meanProbability } from './losses.js';

/** What one training step measured (the numbers PyTorch's dcgan example prints). */
export interface StepMetrics {
  lossD: number;
  lossG: number;
  /** Mean D(x) on the real batch. */
  dx: number;
  /** Mean D(G(z)) before D's update... */
  dgz1: number;
  /** ...and after it, in G's step. */
  dgz2: number;
}

/** Where a run stands, everything besides the weights that a resumed run needs to continue exactly. */
export interface TrainerState {
  /** Completed steps. */
  step: number;
  /** Epoch of the next batch, and that batch's position in the epoch's shuffled order. */
  epoch: number;
  batchInEpoch: number;
  /** State of the stream that draws each step's z. */
  noiseRng: RngState;
  adamG: AdamState;
  adamD: AdamState;
}

/** What a trainer may take besides config, data and networks. */
export interface TrainerExtras {
  /** The averaged G a checkpoint holds (config.ema); a new average starts as a copy of G when absent. */
  emaModel?: tfl.LayersModel;
  /** Class of each training image (dataset.size), for a conditional model (config.classes). */
  labels?: Uint16Array;
}

function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * The paper's training procedure (section 4) for one G/D pair on one dataset: minibatch SGD with Adam, one D update
 * then one G update per step, as in PyTorch's dcgan example. Holds everything a step needs and nothing about files.
 * Additions from later practice, all off by default: a moving average of G's weights (config.ema, generatorEma.ts),
 * differentiable augmentation of everything D sees (config.augment, diffAugment.ts) and class conditioning
 * (config.classes, models/conditioning.ts).
 */
export class DcganTrainer {
  readonly stepsPerEpoch: number;
  /** The moving average of G's weights (config.ema), or null. */
  readonly ema: GeneratorEma | null;
  private readonly augment: AugmentPolicy[];
  /** Class of each training image, for a conditional model (config.classes). */
  private readonly labels: Uint16Array | null;
  private readonly adamG: Adam;
  private readonly adamD: Adam;
  private readonly gVars: tf.Variable[];
  private readonly dVars: tf.Variable[];
  private readonly realBuffer: Float32Array;
  private noiseRng: Rng;
  private order: Uint32Array;
  private _step = 0;
  private epoch = 0;
  private batchInEpoch = 0;

  private constructor(
    readonly config: DcganConfig,
    readonly dataset: ImageDataset,
    readonly generator: tfl.LayersModel,
    readonly discriminator: tfl.LayersModel,
    extras: TrainerExtras = {},
  ) {
    const { emaModel, labels } = extras;
    const { imageSize, channels, batchSize } = config;
    // Checked before anything is allocated: a refused trainer leaves nothing behind.
    const k = classCount(config);
    if (k > 0) {
      if (!labels || labels.length !== dataset.size) throw new DcganError(`a class-conditional run needs the class of each of the ${dataset.size} images`);
      const outside = labels.findIndex((y) => y >= k);
      if (outside !== -1) throw new DcganError(`image ${outside} has class ${labels[outside]}, but the model has ${k} classes`);
    }
    if (dataset.imageSize !== imageSize || dataset.channels !== channels) {
      throw new DcganError(
        `dataset ${dataset.name} gives ${dataset.imageSize}x${dataset.imageSize}x${dataset.channels} images, ` +
          `the model wants ${imageSize}x${imageSize}x${channels}`,
      );
    }
    if (dataset.size < batchSize) {
      throw new DcganError(`dataset ${dataset.name} has ${dataset.size} images, fewer than one batch of ${batchSize}`);
    }
    this.stepsPerEpoch = Math.floor(dataset.size / batchSize); // the last partial batch is dropped, as dcgan.torch does
    this.gVars = trainableVariables(generator);
    this.dVars = trainableVariables(discriminator);
    const adam = { lr: config.lr, beta1: config.beta1, beta2: config.beta2, epsilon: 1e-8 };
    this.adamG = new Adam(this.gVars, adam);
    this.adamD = new Adam(this.dVars, adam);
    this.realBuffer = new Float32Array(batchSize * imageSize * imageSize * channels);
    this.noiseRng = Rng.derive(config.seed, RngStream.trainNoise);
    this.order = this.epochOrder(0);
    this.augment = augmentPolicies(config.augment);
    this.labels = k > 0 ? labels! : null;
    this.ema =
      config.ema === undefined
        ? null
        : emaModel
          ? GeneratorEma.resume(emaModel, generator, config.ema)
          : GeneratorEma.start(config, generator, config.ema);
  }

  /** A new run: fresh networks drawn from the run's seed (`labels`: the images' classes, for a conditional model). */
  static create(config: DcganConfig, dataset: ImageDataset, labels?: Uint16Array): DcganTrainer {
    const generator = buildGenerator(config);
    const discriminator = buildDiscriminator(config);
    const initRng = Rng.derive(config.seed, RngStream.init);
    initializeWeights(generator, initRng);
    initializeWeights(discriminator, initRng);
    return new DcganTrainer(config, dataset, generator, discriminator, { labels });
  }

  /** A run continued from saved networks and state (and the averaged G, for a run with config.ema). */
  static resume(
    config: DcganConfig,
    dataset: ImageDataset,
    generator: tfl.LayersModel,
    discriminator: tfl.LayersModel,
    state: TrainerState,
    extras: TrainerExtras = {},
  ): DcganTrainer {
    const { emaModel } = extras;
    if ((config.ema !== undefined) !== (emaModel !== undefined)) {
      emaModel?.dispose();
      throw new DcganError(
        config.ema !== undefined ? 'the checkpoint has no averaged generator, though its run has --ema' : 'an averaged generator was given to a run without --ema',
      );
    }
    const trainer = new DcganTrainer(config, dataset, generator, discriminator, extras);
    trainer.adamG.setState(state.adamG);
    trainer.adamD.setState(state.adamD);
    trainer._step = state.step;
    trainer.epoch = state.epoch;
    trainer.batchInEpoch = state.batchInEpoch;
    trainer.noiseRng = Rng.fromState(state.noiseRng);
    trainer.order = trainer.epochOrder(state.epoch);
    return trainer;
  }

  get step(): number {
    return this._step;
  }

  /** The G that draws a run's samples and evaluations: the moving average where the run keeps one, else G. */
  get sampler(): tfl.LayersModel {
    return this.ema?.model ?? this.generator;
  }

  /** Fractional epochs done, e.g. 1.5 halfway through the second epoch. */
  get epochsDone(): number {
    return this._step / this.stepsPerEpoch;
  }

  /**
   * One D update and one G update on the next batch, read back synchronously: for backends whose reads are
   * synchronous (native, cpu). GPU backends read asynchronously: use trainStepAsync there.
   */
  trainStep(): StepMetrics {
    const scalars = this.runStep();
    try {
      return this.finishStep(scalars.dataSync() as Float32Array);
    } finally {
      scalars.dispose();
    }
  }

  /** trainStep for every backend: WebGPU and WebGL read GPU memory asynchronously (one read of 5 floats a step). */
  async trainStepAsync(): Promise<StepMetrics> {
    const scalars = this.runStep();
    try {
      return this.finishStep((await scalars.data()) as Float32Array);
    } finally {
      scalars.dispose();
    }
  }

  /** Both updates of one step, queued on the backend; returns [lossD, lossG, dx, dgz1, dgz2] as one tensor (5). */
  private runStep(): tf.Tensor1D {
    const { batchSize, imageSize, channels, nz, z } = this.config;
    const indices = this.order.subarray(this.batchInEpoch * batchSize, (this.batchInEpoch + 1) * batchSize);
    this.dataset.fillBatch(indices, this.realBuffer);
    const noise = drawLatents(this.noiseRng, batchSize, nz, z);
    // A conditional model: the real batch's classes, for the real images and for G's fakes alike, as
    // DCGAN-tensorflow feeds `batch_labels` to both: the fakes follow the data's own class mix, so D cannot tell them
    // from the reals by their class, and the noise stream is the unconditional run's.
    const k = classCount(this.config);
    const classes = this.labels ? Array.from(indices, (i) => this.labels![i]!) : null;
    // DiffAugment's draws: a function of (seed, step), so a resumed run augments as a straight one.
    const augmentRng = Rng.derive(this.config.seed, RngStream.augment, this._step);
    const seenByD = (x: tf.Tensor4D) => diffAugment(x, this.augment, augmentRng);

    return tf.tidy(() => {
      const real = tf.tensor4d(this.realBuffer, [batchSize, imageSize, imageSize, channels]);
      const zBatch = tf.tensor2d(generatorInputs(this.config, noise, classes ?? 0), [batchSize, nz + k]); // (N, nz + K)
      const oneHot = classes ? oneHotLabels(classes, k) : null; // (N, K)
      const G = this.generator;
      const D = this.discriminator;
      // D's logits (N, 1) of images in training mode: D sees the (augmented) image, with its class as K maps for a
      // concat conditional model; a projection D adds the class's term at its output (models/conditioning.ts).
      const dLogits = (x: tf.Tensor4D) => {
        const outputs = applyChainInTraining(D, discriminatorInput(this.config, seenByD(x), oneHot)) as tf.Tensor2D;
        return discriminatorLogits(this.config, outputs, oneHot);
      };

      // G's forward pass in training mode (batch statistics), run once and recorded for G's update, as PyTorch's
      // example keeps its graph: D's update takes its output with no gradient into G (fake.detach()).
      const { output: fake, recorded: gForward } = recordForward(() => applyChainInTraining(G, zBatch)); // (N, S, S, C)
      let dStep: VariableGradients;
      let dx!: tf.Scalar;
      let dgz1!: tf.Scalar;
      try {
        // (1) Update D: maximise log D(x) + log(1 - D(G(z))).
        dStep = variableGradsFreeing(() => {
          const realLogits = dLogits(real); // (N, 1)
          const fakeLogits = dLogits(fake as tf.Tensor4D);
          dx = tf.keep(meanProbability(realLogits));
          dgz1 = tf.keep(meanProbability(fakeLogits));
          return discriminatorLoss(realLogits, fakeLogits);
        }, this.dVars);
        this.adamD.apply(dStep.grads);
        tf.dispose(dStep.grads); // before G's step allocates D's activations again
      } catch (e) {
        gForward.dispose();
        throw e;
      }

      // (2) Update G: maximise log D(G(z)) through the updated D (the non-saturating loss), back-propagated through
      // the recorded forward pass of G.
      let dgz2!: tf.Scalar;
      const gStep = variableGradsFreeing(() => {
        const fakeLogits = dLogits(fake as tf.Tensor4D);
        dgz2 = tf.keep(meanProbability(fakeLogits));
        return generatorLoss(fakeLogits);
      }, this.gVars, gForward);
      this.adamG.apply(gStep.grads);
      this.ema?.update(this.adamG.step);

      const scalars = tf.stack([dStep.value, gStep.value, dx, dgz1, dgz2]) as tf.Tensor1D;
      tf.dispose([dx, dgz1, dgz2]); // kept out of the backward passes' scopes: the tidy does not free them
      return scalars;
    });
  }

  /** Advances the step, epoch and data order once a step's numbers are back. */
  private finishStep([lossD, lossG, dx, dgz1, dgz2]: Float32Array): StepMetrics {
    this._step += 1;
    this.batchInEpoch += 1;
    if (this.batchInEpoch === this.stepsPerEpoch) {
      this.epoch += 1;
      this.batchInEpoch = 0;
      this.order = this.epochOrder(this.epoch);
    }
    return { lossD: lossD!, lossG: lossG!, dx: dx!, dgz1: dgz1!, dgz2: dgz2! };
  }

  /** Everything but the networks a resumed run needs; asynchronous, as reading a GPU backend's moments is. */
  async state(): Promise<TrainerState> {
    return {
      step: this._step,
      epoch: this.epoch,
      batchInEpoch: this.batchInEpoch,
      noiseRng: this.noiseRng.state(),
      adamG: await this.adamG.getState(),
      adamD: await this.adamD.getState(),
    };
  }

  dispose(): void {
    this.adamG.dispose();
    this.adamD.dispose();
    this.ema?.dispose();
    this.generator.dispose();
    this.discriminator.dispose();
  }

  /** The shuffled order of an epoch: a function of (seed, epoch) alone, so resuming mid-epoch needs no saved list. */
  private epochOrder(epoch: number): Uint32Array {
    return Rng.derive(this.config.seed, RngStream.dataOrder, epoch).permutation(this.dataset.size);
  }
}
