import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type CheckpointMeta,
  type CheckpointState,
  DcganError,
  type DcganTrainer,
  EMA_GENERATOR_DIR,
  hasAveragedGenerator,
  NETWORK_DIRS,
  STATE_JSON,
  type TrainerState,
  checkNetwork,
  decodeAdamState,
  decodeCheckpointFiles,
  encodeCheckpointFiles,
  isZip,
  parseCheckpointStateBytes,
  parseCheckpointState,
  trainerStateOf,
  unzipCheckpoint,
} from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeDirectoryAtomic, writeFileAtomic } from '../io/atomic.js';
import { loadLayersModel } from '../io/layersModelFiles.js';
import { PACKAGE_VERSION } from '../version.js';
import { BEST_POINTER } from './checkpointRetention.js';
import { describeFsError, stepName } from './runDirectory.js';

/**
 * Checkpoint directories (docs/formats.md): generator/ and discriminator/ as TF.js LayersModels (model.json +
 * weights.bin) each with adam.bin (its optimizer's moments), and state.json; core's checkpointFiles.ts makes the
 * files, the same ones the studio zips into a download. A checkpoint is written under a temporary name and renamed
 * into place, then `checkpoints/latest` (a one-line pointer) is replaced atomically; a crash at any moment leaves
 * the previous checkpoint and pointer intact. Readers also take such a .zip in place of a directory.
 */
export const LATEST_POINTER = 'latest';
export { STATE_JSON };

/**
 * A seam for tests, empty in production: called before each file of a checkpoint is written into its temporary
 * directory. The crash test (test/fixtures/kill-during-checkpoint.mjs, loaded with `node --import`) kills the
 * process there, halfway through a checkpoint, to prove that a crash mid-write loses nothing.
 */
export const checkpointWriteSeam: { beforeFile?: (step: number, file: string) => void } = {};

/** Writes checkpoint files into `dir`, which exists. */
async function writeCheckpointFiles(dir: string, files: Map<string, Uint8Array>, step: number): Promise<void> {
  for (const [name, bytes] of files) {
    checkpointWriteSeam.beforeFile?.(step, name);
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), bytes);
  }
}

/** Saves `trainer` as checkpoints/step-NNNNNN and points `latest` at it; returns the checkpoint directory. */
export async function saveCheckpoint(
  checkpointsDir: string,
  trainer: DcganTrainer,
  meta: Omit<CheckpointMeta, 'packageVersion'>,
): Promise<string> {
  const target = path.join(checkpointsDir, stepName(trainer.step));
  const files = await encodeCheckpointFiles(trainer, { ...meta, packageVersion: PACKAGE_VERSION });
  try {
    await writeDirectoryAtomic(target, (dir) => writeCheckpointFiles(dir, files, trainer.step));
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

/** The error for a `latest` pointer that names no step-N folder: what it holds quoted, escaped and cut short. */
export function corruptPointer(pointer: string, name: string): DcganError {
  const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}...` : name).replaceAll('\x7f', '\\u007f');
  return new DcganError(`${pointer} is corrupt: it names ${shown}`);
}

/** `RUN@best`, `RUN@latest`, `RUN@500`: a run (or its checkpoints/ folder) and which of its checkpoints. */
const NAMED_CHECKPOINT = /^(.+)@(best|latest|\d+)$/;

/**
 * The checkpoint directory a user means by `p`: a checkpoint directory itself, a run directory (its latest
 * checkpoint) or a run's checkpoints/ folder; `RUN@best` (the best by --select-by, with --eval-every), `RUN@latest` or
 * `RUN@STEP` (checkpoints/step-STEP) names one of a run's checkpoints.
 */
export async function resolveCheckpointDir(p: string): Promise<string> {
  if (await isFile(path.join(p, STATE_JSON))) return p;
  const named = NAMED_CHECKPOINT.exec(p);
  if (named && !(await fs.stat(p).then(() => true, () => false))) return resolveNamedCheckpoint(named[1]!, named[2]!);
  const found = await followPointer(p, LATEST_POINTER);
  if (found !== null) return found;
  const stat = await fs.stat(p).catch(() => null);
  throw new DcganError(
    stat === null
      ? `no checkpoint at ${p}: no such file or directory`
      : stat.isFile()
        ? `${p} is not a checkpoint: a file that is no checkpoint archive (.zip, as dcgan export --format checkpoint writes), nor a run or checkpoint directory`
        : `no checkpoint in ${p} (expected a run directory or a checkpoint directory with ${STATE_JSON})`,
  );
}

/** The checkpoint a pointer file (latest, best) of run `p` or of its checkpoints/ folder names; null: no such pointer. */
async function followPointer(p: string, pointerName: string): Promise<string | null> {
  for (const checkpoints of [path.join(p, 'checkpoints'), p]) {
    const pointer = path.join(checkpoints, pointerName);
    if (await isFile(pointer)) {
      const name = (await fs.readFile(pointer, 'utf8')).trim();
      if (!/^step-\d+$/.test(name)) throw corruptPointer(pointer, name);
      const dir = path.join(checkpoints, name);
      if (!(await isFile(path.join(dir, STATE_JSON)))) {
        throw new DcganError(`${pointer} points at ${dir}, which holds no ${STATE_JSON}`);
      }
      return dir;
    }
  }
  return null;
}

/** `run@which` (NAMED_CHECKPOINT) as a checkpoint directory, or one error line saying what the run lacks. */
async function resolveNamedCheckpoint(run: string, which: string): Promise<string> {
  if (!(await fs.stat(run).then((s) => s.isDirectory(), () => false))) throw new DcganError(`no run at ${run}: no such directory`);
  if (which === 'best' || which === 'latest') {
    const found = await followPointer(run, which === 'best' ? BEST_POINTER : LATEST_POINTER);
    if (found !== null) return found;
    throw new DcganError(
      which === 'best'
        ? `${run} has no best checkpoint: a run gets one when it evaluates a score to select by (dcgan train --eval-every N, FID or --select-by)`
        : `no checkpoint in ${run}`,
    );
  }
  for (const checkpoints of [path.join(run, 'checkpoints'), run]) {
    const dir = path.join(checkpoints, stepName(Number(which)));
    if (await isFile(path.join(dir, STATE_JSON))) return dir;
  }
  throw new DcganError(`${run} has no checkpoint at step ${Number(which)}`);
}

/** A checkpoint directory's state.json, parsed and checked; a failure is one DcganError line naming the file. */
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

/**
 * Loads a network and checks that it is the one state.json describes (shape and parameter count); `folder`: its
 * folder in the checkpoint (EMA_GENERATOR_DIR holds a generator too).
 */
async function loadNetwork(dir: string, which: 'generator' | 'discriminator', state: CheckpointState, folder: string = NETWORK_DIRS[which]): Promise<tfl.LayersModel> {
  const model = await loadLayersModel(path.join(dir, folder));
  checkNetwork(model, which, state, dir, folder);
  return model;
}

/**
 * A checkpoint's D alone, checked against its state.json (a checkpoint directory, or a .zip, which is decoded whole):
 * for readers that need D and not the optimizers' state (the studio serves it for the page's projector).
 */
export async function loadDiscriminator(p: string): Promise<tfl.LayersModel> {
  const archive = await readArchive(p);
  if (archive) {
    const decoded = await decodeCheckpointFiles(archive, p);
    decoded.generator.dispose();
    decoded.generatorEma?.dispose();
    return decoded.discriminator!;
  }
  const dir = await resolveCheckpointDir(p);
  return loadNetwork(dir, 'discriminator', await readCheckpointState(dir));
}

/** A checkpoint's G with its state.json, and where it was read (a checkpoint directory or a .zip). */
export interface LoadedGenerator {
  dir: string;
  state: CheckpointState;
  generator: tfl.LayersModel;
  /** Whether `generator` is the moving average of G's weights (a run with --ema) rather than G itself. */
  averaged: boolean;
}

/** Which G a reader takes from a checkpoint that holds both: the moving average (the default) or G itself (--no-ema). */
export interface GeneratorChoice {
  /** false: G's own weights even where the checkpoint holds their moving average. Default true. */
  ema?: boolean;
}

/** A checkpoint as the readers' requests name it (sample, explore, eval, export...): the path and which G. */
export interface GeneratorSource extends GeneratorChoice {
  checkpoint: string;
}

/** A checkpoint archive (.zip) read whole, or null when `p` is no file that starts as a zip. */
async function readArchive(p: string): Promise<Map<string, Uint8Array> | null> {
  if (!(await isFile(p))) return null;
  const handle = await fs.open(p, 'r');
  try {
    const head = new Uint8Array(4);
    await handle.read(head, 0, 4, 0);
    if (!isZip(head)) return null;
  } finally {
    await handle.close();
  }
  return unzipCheckpoint(await fs.readFile(p), p);
}

/** The state.json of a checkpoint archive (.zip), checked; the networks are not loaded. */
export async function readArchiveState(file: string): Promise<CheckpointState> {
  const archive = await readArchive(file);
  if (archive === null) {
    const exists = await fs.stat(file).then(() => true, () => false);
    throw new DcganError(exists ? `${file} is not a checkpoint archive (.zip)` : `no checkpoint archive at ${file}: no such file`);
  }
  return parseCheckpointStateBytes(archive.get(STATE_JSON)!, file); // unzipCheckpoint found it
}

/**
 * G and the checkpoint's state, for sampling: the moving average of G where the checkpoint holds one, unless
 * `choice.ema` is false. `p` as resolveCheckpointDir takes it, or a checkpoint archive.
 */
export async function loadGenerator(p: string, choice: GeneratorChoice = {}): Promise<LoadedGenerator> {
  const archive = await readArchive(p);
  if (archive) {
    const { state, generator, averaged } = await decodeCheckpointFiles(archive, p, true, choice.ema ?? true);
    return { dir: p, state, generator, averaged };
  }
  const dir = await resolveCheckpointDir(p);
  const state = await readCheckpointState(dir);
  const averaged = (choice.ema ?? true) && hasAveragedGenerator(state);
  const generator = await loadNetwork(dir, 'generator', state, averaged ? EMA_GENERATOR_DIR : NETWORK_DIRS.generator);
  return { dir, state, generator, averaged };
}

/** The run directory a checkpoint directory lies in (RUN/checkpoints/step-N), or undefined (an archive, a copy). */
export function runOfCheckpoint(checkpointDir: string): string | undefined {
  const checkpoints = path.dirname(checkpointDir);
  return path.basename(checkpoints) === 'checkpoints' ? path.dirname(checkpoints) : undefined;
}

/**
 * Runs `use` with G of checkpoint `source` (a path, or a request's checkpoint and choice of G, as loadGenerator reads
 * them) and disposes G when `use` settles, whatever it returns or throws: the readers (sample, explore, export, the
 * studio) hold G for one task each.
 */
export async function withGenerator<T>(source: string | GeneratorSource, use: (loaded: LoadedGenerator) => Promise<T>): Promise<T> {
  const loaded = typeof source === 'string' ? await loadGenerator(source) : await loadGenerator(source.checkpoint, source);
  try {
    return await use(loaded);
  } finally {
    loaded.generator.dispose();
  }
}

/**
 * A whole checkpoint, as a resume needs it: G and D, state.json, and the trainer state (optimizers, noise stream, place
 * in the epoch).
 */
export interface LoadedCheckpoint extends LoadedGenerator {
  discriminator: tfl.LayersModel;
  /** The moving average of G, for a run with --ema. */
  generatorEma?: tfl.LayersModel;
  trainerState: TrainerState;
}

/** Frees the networks of a loaded checkpoint (G, D and the averaged G where there is one). */
export function disposeCheckpoint(loaded: LoadedCheckpoint): void {
  loaded.generator.dispose();
  loaded.discriminator.dispose();
  loaded.generatorEma?.dispose();
}

/** Everything a resumed run needs. */
export async function loadCheckpoint(p: string): Promise<LoadedCheckpoint> {
  const archive = await readArchive(p);
  if (archive) {
    const { state, generator, discriminator, generatorEma, trainerState } = await decodeCheckpointFiles(archive, p);
    return { dir: p, state, generator, averaged: false, discriminator: discriminator!, generatorEma, trainerState: trainerState! };
  }
  const { dir, state, generator } = await loadGenerator(p, { ema: false });
  try {
    const discriminator = await loadNetwork(dir, 'discriminator', state);
    const readAdam = async (which: 'generator' | 'discriminator', model: tfl.LayersModel) => {
      const manifest = state.optimizers[which];
      const file = path.join(dir, manifest.file);
      const bytes = await fs.readFile(file).catch((e: unknown) => {
        throw new DcganError(`cannot read ${file}: ${describeFsError(e)}`);
      });
      return decodeAdamState(manifest, bytes, model.trainableWeights.map((w) => w.shape as number[]));
    };
    let generatorEma: tfl.LayersModel | undefined;
    try {
      const trainerState = trainerStateOf(state, await readAdam('generator', generator), await readAdam('discriminator', discriminator));
      if (hasAveragedGenerator(state)) generatorEma = await loadNetwork(dir, 'generator', state, EMA_GENERATOR_DIR);
      return { dir, state, generator, averaged: false, discriminator, generatorEma, trainerState };
    } catch (e) {
      discriminator.dispose();
      throw e;
    }
  } catch (e) {
    generator.dispose();
    throw e;
  }
}
