import { DcganError, shownValue } from './errors.js';
import { parseAugmentPolicies } from './training/diffAugment.js';

/** The latent distribution: the paper's uniform U(-1, 1), or N(0, 1) as in PyTorch's and dcgan.torch's examples. */
export type LatentDistribution = 'normal' | 'uniform';

/**
 * How a conditional model's D takes the class (`--conditional-d`, models/conditioning.ts): as K class maps beside
 * the image (`concat`, DCGAN-tensorflow's y_dim) or as a class embedding projected onto D's last features at its
 * output (`projection`, Miyato & Koyama 2018; models/projectionDiscriminator.ts).
 */
export type ConditionalDiscriminator = 'concat' | 'projection';

/** The --conditional-d values, the default first. */
export const CONDITIONAL_DISCRIMINATORS: readonly ConditionalDiscriminator[] = ['concat', 'projection'];

/** What fixes the networks' shapes: everything a checkpoint must agree on. */
export interface ModelConfig {
  /** Square image side: a power of two from 16 to 256. */
  imageSize: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: number;
  /** Latent size (paper: 100). */
  nz: number;
  /** Width of G's last hidden layer; layers above double it (paper: 64 at 64x64 -> 1024 -> ... ). */
  ngf: number;
  /** Width of D's first layer; layers below double it. */
  ndf: number;
  /** Kernel of the strided convolutions: 4 (PyTorch, dcgan.torch) or 5 (the authors' Theano code). */
  kernel: number;
  z: LatentDistribution;
  /**
   * Classes of a class-conditional model (`--conditional`, models/conditioning.ts): G takes [z | one-hot class], D
   * the image with K class maps (concat), or the image alone with a class projection at its output (conditionalD).
   * Absent: the paper's unconditional DCGAN.
   */
  classes?: number;
  /**
   * The names of a conditional model's classes, in class order (a folder's class subfolders, CIFAR's classes), so
   * that `--class cat` and the studio's class picker can say them. Absent: the data named none (classes 0..K-1).
   */
  classNames?: string[];
  /**
   * How D of a conditional model takes the class (`--conditional-d`): recorded for `projection` only; absent (every
   * checkpoint from before the option, and every concat run) is `concat`.
   */
  conditionalD?: ConditionalDiscriminator;
}

/** The paper's optimisation settings (section 4) and the run's schedule. */
export interface TrainingConfig {
  batchSize: number;
  /** Total optimisation steps of the run (one step = one D update and one G update). */
  steps: number;
  lr: number;
  beta1: number;
  beta2: number;
  seed: number;
  logEvery: number;
  sampleEvery: number;
  checkpointEvery: number;
  /** Images in each sample grid. */
  sampleCount: number;
  /**
   * Decay of the moving average of G's weights (`--ema`, e.g. 0.999; training/generatorEma.ts); absent: none.
   * Absent from checkpoints of releases before it, which read as runs without one.
   */
  ema?: number;
  /** DiffAugment's policies on D's side (`--augment`, training/diffAugment.ts), canonical order; absent: none. */
  augment?: string;
}

/**
 * A run's whole configuration: the networks' shapes (ModelConfig) with the optimisation settings and schedule
 * (TrainingConfig), as a checkpoint's state.json records it.
 */
export interface DcganConfig extends ModelConfig, TrainingConfig {}

/** Most classes a conditional model takes (ImageNet's 1,000). */
export const MAX_CLASSES = 1000;

/** Smallest image side a model can have, in pixels (imageSize is a power of two from 16 to 256). */
export const MIN_IMAGE_SIZE = 16;
/** Largest image side a model can have, in pixels. */
export const MAX_IMAGE_SIZE = 256;

/** Paper defaults for the MNIST 32x32 run (batch 128, Adam 2e-4 / 0.5, weights N(0, 0.02)). */
export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  imageSize: 32,
  channels: 1,
  nz: 100,
  ngf: 64,
  ndf: 64,
  kernel: 4,
  z: 'normal',
};

/**
 * The paper's optimisation settings (section 4: batch 128, Adam lr 0.0002, beta1 0.5) and the default schedule (a log
 * line every 50 steps, a grid of 64 samples and a checkpoint every 500); steps and seed have no default.
 */
export const DEFAULT_TRAINING_CONFIG: Omit<TrainingConfig, 'steps' | 'seed'> = {
  batchSize: 128,
  lr: 0.0002,
  beta1: 0.5,
  beta2: 0.999,
  logEvery: 50,
  sampleEvery: 500,
  checkpointEvery: 500,
  sampleCount: 64,
};

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new DcganError(`${name} must be a positive integer, got ${shownValue(value)}`);
  }
}

/** Throws a DcganError naming the first invalid field. */
export function validateModelConfig(c: ModelConfig): void {
  if (!isPowerOfTwo(c.imageSize) || c.imageSize < MIN_IMAGE_SIZE || c.imageSize > MAX_IMAGE_SIZE) {
    throw new DcganError(
      `image size must be a power of two from ${MIN_IMAGE_SIZE} to ${MAX_IMAGE_SIZE}, got ${shownValue(c.imageSize)}`,
    );
  }
  if (c.channels !== 1 && c.channels !== 3) throw new DcganError(`channels must be 1 or 3, got ${shownValue(c.channels)}`);
  requirePositiveInteger('nz', c.nz);
  requirePositiveInteger('ngf', c.ngf);
  requirePositiveInteger('ndf', c.ndf);
  if (c.kernel !== 4 && c.kernel !== 5) throw new DcganError(`kernel must be 4 or 5, got ${shownValue(c.kernel)}`);
  if (c.z !== 'normal' && c.z !== 'uniform') throw new DcganError(`z must be normal or uniform, got ${shownValue(c.z)}`);
  if (c.classes !== undefined && !(Number.isInteger(c.classes) && c.classes >= 2 && c.classes <= MAX_CLASSES)) {
    throw new DcganError(`classes must be an integer from 2 to ${MAX_CLASSES}, got ${shownValue(c.classes)}`);
  }
  if (c.classNames !== undefined) checkClassNames(c.classNames, c.classes);
  if (c.conditionalD !== undefined) {
    if (!CONDITIONAL_DISCRIMINATORS.includes(c.conditionalD)) {
      throw new DcganError(`conditionalD must be one of ${CONDITIONAL_DISCRIMINATORS.join(', ')}, got ${shownValue(c.conditionalD)}`);
    }
    if (c.classes === undefined) throw new DcganError(`conditionalD ${c.conditionalD} needs a class-conditional model (classes)`);
  }
}

/** Longest class name kept (a folder name; longer ones are someone's mistake, or not ours). */
const MAX_CLASS_NAME = 200;

/**
 * Checks a model's class names (from a checkpoint, a manifest: untrusted): one non-empty, distinct string of at most
 * MAX_CLASS_NAME characters per class.
 */
export function checkClassNames(names: unknown, classes: number | undefined): void {
  if (classes === undefined) throw new DcganError('classNames needs a class-conditional model (classes)');
  if (!Array.isArray(names) || names.length !== classes) throw new DcganError(`classNames must list ${classes} names, one per class`);
  for (const n of names) {
    if (typeof n !== 'string' || n.length === 0 || n.length > MAX_CLASS_NAME) {
      throw new DcganError(`classNames must be non-empty strings of at most ${MAX_CLASS_NAME} characters, got ${shownValue(n)}`);
    }
  }
  if (new Set(names).size !== names.length) throw new DcganError('classNames repeats a name');
}

/**
 * Throws a DcganError naming the first invalid field: counts must be positive integers, lr positive and finite, beta1
 * and beta2 in [0, 1), the seed an integer from 0 to 2^32 - 1.
 */
export function validateTrainingConfig(c: TrainingConfig): void {
  requirePositiveInteger('batch size', c.batchSize);
  requirePositiveInteger('steps', c.steps);
  for (const [name, v] of [
    ['log every', c.logEvery],
    ['sample every', c.sampleEvery],
    ['checkpoint every', c.checkpointEvery],
    ['sample count', c.sampleCount],
  ] as const) {
    requirePositiveInteger(name, v);
  }
  if (typeof c.lr !== 'number' || !(c.lr > 0) || !Number.isFinite(c.lr)) throw new DcganError(`lr must be a positive number, got ${shownValue(c.lr)}`);
  for (const [name, v] of [
    ['beta1', c.beta1],
    ['beta2', c.beta2],
  ] as const) {
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new DcganError(`${name} must be in [0, 1), got ${shownValue(v)}`);
  }
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) {
    throw new DcganError(`seed must be an integer from 0 to 4294967295, got ${shownValue(c.seed)}`);
  }
  if (c.ema !== undefined && !(typeof c.ema === 'number' && c.ema > 0 && c.ema < 1)) {
    throw new DcganError(`ema must be a decay in (0, 1), e.g. 0.999, got ${shownValue(c.ema)}`);
  }
  if (c.augment !== undefined) {
    if (typeof c.augment !== 'string') throw new DcganError(`augment must be a list of policies, got ${shownValue(c.augment)}`);
    parseAugmentPolicies(c.augment);
  }
}

/** The model fields of a config, e.g. to compare a checkpoint with a request. */
export function modelConfigOf(c: ModelConfig): ModelConfig {
  return {
    imageSize: c.imageSize,
    channels: c.channels,
    nz: c.nz,
    ngf: c.ngf,
    ndf: c.ndf,
    kernel: c.kernel,
    z: c.z,
    ...(c.classes === undefined ? {} : { classes: c.classes }),
    ...(c.classNames === undefined ? {} : { classNames: c.classNames }),
    // concat is the default and recorded by absence, so that a concat run's config is that of releases before it.
    ...(c.conditionalD === 'projection' ? { conditionalD: c.conditionalD } : {}),
  };
}
