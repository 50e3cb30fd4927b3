import {
  AUGMENT_POLICIES,
  CONDITIONAL_DISCRIMINATORS,
  DEFAULT_EVAL_METRICS,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_SELECT_BY,
  DEFAULT_TRAINING_CONFIG,
  FEATURE_METRICS,
  selectableScalars,
} from '@dcgan-ts/core';
import { DEFAULT_KEEP_CHECKPOINTS } from './run/checkpointRetention.js';
import { BACKEND_CHOICES, BACKEND_HELP } from './backend.js';
import { DATASET_NAMES } from './datasets/registry.js';
import { PRECISION_CHOICES, PRECISION_HELP } from './precision.js';
import { DEFAULT_EVAL_N } from './metrics/trainingEval.js';
import type { TrainRequest } from './train.js';

/** Epochs of a run given neither --steps nor --epochs: MNIST digits are clearly recognisable after 3. */
export const DEFAULT_EPOCHS = 5;

/**
 * How `--resume` treats an option:
 * - `fixed`: it defines the networks, the data or the noise streams; a resume refuses another value than the run's;
 * - `may change`: the schedule, where the data lives, how the run is executed;
 * - `eval protocol`: fixed once the run has evaluated, so that its curve keeps one protocol.
 */
export type ResumeRule = 'fixed' | 'may change' | 'eval protocol';

/** What an option's value is: the CLI parses and checks each kind in one place, with one error line. */
export type OptionValue =
  | 'integer'
  | 'positive integer'
  | 'positive number'
  | 'unit interval'
  | 'seed'
  | 'colour'
  | 'text'
  | 'flag'
  | 'optional text'
  | { readonly choices: readonly string[]; readonly numeric?: boolean };

/** One option of `dcgan train` (and of the library's TrainRequest), declared once. */
export interface OptionDeclaration {
  /** Its TrainRequest member. */
  readonly key: keyof TrainRequest | 'dryRun' | 'json';
  /** `--batch-size`. */
  readonly flag: string;
  /** Placeholder in the usage line (`<n>`, `[archive]`); none for a flag. */
  readonly placeholder?: string;
  readonly value: OptionValue;
  /** What omitting it gives, as the help and the README show it. */
  readonly default?: string;
  readonly help: string;
  readonly resume: ResumeRule;
}

const model = DEFAULT_MODEL_CONFIG;
const training = DEFAULT_TRAINING_CONFIG;

/**
 * `dcgan train`'s options in help order: the help, the checks, the resume rules and the README's option table come
 * from here.
 */
export const TRAIN_OPTIONS: readonly OptionDeclaration[] = [
  { key: 'dataset', flag: '--dataset', placeholder: '<name>', value: { choices: DATASET_NAMES }, default: 'what --data holds, else mnist', help: 'training images', resume: 'fixed' },
  { key: 'data', flag: '--data', placeholder: '<path>', value: 'text', help: 'file or folder of the data: IDX folder, CIFAR folder or .tar.gz, image folder, packed file', resume: 'may change' },
  { key: 'crop', flag: '--crop', placeholder: '<n>', value: 'positive integer', help: 'folder: cut the centre NxN square before resizing (e.g. 108 for CelebA)', resume: 'fixed' },
  { key: 'background', flag: '--background', placeholder: '<colour>', value: 'colour', default: 'white', help: 'folder: colour under transparent pixels: white, black, gray, #rrggbb, r,g,b', resume: 'fixed' },
  { key: 'strict', flag: '--strict', value: 'flag', help: 'a file that does not decode, or an image smaller than the target, is an error (default: skip or upscale, and report)', resume: 'may change' },
  { key: 'flip', flag: '--flip', value: 'flag', help: 'random horizontal flips, the same on --resume', resume: 'fixed' },
  { key: 'imageSize', flag: '--image-size', placeholder: '<n>', value: 'integer', default: String(model.imageSize), help: 'image side, a power of two from 16 to 256', resume: 'fixed' },
  { key: 'channels', flag: '--channels', placeholder: '<n>', value: { choices: ['1', '3'], numeric: true }, default: "the dataset's", help: 'image channels', resume: 'fixed' },
  { key: 'batchSize', flag: '--batch-size', placeholder: '<n>', value: 'positive integer', default: String(training.batchSize), help: 'minibatch size (the paper: 128)', resume: 'fixed' },
  { key: 'steps', flag: '--steps', placeholder: '<n>', value: 'positive integer', help: 'total optimisation steps of the run', resume: 'may change' },
  { key: 'epochs', flag: '--epochs', placeholder: '<n>', value: 'positive number', default: String(DEFAULT_EPOCHS), help: 'total epochs of the run', resume: 'may change' },
  { key: 'lr', flag: '--lr', placeholder: '<x>', value: 'positive number', default: String(training.lr), help: 'Adam learning rate', resume: 'fixed' },
  { key: 'beta1', flag: '--beta1', placeholder: '<x>', value: 'unit interval', default: String(training.beta1), help: 'Adam beta1', resume: 'fixed' },
  { key: 'nz', flag: '--nz', placeholder: '<n>', value: 'positive integer', default: String(model.nz), help: 'latent size', resume: 'fixed' },
  { key: 'ngf', flag: '--ngf', placeholder: '<n>', value: 'positive integer', default: String(model.ngf), help: "G's base width", resume: 'fixed' },
  { key: 'ndf', flag: '--ndf', placeholder: '<n>', value: 'positive integer', default: String(model.ndf), help: "D's base width", resume: 'fixed' },
  { key: 'kernel', flag: '--kernel', placeholder: '<n>', value: { choices: ['4', '5'], numeric: true }, default: String(model.kernel), help: 'kernel of the strided convolutions', resume: 'fixed' },
  { key: 'z', flag: '--z', placeholder: '<dist>', value: { choices: ['normal', 'uniform'] }, default: model.z, help: 'latent distribution', resume: 'fixed' },
  {
    key: 'ema',
    flag: '--ema',
    placeholder: '<decay>',
    value: 'unit interval',
    default: 'none',
    help: "keep a moving average of G's weights (e.g. 0.999); sample, eval, the studio and exports use it (--no-ema there: G itself)",
    resume: 'fixed',
  },
  {
    key: 'augment',
    flag: '--augment',
    placeholder: '<list>',
    value: 'text',
    default: 'none',
    help: `DiffAugment of what D sees, real and fake, for small datasets: comma-separated from ${AUGMENT_POLICIES.join(',')}`,
    resume: 'fixed',
  },
  {
    key: 'conditional',
    flag: '--conditional',
    value: 'flag',
    help: "class-conditional DCGAN on the data's labels (IDX, CIFAR, class folders): `dcgan sample --class K` draws class K",
    resume: 'fixed',
  },
  {
    key: 'conditionalD',
    flag: '--conditional-d',
    placeholder: '<wiring>',
    value: { choices: CONDITIONAL_DISCRIMINATORS },
    default: 'concat',
    help: "with --conditional: how D takes the class: concat (K class maps beside the image) or projection (Miyato & Koyama 2018: a class embedding times D's last features)",
    resume: 'fixed',
  },
  { key: 'seed', flag: '--seed', placeholder: '<n>', value: 'seed', default: 'random, recorded', help: 'run seed: weights, data order and noise', resume: 'fixed' },
  { key: 'out', flag: '--out', placeholder: '<dir>', value: 'text', default: 'runs/NNNNN-<dataset><size>', help: 'run directory', resume: 'may change' },
  {
    key: 'resume',
    flag: '--resume',
    placeholder: '[archive]',
    value: 'optional text',
    help:
      'continue the run in --out (default: the newest in runs/) from its latest checkpoint; with a checkpoint archive ' +
      "(.zip, the studio's download), continue that checkpoint in a new run directory --out",
    resume: 'may change',
  },
  { key: 'backend', flag: '--backend', placeholder: '<name>', value: { choices: BACKEND_CHOICES }, help: BACKEND_HELP, resume: 'may change' },
  { key: 'precision', flag: '--precision', placeholder: '<p>', value: { choices: PRECISION_CHOICES }, default: 'auto', help: PRECISION_HELP, resume: 'may change' },
  { key: 'logEvery', flag: '--log-every', placeholder: '<n>', value: 'positive integer', default: String(training.logEvery), help: 'log every N steps', resume: 'may change' },
  { key: 'sampleEvery', flag: '--sample-every', placeholder: '<n>', value: 'positive integer', default: String(training.sampleEvery), help: 'write a sample grid every N steps', resume: 'may change' },
  { key: 'checkpointEvery', flag: '--checkpoint-every', placeholder: '<n>', value: 'positive integer', default: String(training.checkpointEvery), help: 'checkpoint every N steps', resume: 'may change' },
  { key: 'evalEvery', flag: '--eval-every', placeholder: '<n>', value: 'integer', default: 'none', help: 'quality metrics every N steps and at the end, into log.jsonl (0 turns them off on --resume)', resume: 'may change' },
  { key: 'evalN', flag: '--eval-n', placeholder: '<n>', value: 'positive integer', default: String(DEFAULT_EVAL_N), help: 'samples (and reference images) per evaluation', resume: 'eval protocol' },
  {
    key: 'evalMetrics',
    flag: '--eval-metrics',
    placeholder: '<list>',
    value: 'text',
    default: DEFAULT_EVAL_METRICS.join(','),
    help: `comma-separated from ${FEATURE_METRICS.map((m) => m.name).join(',')}`,
    resume: 'eval protocol',
  },
  { key: 'classifier', flag: '--classifier', placeholder: '<dir>', value: 'text', default: 'the one `dcgan train-classifier` cached', help: 'feature extractor of the metrics', resume: 'eval protocol' },
  {
    key: 'selectBy',
    flag: '--select-by',
    placeholder: '<score>',
    value: { choices: selectableScalars() },
    default: DEFAULT_SELECT_BY,
    help: 'with --eval-every: the score that picks checkpoints/best (RUN@best); a run that worsens far past it gets a collapse warning',
    resume: 'may change',
  },
  {
    key: 'keepCheckpoints',
    flag: '--keep-checkpoints',
    placeholder: '<n>',
    value: 'integer',
    default: String(DEFAULT_KEEP_CHECKPOINTS),
    help: 'newest checkpoints kept, besides latest, best and --keep-every (0: keep all)',
    resume: 'may change',
  },
  { key: 'keepEvery', flag: '--keep-every', placeholder: '<n>', value: 'positive integer', default: 'none', help: 'also keep every checkpoint at a multiple of N steps', resume: 'may change' },
  { key: 'dryRun', flag: '--dry-run', value: 'flag', help: 'print the resolved config with parameter counts and exit', resume: 'may change' },
  { key: 'json', flag: '--json', value: 'flag', help: 'print the result as one JSON object on the last line', resume: 'may change' },
];

/** The declaration of `key`. */
export function trainOption(key: OptionDeclaration['key']): OptionDeclaration {
  const found = TRAIN_OPTIONS.find((o) => o.key === key);
  if (!found) throw new Error(`no train option ${key}`);
  return found;
}

/** The options a resume may not change, by the rule each declares. */
export function optionsFixedOnResume(): OptionDeclaration[] {
  return TRAIN_OPTIONS.filter((o) => o.resume === 'fixed');
}
