import { type DcganConfig, validateModelConfig, validateTrainingConfig } from '../config.js';
import { DcganError, shownValue } from '../errors.js';
import type { RngState } from '../rng.js';
import type { AdamState } from '../training/adam.js';
import type { TrainerState } from '../training/trainer.js';

/**
 * state.json of a checkpoint directory (docs/formats.md): plain JSON beside the two TF.js LayersModels and the raw float32
 * optimizer moments. Loading it never executes code.
 */
export const CHECKPOINT_FORMAT = 'dcgan-ts-checkpoint';
/** state.json's format version this release writes and the only one it reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/**
 * One network's Adam state as state.json describes it: its settings and step, the variables' shapes, and the file that
 * holds the moments.
 */
export interface OptimizerManifest {
  /** Relative path of the moments file: for each variable in order, m then v, float32 little-endian. */
  file: string;
  step: number;
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Shapes of the variables, in G's or D's trainableWeights order. */
  shapes: number[][];
}

/**
 * A checkpoint's parsed state.json: the run's config, its dataset, the step and position in the epoch, the noise
 * stream's state and the optimizer manifests: what a resume needs besides the weights.
 */
export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  packageVersion: string;
  createdAt: string;
  /** Backend that trained it: resuming on another backend continues, but not bit for bit. */
  backend: string;
  config: DcganConfig;
  dataset: { name: string; size: number };
  step: number;
  epoch: number;
  batchInEpoch: number;
  /** The z stream's state after `step` steps; each epoch's data order is a function of (config.seed, epoch). */
  noiseRng: RngState;
  optimizers: { generator: OptimizerManifest; discriminator: OptimizerManifest };
}

/** Packs an Adam state as one buffer (m0 v0 m1 v1 ...) and its manifest. */
export function encodeAdamState(
  state: AdamState,
  shapes: number[][],
  settings: { lr: number; beta1: number; beta2: number; epsilon: number },
  file: string,
): { manifest: OptimizerManifest; data: Uint8Array } {
  const total = state.m.reduce((n, m) => n + 2 * m.length, 0);
  const packed = new Float32Array(total);
  let offset = 0;
  state.m.forEach((m, i) => {
    packed.set(m, offset);
    packed.set(state.v[i]!, offset + m.length);
    offset += 2 * m.length;
  });
  return {
    manifest: { file, step: state.step, ...settings, shapes },
    data: new Uint8Array(packed.buffer),
  };
}

/**
 * An Adam state from its moments file (m0 v0 m1 v1 ..., float32 little-endian) and manifest; throws a DcganError when
 * the manifest's shapes are not `shapes`, those of the network's trainable variables in order (the moments would be
 * cut at other places than the variables they belong to), or when the file's size disagrees with them.
 */
export function decodeAdamState(manifest: OptimizerManifest, data: Uint8Array, shapes: readonly (readonly number[])[]): AdamState {
  if (JSON.stringify(manifest.shapes) !== JSON.stringify(shapes)) {
    throw new DcganError(`state.json describes ${manifest.file} for variables of other shapes than the network's`);
  }
  const sizes = manifest.shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const expected = sizes.reduce((n, s) => n + 2 * s, 0) * 4;
  if (data.byteLength !== expected) {
    throw new DcganError(`${manifest.file} holds ${data.byteLength} bytes, its manifest describes ${expected}`);
  }
  const floats = new Float32Array(data.slice().buffer);
  const m: Float32Array[] = [];
  const v: Float32Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    m.push(floats.slice(offset, offset + size));
    v.push(floats.slice(offset + size, offset + 2 * size));
    offset += 2 * size;
  }
  return { step: manifest.step, m, v };
}

/**
 * The DcganTrainer state a resume starts from: the checkpoint's step, epoch position and noise stream, with G's and D's
 * decoded Adam states.
 */
export function trainerStateOf(checkpoint: CheckpointState, adamG: AdamState, adamD: AdamState): TrainerState {
  return {
    step: checkpoint.step,
    epoch: checkpoint.epoch,
    batchInEpoch: checkpoint.batchInEpoch,
    noiseRng: checkpoint.noiseRng,
    adamG,
    adamD,
  };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isNonNegativeInteger(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 0;
}

function checkOptimizer(name: string, x: unknown): OptimizerManifest {
  if (
    !isRecord(x) ||
    typeof x.file !== 'string' ||
    !isNonNegativeInteger(x.step) ||
    !Array.isArray(x.shapes) ||
    !x.shapes.every((s) => Array.isArray(s) && s.every(isNonNegativeInteger)) ||
    ![x.lr, x.beta1, x.beta2, x.epsilon].every((v) => typeof v === 'number')
  ) {
    throw new DcganError(`state.json: optimizers.${name} is malformed`);
  }
  if (x.file.includes('..') || x.file.startsWith('/') || x.file.length > 255 || Array.from(x.file).some((ch) => ch < ' ')) {
    throw new DcganError(`state.json: bad optimizer file ${shownValue(x.file)}`);
  }
  return x as unknown as OptimizerManifest;
}

/** Checks untrusted state.json content field by field; throws a DcganError naming what is wrong. */
export function parseCheckpointState(json: unknown): CheckpointState {
  if (!isRecord(json) || json.format !== CHECKPOINT_FORMAT) {
    throw new DcganError(`state.json is not a ${CHECKPOINT_FORMAT} file`);
  }
  if (json.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new DcganError(
      `checkpoint format version ${shownValue(json.formatVersion)} is not supported (this dcgan-ts reads ${CHECKPOINT_FORMAT_VERSION})`,
    );
  }
  for (const key of ['step', 'epoch', 'batchInEpoch'] as const) {
    if (!isNonNegativeInteger(json[key])) throw new DcganError(`state.json: ${key} must be a non-negative integer`);
  }
  const rng = json.noiseRng;
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every((w) => isNonNegativeInteger(w) && w <= 0xffffffff) || rng.every((w) => w === 0)) {
    throw new DcganError('state.json: noiseRng must be four uint32 words, not all zero');
  }
  if (!isRecord(json.config)) throw new DcganError('state.json: config is missing');
  const config = json.config as unknown as DcganConfig;
  validateModelConfig(config);
  validateTrainingConfig(config);
  if (!isRecord(json.dataset) || typeof json.dataset.name !== 'string' || !isNonNegativeInteger(json.dataset.size)) {
    throw new DcganError('state.json: dataset is malformed');
  }
  if (!isRecord(json.optimizers)) throw new DcganError('state.json: optimizers are missing');
  checkOptimizer('generator', json.optimizers.generator);
  checkOptimizer('discriminator', json.optimizers.discriminator);
  return json as unknown as CheckpointState;
}
