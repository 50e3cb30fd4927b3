import { checkClassNames, type LatentDistribution, MAX_CLASSES, type ModelConfig } from '../config.js';
import { DcganError } from '../errors.js';

/**
 * manifest.json of an exported generator (`dcgan export --format tfjs`, what the studio loads): how to feed G and
 * read its output without knowing dcgan-ts.
 */
export interface GeneratorManifest {
  format: 'dcgan-ts-generator';
  formatVersion: 1;
  /** Path of the TF.js LayersModel, relative to the manifest. */
  model: string;
  /** z: (N, latentSize) drawn from `distribution` (normal: N(0, 1); uniform: U(-1, 1)). */
  latentSize: number;
  distribution: LatentDistribution;
  /**
   * A class-conditional G (`dcgan train --conditional`): the number of classes K. G's input is then
   * [z | one-hot class], (N, latentSize + K). Absent for an unconditional G (manifests written before it was added).
   */
  classes?: number;
  /** The classes' names, in class order, where the training data named them (absent: 0..K-1). */
  classNames?: string[];
  imageSize: number;
  channels: number;
  /** Output layout and value range: (N, imageSize, imageSize, channels) in [-1, 1]. */
  layout: 'NHWC';
  range: [number, number];
  /** Training step of the checkpoint it came from. */
  step: number;
  generatedBy: string;
}

/**
 * The manifest.json of G exported at training step `step`: z (N, config.nz) from config.z in (followed by the one-hot
 * class for a conditional G), (N, S, S, C) in [-1, 1] out; `model` is the model.json's path relative to it.
 */
export function generatorManifest(config: ModelConfig, step: number, generatedBy: string, model = 'model.json'): GeneratorManifest {
  return {
    format: 'dcgan-ts-generator',
    formatVersion: 1,
    model,
    latentSize: config.nz,
    distribution: config.z,
    ...(config.classes === undefined ? {} : { classes: config.classes }),
    ...(config.classNames === undefined ? {} : { classNames: config.classNames }),
    imageSize: config.imageSize,
    channels: config.channels,
    layout: 'NHWC',
    range: [-1, 1],
    step,
    generatedBy,
  };
}

/** Checks untrusted manifest JSON (the studio fetches it). */
export function parseGeneratorManifest(json: unknown): GeneratorManifest {
  const m = json as Partial<GeneratorManifest> | null;
  if (m?.format !== 'dcgan-ts-generator' || m.formatVersion !== 1) throw new DcganError('not a dcgan-ts generator manifest');
  const sizes = [m.latentSize, m.imageSize];
  if (!sizes.every((x) => Number.isInteger(x) && (x as number) >= 1) || !(Number.isInteger(m.step) && (m.step as number) >= 0)) {
    throw new DcganError('generator manifest is malformed (latentSize and imageSize must be positive integers, step a count)');
  }
  if (m.channels !== 1 && m.channels !== 3) throw new DcganError('generator manifest: channels must be 1 or 3');
  // The model is loaded from beside the manifest: a file name, no path that leaves its folder.
  if (typeof m.model !== 'string' || !/^[\w.-]+\.json$/.test(m.model)) throw new DcganError('generator manifest: model must name a .json file beside it');
  if (m.distribution !== 'normal' && m.distribution !== 'uniform') throw new DcganError('generator manifest: bad distribution');
  if (m.classes !== undefined && !(Number.isInteger(m.classes) && m.classes >= 2 && m.classes <= MAX_CLASSES)) {
    throw new DcganError(`generator manifest: classes must be an integer from 2 to ${MAX_CLASSES}`);
  }
  if (m.classNames !== undefined) {
    try {
      checkClassNames(m.classNames, m.classes);
    } catch (e) {
      throw new DcganError(`generator manifest: ${(e as Error).message}`);
    }
  }
  return m as GeneratorManifest;
}
