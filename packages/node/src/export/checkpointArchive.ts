import { type CheckpointFiles, DcganError, EMA_GENERATOR_DIR, hasAveragedGenerator, NETWORK_DIRS, parseCheckpointStateBytes, STATE_JSON, zipCheckpoint } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import type { LoadedGenerator } from '../run/checkpoints.js';
import { describeFsError, stepName } from '../run/runDirectory.js';

/**
 * The files of a checkpoint directory: state.json and every file of its generator/ and discriminator/ folders (and
 * generator_ema/, for a run with --ema).
 */
async function readCheckpointDirectory(dir: string): Promise<CheckpointFiles> {
  const files: CheckpointFiles = new Map();
  try {
    const state = parseCheckpointStateBytes(await fs.readFile(path.join(dir, STATE_JSON)), dir);
    const folders: string[] = [...Object.values(NETWORK_DIRS), ...(hasAveragedGenerator(state) ? [EMA_GENERATOR_DIR] : [])];
    for (const sub of folders) {
      for (const name of (await fs.readdir(path.join(dir, sub))).sort()) {
        files.set(`${sub}/${name}`, await fs.readFile(path.join(dir, sub, name)));
      }
    }
    files.set(STATE_JSON, await fs.readFile(path.join(dir, STATE_JSON)));
  } catch (e) {
    if (e instanceof DcganError) throw e;
    throw new DcganError(`cannot read checkpoint ${dir}: ${describeFsError(e)}`);
  }
  return files;
}

/**
 * `--format checkpoint`: the whole checkpoint (G, D, both optimizers, state) as one .zip, which the studio opens to
 * continue training in the browser and `dcgan train --resume FILE.zip` continues in Node.
 */
export async function exportCheckpointArchive(loaded: LoadedGenerator, dir: string): Promise<string[]> {
  const name = `checkpoint-${stepName(loaded.state.step)}.zip`;
  const source = (await fs.stat(loaded.dir)).isFile() ? await fs.readFile(loaded.dir) : zipCheckpoint(await readCheckpointDirectory(loaded.dir));
  await writeFileAtomic(path.join(dir, name), source);
  return [name];
}
