import type * as tfl from '@tensorflow/tfjs-layers';
import { DcganError, MODEL_JSON, WEIGHTS_BIN, layersModelFiles, layersModelFromFiles } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeFsError } from '../run/runDirectory.js';
import { writeFileAtomic } from './atomic.js';

/** TF.js's LayersModel format on disk: model.json (topology + weights manifest) and one weights.bin. */
export { MODEL_JSON, WEIGHTS_BIN };

/** Saves `model` into `dir` as model.json + weights.bin, loadable by tf.loadLayersModel in a browser. */
export async function saveLayersModel(model: tfl.LayersModel, dir: string, generatedBy: string): Promise<void> {
  const { modelJson, weights } = await layersModelFiles(model, generatedBy);
  await fs.mkdir(dir, { recursive: true });
  // Each file whole or not at all; the weights first, so a model.json is never newer than the weights it names.
  await writeFileAtomic(path.join(dir, WEIGHTS_BIN), weights);
  await writeFileAtomic(path.join(dir, MODEL_JSON), modelJson);
}

/** Loads a LayersModel saved by saveLayersModel (or any single-file TF.js export); errors name the file. */
export async function loadLayersModel(dir: string): Promise<tfl.LayersModel> {
  const jsonPath = path.join(dir, MODEL_JSON);
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
  } catch (e) {
    throw new DcganError(`cannot read ${jsonPath}: ${e instanceof SyntaxError ? 'not valid JSON' : describeFsError(e)}`);
  }
  return layersModelFromFiles(
    modelJson,
    async (file) => {
      try {
        return await fs.readFile(path.join(dir, file));
      } catch (e) {
        throw new DcganError(`cannot read ${path.join(dir, file)}: ${describeFsError(e)}`);
      }
    },
    dir,
  );
}
