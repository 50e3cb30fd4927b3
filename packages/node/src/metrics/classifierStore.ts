import type * as tfl from '@tensorflow/tfjs-layers';
import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { cacheRoot } from '../datasets/catalog.js';
import { isDefinedByData } from '../datasets/registry.js';
import { writeFileAtomic } from '../io/atomic.js';
import { loadLayersModel, saveLayersModel } from '../io/layersModelFiles.js';
import { PACKAGE_VERSION } from '../version.js';

/** classifier.json beside a metrics classifier's LayersModel: what it was trained on and how well it does. */
export interface ClassifierInfo {
  name: string;
  dataset: string;
  imageSize: number;
  channels: number;
  classes: number;
  testAccuracy: number;
  testImages: number;
  steps: number;
}

/**
 * Where `dcgan train-classifier` caches the classifier of a dataset at a size: ~/.cache/dcgan-ts/classifiers/...;
 * for an IDX set or a folder, of that --data path.
 */
export function defaultClassifierDir(dataset: string, imageSize: number, channels: number, data?: string): string {
  // Any IDX set or folder has classes of its own: its classifier is cached per data path (a short hash of it).
  const which = isDefinedByData(dataset) && data !== undefined ? `-${createHash('sha256').update(path.resolve(data)).digest('hex').slice(0, 8)}` : '';
  return path.join(cacheRoot(), 'classifiers', `${dataset}${which}-${imageSize}x${imageSize}x${channels}`);
}

/** What to say where the cached classifier of a dataset at a size is missing: which command trains it. */
export function missingClassifierMessage(dataset: string, imageSize: number, channels: number, data: string | undefined, dir: string): string {
  const s = imageSize;
  return `no metrics classifier for ${dataset} ${s}x${s}x${channels} in ${dir}; train one with \`dcgan train-classifier --dataset ${dataset}${data === undefined ? '' : ` --data ${data}`} --image-size ${s} --channels ${channels}\` or pass --classifier`;
}

/** Writes a metrics classifier into `dir`: its LayersModel (model.json, weights.bin) and classifier.json. */
export async function saveClassifier(model: tfl.LayersModel, info: ClassifierInfo, dir: string): Promise<void> {
  await saveLayersModel(model, dir, `dcgan-ts ${PACKAGE_VERSION}`);
  await writeFileAtomic(path.join(dir, 'classifier.json'), JSON.stringify(info, null, 2) + '\n');
}

/** Refuses a classifier whose input is not the generator's image size (one line). */
export function checkClassifierInput(classifier: tfl.LayersModel, imageSize: number, channels: number): void {
  const shape = classifier.inputs[0]!.shape;
  if (shape[1] !== imageSize || shape[2] !== imageSize || shape[3] !== channels) {
    throw new DcganError(`the classifier takes ${shape.slice(1).join('x')} images; this generator draws ${imageSize}x${imageSize}x${channels}`);
  }
}

/** Whether `dir` holds a classifier's model.json (what loadClassifier reads first), without loading it. */
export async function hasClassifier(dir: string): Promise<boolean> {
  return fs.stat(path.join(dir, 'model.json')).then(() => true, () => false);
}

/** A classifier folder: any TF.js LayersModel with a `features` layer; classifier.json optional (a user's own model). */
export async function loadClassifier(dir: string): Promise<{ model: tfl.LayersModel; info: ClassifierInfo | null }> {
  if (!(await hasClassifier(dir))) throw new DcganError(`no classifier in ${dir}`);
  const model = await loadLayersModel(dir);
  const info = await fs.readFile(path.join(dir, 'classifier.json'), 'utf8').then((t) => JSON.parse(t) as ClassifierInfo, () => null);
  if (!model.layers.some((l) => l.name === 'features')) {
    model.dispose();
    throw new DcganError(`${dir}/model.json has no layer named "features" to take the metrics' features from`);
  }
  return { model, info };
}
