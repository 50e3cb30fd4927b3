import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { referenceParameterCounts } from '../models/architecture.js';
import { discriminatorInputChannels, discriminatorOutputWidth, generatorInputWidth } from '../models/conditioning.js';
import { countTrainableParameters } from '../models/initialize.js';
import { DcganError } from '../errors.js';
import { layerGraphProblem } from './layerGraph.js';
import type { DcganTrainer, TrainerState } from '../training/trainer.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointState,
  decodeAdamState,
  encodeAdamState,
  parseCheckpointState,
  trainerStateOf,
} from './manifest.js';

/**
 * A checkpoint as its files, relative POSIX path -> bytes, in the order they are written: the one form of a
 * checkpoint that Node (a directory, or a .zip of it) and the browser (a download, an upload) share.
 *
 *   generator/model.json  generator/weights.bin  generator/adam.bin
 *   discriminator/model.json  discriminator/weights.bin  discriminator/adam.bin
 *   generator_ema/model.json  generator_ema/weights.bin      (runs with --ema: the moving average of G's weights)
 *   state.json
 *
 * state.json comes last: a reader that finds it finds everything else. Only JSON and raw float32 arrays: reading a
 * checkpoint never executes code.
 */
export type CheckpointFiles = Map<string, Uint8Array>;

/** File name of a checkpoint's state.json (CheckpointState), at its root and written last. */
export const STATE_JSON = 'state.json';
/**
 * File name of a network's TF.js model.json (topology and weights manifest), in its folder of a checkpoint or export.
 */
export const MODEL_JSON = 'model.json';
/** File name of a network's float32 weights, beside its model.json. */
export const WEIGHTS_BIN = 'weights.bin';
/** Each network's folder inside a checkpoint. */
export const NETWORK_DIRS = { generator: 'generator', discriminator: 'discriminator' } as const;
/**
 * The folder of the moving average of G's weights (config.ema), G's architecture: in every checkpoint of a run with
 * --ema, and what the readers sample unless asked for the raw G.
 */
export const EMA_GENERATOR_DIR = 'generator_ema';
const ADAM_BIN = 'adam.bin';

/** Which network of a checkpoint: 'generator' or 'discriminator'. */
export type NetworkName = keyof typeof NETWORK_DIRS;

/**
 * What encodeCheckpointFiles records that the trainer does not know: the backend, the dataset's size in images and the
 * package version.
 */
export interface CheckpointMeta {
  /** The backend that trained it, and its device where it has one (e.g. "webgpu (nvidia hopper)"). */
  backend: string;
  datasetSize: number;
  packageVersion: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** model.json + weights.bin of a LayersModel (TF.js's format, loadable by tf.loadLayersModel in a browser). */
export async function layersModelFiles(model: tfl.LayersModel, generatedBy: string): Promise<{ modelJson: Uint8Array; weights: Uint8Array }> {
  let files!: { modelJson: Uint8Array; weights: Uint8Array };
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
      const modelJson = {
        format: 'layers-model',
        generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      files = { modelJson: encoder.encode(JSON.stringify(modelJson)), weights: new Uint8Array(weightData) };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return files;
}

/** A TF.js error as one short line: its messages can span lines, quote whole configs and carry control characters. */
function firstLine(e: unknown): string {
  const line = String((e as Error)?.message ?? e).split('\n')[0]!.trim();
  const clean = Array.from(line.length > 200 ? `${line.slice(0, 200)}...` : line, (ch) => (ch < ' ' || ch === '\x7f' ? '?' : ch));
  return clean.join('');
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * What is wrong with model.json's weightsManifest ([{ paths, weights: [{ name, shape, dtype }] }]), or null: checked
 * field by field before the weights' size is computed from it and the files it names are read.
 */
function weightsManifestProblem(manifest: unknown[]): string | null {
  for (const [g, group] of manifest.entries()) {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      return `weights manifest group ${g} needs lists of paths and weights`;
    }
    for (const file of group.paths) {
      if (typeof file !== 'string') return `weights manifest group ${g} has a path that is not a string`;
      // A plain file name beside model.json: no separator, no climbing out, no control characters (a NUL), no
      // longer than file systems allow.
      const plain = !/[/\\]/.test(file) && file !== '..' && file !== '.' && file !== '' && file.length <= 255;
      if (!plain || Array.from(file).some((ch) => ch < ' ')) {
        return `weights path ${JSON.stringify(file.length > 60 ? `${file.slice(0, 60)}...` : file)} leaves the model folder`;
      }
    }
    for (const [w, spec] of group.weights.entries()) {
      if (
        !isRecord(spec) ||
        typeof spec.name !== 'string' ||
        !Array.isArray(spec.shape) ||
        !spec.shape.every((d) => Number.isInteger(d) && d >= 0) ||
        typeof spec.dtype !== 'string' ||
        !Object.hasOwn(BYTES_PER_DTYPE, spec.dtype)
      ) {
        return `weight ${w} of weights manifest group ${g} needs a name, a shape of sizes and a dtype (float32, int32, bool)`;
      }
    }
  }
  return null;
}

/**
 * A LayersModel from its parsed model.json and a reader of the weight files it names (plain names in the model's
 * folder, nothing that leaves it). `where` names the folder in errors.
 */
export async function layersModelFromFiles(
  modelJson: unknown,
  readWeights: (file: string) => Uint8Array | Promise<Uint8Array>,
  where: string,
): Promise<tfl.LayersModel> {
  const json = modelJson as tf.io.ModelJSON;
  const manifest = json?.weightsManifest;
  const jsonPath = `${where}/${MODEL_JSON}`;
  if (typeof json !== 'object' || json === null || !json.modelTopology || !Array.isArray(manifest)) {
    throw new DcganError(`${jsonPath} is not a TF.js LayersModel (no topology or weights manifest)`);
  }
  const problem = weightsManifestProblem(manifest);
  if (problem !== null) throw new DcganError(`${jsonPath}: ${problem}`);
  const graph = layerGraphProblem(json.modelTopology);
  if (graph !== null) throw new DcganError(`${jsonPath}: its layer graph cannot be built (${graph})`);
  const weightSpecs = manifest.flatMap((group) => group.weights);
  const buffers: Uint8Array[] = [];
  for (const group of manifest) {
    for (const file of group.paths) buffers.push(await readWeights(file));
  }
  const size = buffers.reduce((n, b) => n + b.byteLength, 0);
  const expected = weightSpecs.reduce(
    (n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_DTYPE[s.dtype] ?? Number.NaN),
    0,
  );
  if (size !== expected) {
    throw new DcganError(
      `${where}/${WEIGHTS_BIN} holds ${size} bytes, its manifest describes ${expected}: the file is truncated or corrupt`,
    );
  }
  const weightData = new Uint8Array(size);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
  };
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw new DcganError(`${jsonPath} does not load as a LayersModel: ${firstLine(e)}`);
  }
}

/** The shapes of a network's trainable variables, in order: what its optimizer's moments are cut to. */
function variableShapes(model: tfl.LayersModel): number[][] {
  return model.trainableWeights.map((w) => w.shape as number[]);
}

/**
 * Throws (disposing `model`) unless it is the network state.json describes: image shape, nz and parameter count.
 * `dir`: the network's folder, named in the error (EMA_GENERATOR_DIR holds a generator too).
 */
export function checkNetwork(model: tfl.LayersModel, which: NetworkName, state: CheckpointState, where: string, dir: string = NETWORK_DIRS[which]): void {
  const { imageSize: s, channels: c, nz } = state.config;
  const shape = which === 'generator' ? model.outputs[0]!.shape : model.inputs[0]!.shape;
  // A conditional model's G takes K one-hot inputs beside z; a concat D K class maps beside the image, a projection
  // D the image alone and gives 1 + K outputs (conditioning.ts).
  const want = [null, s, s, which === 'generator' ? c : discriminatorInputChannels(state.config)];
  const params = countTrainableParameters(model);
  const wantParams = referenceParameterCounts(state.config)[which];
  const inputOk =
    which === 'discriminator'
      ? model.outputs[0]!.shape[1] === discriminatorOutputWidth(state.config)
      : model.inputs[0]!.shape[1] === generatorInputWidth(state.config);
  if (JSON.stringify(shape) !== JSON.stringify(want) || params !== wantParams || !inputOk) {
    model.dispose();
    // (The shape comes from model.json: printed only when it is a few sizes.)
    const plain = shape.length <= 8 && shape.every((d) => d === null || typeof d === 'number');
    throw new DcganError(
      `${where}/${dir} does not match its state.json (${s}x${s}x${c}, nz ${nz}): ` +
        `it has ${plain ? `shape ${JSON.stringify(shape)}` : 'a malformed shape'} and ${params} parameters`,
    );
  }
}

/** The files of a checkpoint of `trainer` at its current step. */
export async function encodeCheckpointFiles(trainer: DcganTrainer, meta: CheckpointMeta): Promise<CheckpointFiles> {
  const trainerState = await trainer.state();
  const { config } = trainer;
  const adamSettings = { lr: config.lr, beta1: config.beta1, beta2: config.beta2, epsilon: 1e-8 };
  const generatedBy = `dcgan-ts ${meta.packageVersion}`;
  const files: CheckpointFiles = new Map();
  const manifests = {} as CheckpointState['optimizers'];
  for (const which of ['generator', 'discriminator'] as const) {
    const model = trainer[which];
    const dir = NETWORK_DIRS[which];
    const { modelJson, weights } = await layersModelFiles(model, generatedBy);
    const shapes = variableShapes(model);
    const adam = encodeAdamState(which === 'generator' ? trainerState.adamG : trainerState.adamD, shapes, adamSettings, `${dir}/${ADAM_BIN}`);
    files.set(`${dir}/${MODEL_JSON}`, modelJson);
    files.set(`${dir}/${WEIGHTS_BIN}`, weights);
    files.set(adam.manifest.file, adam.data);
    manifests[which] = adam.manifest;
  }
  if (trainer.ema) {
    const { modelJson, weights } = await layersModelFiles(trainer.ema.model, generatedBy);
    files.set(`${EMA_GENERATOR_DIR}/${MODEL_JSON}`, modelJson);
    files.set(`${EMA_GENERATOR_DIR}/${WEIGHTS_BIN}`, weights);
  }
  const state: CheckpointState = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    packageVersion: meta.packageVersion,
    createdAt: new Date().toISOString(),
    backend: meta.backend,
    config,
    dataset: { name: trainer.dataset.name, size: meta.datasetSize },
    step: trainerState.step,
    epoch: trainerState.epoch,
    batchInEpoch: trainerState.batchInEpoch,
    noiseRng: trainerState.noiseRng,
    optimizers: manifests,
  };
  files.set(STATE_JSON, encoder.encode(JSON.stringify(state, null, 2) + '\n'));
  return files;
}

/** Parses state.json's bytes; errors name `where`. */
export function parseCheckpointStateBytes(bytes: Uint8Array, where: string): CheckpointState {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new DcganError(`cannot read ${where}/${STATE_JSON}: not valid JSON`);
  }
  try {
    return parseCheckpointState(json);
  } catch (e) {
    throw new DcganError(`${where}/${STATE_JSON}: ${(e as Error).message}`);
  }
}

/**
 * A checkpoint read by decodeCheckpointFiles: its state.json and G, with D and the trainer state to resume from unless
 * only G was asked for.
 */
export interface DecodedCheckpoint {
  state: CheckpointState;
  /** G, or with `generatorOnly` where the checkpoint has one and it was not refused, the moving average of G. */
  generator: tfl.LayersModel;
  /** Whether `generator` is the moving average of G (EMA_GENERATOR_DIR). */
  averaged: boolean;
  /** A resume's averaged G (runs with --ema); absent with `generatorOnly`. */
  generatorEma?: tfl.LayersModel;
  /** Absent when only G was asked for. */
  discriminator?: tfl.LayersModel;
  trainerState?: TrainerState;
}

function fileOf(files: CheckpointFiles, name: string, where: string): Uint8Array {
  const bytes = files.get(name);
  if (bytes === undefined) throw new DcganError(`${where} has no ${name}`);
  return bytes;
}

async function networkFromFiles(
  files: CheckpointFiles,
  which: NetworkName,
  state: CheckpointState,
  where: string,
  dir: string = NETWORK_DIRS[which],
): Promise<tfl.LayersModel> {
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(decoder.decode(fileOf(files, `${dir}/${MODEL_JSON}`, where)));
  } catch (e) {
    if (e instanceof DcganError) throw e;
    throw new DcganError(`cannot read ${where}/${dir}/${MODEL_JSON}: not valid JSON`);
  }
  const model = await layersModelFromFiles(modelJson, (file) => fileOf(files, `${dir}/${file}`, where), `${where}/${dir}`);
  checkNetwork(model, which, state, where, dir);
  return model;
}

/** Whether a checkpoint of this state holds the moving average of G (its run has --ema). */
export function hasAveragedGenerator(state: CheckpointState): boolean {
  return state.config.ema !== undefined;
}

/**
 * A checkpoint from its files (a .zip's entries, a browser upload), checked as a checkpoint directory is. With
 * `generatorOnly`, D and the optimizer states are not read (sampling needs G alone), and `generator` is the moving
 * average of G where the checkpoint has one, unless `averaged` is false (`--no-ema`).
 */
export async function decodeCheckpointFiles(
  files: CheckpointFiles,
  where: string,
  generatorOnly = false,
  averaged = true,
): Promise<DecodedCheckpoint> {
  const state = parseCheckpointStateBytes(fileOf(files, STATE_JSON, where), where);
  if (generatorOnly) {
    const useAverage = averaged && hasAveragedGenerator(state);
    const dir = useAverage ? EMA_GENERATOR_DIR : NETWORK_DIRS.generator;
    return { state, generator: await networkFromFiles(files, 'generator', state, where, dir), averaged: useAverage };
  }
  const loaded: tfl.LayersModel[] = [];
  try {
    const generator = await networkFromFiles(files, 'generator', state, where);
    loaded.push(generator);
    const discriminator = await networkFromFiles(files, 'discriminator', state, where);
    loaded.push(discriminator);
    const generatorEma = hasAveragedGenerator(state) ? await networkFromFiles(files, 'generator', state, where, EMA_GENERATOR_DIR) : undefined;
    if (generatorEma) loaded.push(generatorEma);
    const adam = (which: NetworkName, model: tfl.LayersModel) =>
      decodeAdamState(state.optimizers[which], fileOf(files, state.optimizers[which].file, where), variableShapes(model));
    const trainerState = trainerStateOf(state, adam('generator', generator), adam('discriminator', discriminator));
    return { state, generator, averaged: false, discriminator, generatorEma, trainerState };
  } catch (e) {
    for (const model of loaded) model.dispose();
    throw e;
  }
}
