import type * as tfl from '@tensorflow/tfjs-layers';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointState,
  DcganError,
  type DcganTrainer,
  type TrainerState,
  countTrainableParameters,
  decodeAdamState,
  encodeAdamState,
  parseCheckpointState,
  referenceParameterCounts,
  trainerStateOf,
} from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeDirectoryAtomic, writeFileAtomic } from '../io/atomic.js';
import { loadLayersModel, saveLayersModel } from '../io/layersModelFiles.js';
import { PACKAGE_VERSION } from '../version.js';
import { describeFsError, stepName } from './runDirectory.js';

/**
 * Checkpoint directories (DESIGN.md): generator/ and discriminator/ as TF.js LayersModels (model.json +
 * weights.bin) each with adam.bin (its optimizer's moments), and state.json. A checkpoint is written under a
 * temporary name and renamed into place, then `checkpoints/latest` (a one-line pointer) is replaced atomically; a
 * crash at any moment leaves the previous checkpoint and pointer intact.
 */
export const LATEST_POINTER = 'latest';
export const STATE_JSON = 'state.json';
const GENERATOR_DIR = 'generator';
const DISCRIMINATOR_DIR = 'discriminator';
const ADAM_BIN = 'adam.bin';

/** Test hook: the step at which a checkpoint write kills its own process (SIGKILL) halfway, to prove atomicity. */
const KILL_DURING_CHECKPOINT = 'DCGAN_TEST_KILL_DURING_CHECKPOINT';

export interface CheckpointMeta {
  backend: string;
  datasetSize: number;
}

/** Saves `trainer` as checkpoints/step-NNNNNN and points `latest` at it; returns the checkpoint directory. */
export async function saveCheckpoint(checkpointsDir: string, trainer: DcganTrainer, meta: CheckpointMeta): Promise<string> {
  const target = path.join(checkpointsDir, stepName(trainer.step));
  const trainerState = trainer.state();
  const { config } = trainer;
  const adamSettings = { lr: config.lr, beta1: config.beta1, beta2: config.beta2, epsilon: 1e-8 };
  const shapes = (model: tfl.LayersModel) => model.trainableWeights.map((w) => w.shape as number[]);
  const adamG = encodeAdamState(trainerState.adamG, shapes(trainer.generator), adamSettings, `${GENERATOR_DIR}/${ADAM_BIN}`);
  const adamD = encodeAdamState(
    trainerState.adamD,
    shapes(trainer.discriminator),
    adamSettings,
    `${DISCRIMINATOR_DIR}/${ADAM_BIN}`,
  );
  const state: CheckpointState = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    packageVersion: PACKAGE_VERSION,
    createdAt: new Date().toISOString(),
    backend: meta.backend,
    config,
    dataset: { name: trainer.dataset.name, size: meta.datasetSize },
    step: trainerState.step,
    epoch: trainerState.epoch,
    batchInEpoch: trainerState.batchInEpoch,
    noiseRng: trainerState.noiseRng,
    optimizers: { generator: adamG.manifest, discriminator: adamD.manifest },
  };
  const generatedBy = `dcgan-ts ${PACKAGE_VERSION}`;
  try {
    await writeDirectoryAtomic(target, async (dir) => {
      await saveLayersModel(trainer.generator, path.join(dir, GENERATOR_DIR), generatedBy);
      await fs.writeFile(path.join(dir, adamG.manifest.file), adamG.data);
      if (Number(process.env[KILL_DURING_CHECKPOINT]) === trainer.step) process.kill(process.pid, 'SIGKILL');
      await saveLayersModel(trainer.discriminator, path.join(dir, DISCRIMINATOR_DIR), generatedBy);
      await fs.writeFile(path.join(dir, adamD.manifest.file), adamD.data);
      await fs.writeFile(path.join(dir, STATE_JSON), JSON.stringify(state, null, 2) + '\n');
    });
    await writeFileAtomic(path.join(checkpointsDir, LATEST_POINTER), path.basename(target) + '\n');
  } catch (e) {
    if (e instanceof DcganError) throw e;
    throw new DcganError(`cannot write checkpoint ${target}: ${describeFsError(e)}`);
  }
  return target;
}

async function isFile(p: string): Promise<boolean> {
  return fs.stat(p).then((s) => s.isFile(), () => false);
}

/**
 * The checkpoint directory a user means by `p`: a checkpoint directory itself, a run directory (its latest
 * checkpoint) or a run's checkpoints/ folder.
 */
export async function resolveCheckpointDir(p: string): Promise<string> {
  if (await isFile(path.join(p, STATE_JSON))) return p;
  for (const checkpoints of [path.join(p, 'checkpoints'), p]) {
    const pointer = path.join(checkpoints, LATEST_POINTER);
    if (await isFile(pointer)) {
      const name = (await fs.readFile(pointer, 'utf8')).trim();
      if (!/^step-\d+$/.test(name)) throw new DcganError(`${pointer} is corrupt: it names "${name}"`);
      const dir = path.join(checkpoints, name);
      if (!(await isFile(path.join(dir, STATE_JSON)))) {
        throw new DcganError(`${pointer} points at ${dir}, which holds no ${STATE_JSON}`);
      }
      return dir;
    }
  }
  const exists = await fs.stat(p).then(() => true, () => false);
  throw new DcganError(
    exists
      ? `no checkpoint in ${p} (expected a run directory or a checkpoint directory with ${STATE_JSON})`
      : `no checkpoint at ${p}: no such file or directory`,
  );
}

export async function readCheckpointState(dir: string): Promise<CheckpointState> {
  const file = path.join(dir, STATE_JSON);
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new DcganError(`cannot read ${file}: ${e instanceof SyntaxError ? 'not valid JSON' : describeFsError(e)}`);
  }
  try {
    return parseCheckpointState(json);
  } catch (e) {
    throw new DcganError(`${file}: ${(e as Error).message}`);
  }
}

/** Loads a network and checks that it is the one state.json describes (shape and parameter count). */
async function loadNetwork(dir: string, which: 'generator' | 'discriminator', state: CheckpointState): Promise<tfl.LayersModel> {
  const model = await loadLayersModel(path.join(dir, which === 'generator' ? GENERATOR_DIR : DISCRIMINATOR_DIR));
  const { imageSize: s, channels: c, nz } = state.config;
  const shape = which === 'generator' ? model.outputs[0]!.shape : model.inputs[0]!.shape;
  const want = [null, s, s, c];
  const params = countTrainableParameters(model);
  const wantParams = referenceParameterCounts(state.config)[which];
  const inputOk = which === 'discriminator' || model.inputs[0]!.shape[1] === nz;
  if (JSON.stringify(shape) !== JSON.stringify(want) || params !== wantParams || !inputOk) {
    model.dispose();
    throw new DcganError(
      `${path.join(dir, which)} does not match its state.json (${s}x${s}x${c}, nz ${nz}): ` +
        `it has shape ${JSON.stringify(shape)} and ${params} parameters`,
    );
  }
  return model;
}

export interface LoadedGenerator {
  dir: string;
  state: CheckpointState;
  generator: tfl.LayersModel;
}

/** G and the checkpoint's state, for sampling. `p` as resolveCheckpointDir takes it. */
export async function loadGenerator(p: string): Promise<LoadedGenerator> {
  const dir = await resolveCheckpointDir(p);
  const state = await readCheckpointState(dir);
  return { dir, state, generator: await loadNetwork(dir, 'generator', state) };
}

export interface LoadedCheckpoint extends LoadedGenerator {
  discriminator: tfl.LayersModel;
  trainerState: TrainerState;
}

/** Everything a resumed run needs. */
export async function loadCheckpoint(p: string): Promise<LoadedCheckpoint> {
  const { dir, state, generator } = await loadGenerator(p);
  try {
    const discriminator = await loadNetwork(dir, 'discriminator', state);
    const readAdam = async (which: 'generator' | 'discriminator') => {
      const manifest = state.optimizers[which];
      const file = path.join(dir, manifest.file);
      const bytes = await fs.readFile(file).catch((e: unknown) => {
        throw new DcganError(`cannot read ${file}: ${describeFsError(e)}`);
      });
      return decodeAdamState(manifest, bytes);
    };
    const trainerState = trainerStateOf(state, await readAdam('generator'), await readAdam('discriminator'));
    return { dir, state, generator, discriminator, trainerState };
  } catch (e) {
    generator.dispose();
    throw e;
  }
}
