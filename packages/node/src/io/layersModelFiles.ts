import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** TF.js's LayersModel format on disk: model.json (topology + weights manifest) and one weights.bin. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Saves `model` into `dir` as model.json + weights.bin, loadable by tf.loadLayersModel in a browser. */
export async function saveLayersModel(model: tfl.LayersModel, dir: string, generatedBy: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
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
      await fs.writeFile(path.join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
      await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Loads a LayersModel saved by saveLayersModel (or any single-file TF.js export); errors name the file. */
export async function loadLayersModel(dir: string): Promise<tfl.LayersModel> {
  const jsonPath = path.join(dir, MODEL_JSON);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(await fs.readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (e) {
    throw new DcganError(`cannot read ${jsonPath}: ${(e as Error).message}`);
  }
  const manifest = modelJson.weightsManifest;
  if (!modelJson.modelTopology || !Array.isArray(manifest)) {
    throw new DcganError(`${jsonPath} is not a TF.js LayersModel (no topology or weights manifest)`);
  }
  const weightSpecs = manifest.flatMap((group) => group.weights);
  const buffers: Uint8Array[] = [];
  for (const group of manifest) {
    for (const file of group.paths) {
      if (path.basename(file) !== file) throw new DcganError(`${jsonPath}: weights path ${file} leaves the model folder`);
      try {
        buffers.push(await fs.readFile(path.join(dir, file)));
      } catch (e) {
        throw new DcganError(`cannot read ${path.join(dir, file)}: ${(e as Error).message}`);
      }
    }
  }
  const weightData = Buffer.concat(buffers);
  const expected = weightSpecs.reduce(
    (n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_DTYPE[s.dtype] ?? Number.NaN),
    0,
  );
  if (weightData.byteLength !== expected) {
    throw new DcganError(
      `${path.join(dir, WEIGHTS_BIN)} holds ${weightData.byteLength} bytes, its manifest describes ${expected}: the file is truncated or corrupt`,
    );
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: modelJson.modelTopology,
    weightSpecs,
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
  };
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw new DcganError(`${jsonPath} does not load as a LayersModel: ${(e as Error).message}`);
  }
}
