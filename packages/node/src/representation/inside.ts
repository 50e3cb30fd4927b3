import * as tf from '@tensorflow/tfjs-core';
import {
  DcganError,
  type Image8,
  blockWidth,
  composeRows,
  discriminatorBlocks,
  generateAblated,
  gatherImages,
  generate,
  generatorBlockWidth,
  generatorBlocks,
  guidedBackprop,
  indexRange,
  latentsForSeeds,
  seedRange,
  toImages,
  refuseConditional,
} from '@dcgan-ts/core';
import { writePicture } from '../explore/render.js';
import { pictureFormat } from '../io/pictureFormat.js';
import { checkpointData } from '../datasets/trainingData.js';
import { disposeCheckpoint, loadCheckpoint, withGenerator } from '../run/checkpoints.js';
import { loadLabelledSplit } from './labelledSplits.js';

/** `--layer` names one of a network's blocks, counted from 1. */
export function checkBlock(layer: number, blocks: number, network: 'G' | 'D'): void {
  if (!Number.isInteger(layer) || layer < 1 || layer > blocks) {
    throw new DcganError(`--layer must be a ${network} block from 1 to ${blocks}, got ${layer}`);
  }
}

function checkIndices(name: string, values: number[], count: number): void {
  const bad = values.filter((v) => !Number.isInteger(v) || v < 0 || v >= count);
  if (values.length === 0 || bad.length > 0) throw new DcganError(`${name} must list indices from 0 to ${count - 1}, got ${values.join(',')}`);
}

/** Rescales each image of a batch (n, h, w, c) to [-1, 1] by its own largest magnitude (guided-backprop maps are tiny). */
function normalisePerImage(maps: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.div(maps, tf.add(tf.max(tf.abs(maps), [1, 2, 3], true), 1e-12)) as tf.Tensor4D);
}

/**
 * `dcgan visualize` (paper Figure 5): the checkpoint, one D block (from 1) and filters in it, how many real test
 * images, and the output.
 */
export interface VisualizeRequest {
  checkpoint: string;
  /** D block, 1-based. */
  layer: number;
  filters: number[];
  /** Real test images to run (the columns). */
  n?: number;
  dataset?: string;
  data?: string;
  out?: string;
}

/** `dcgan visualize`: guided backprop of D's filters on real images (paper Figure 5). Row 0: the images. */
export async function visualize(request: VisualizeRequest): Promise<{ file: string; rows: number; columns: number }> {
  if (request.out !== undefined) pictureFormat(request.out, ['png']);
  const loaded = await loadCheckpoint(request.checkpoint);
  const D = loaded.discriminator;
  try {
    refuseConditional(loaded.state.config, 'dcgan visualize');
    checkBlock(request.layer, discriminatorBlocks(D), 'D');
    checkIndices('--filters', request.filters, blockWidth(D, request.layer));
    const { imageSize: s, channels: c } = loaded.state.config;
    const n = request.n ?? 8;
    const { dataset, data, cut } = await checkpointData(loaded, request.dataset, request.data);
    const split = await loadLabelledSplit(dataset, data, 'test', s, c, cut);
    const pixels = gatherImages(split.dataset, indexRange(0, n));
    const images = tf.tensor4d(pixels, [n, s, s, c]);
    const rows: Image8[][] = [toImages(pixels, n, s, s, c)];
    for (const filter of request.filters) {
      const maps = guidedBackprop(D, images, request.layer, filter);
      const shown = normalisePerImage(maps);
      rows.push(toImages((await shown.data()) as Float32Array, n, s, s, c));
      tf.dispose([maps, shown]);
    }
    images.dispose();
    const file = request.out ?? 'filters.png';
    await writePicture(file, composeRows(rows));
    return { file, rows: rows.length, columns: n };
  } finally {
    disposeCheckpoint(loaded);
  }
}

/**
 * `dcgan ablate` (paper section 6.3.1): the checkpoint, one G block (from 1) and the feature maps to zero in it, how
 * many samples from which seed, and the output.
 */
export interface AblateRequest {
  checkpoint: string;
  /** false: G's own weights where the checkpoint also holds their moving average (--no-ema). Default true. */
  ema?: boolean;
  /** G block, 1-based (1: the 4x4 projection). */
  layer: number;
  maps: number[];
  n?: number;
  seed?: number;
  out?: string;
}

/** `dcgan ablate`: samples with chosen G feature maps zeroed everywhere, under the same samples unablated. */
export async function ablate(request: AblateRequest): Promise<{ file: string; samples: number }> {
  if (request.out !== undefined) pictureFormat(request.out, ['png']);
  return withGenerator(request, async (loaded) => {
    refuseConditional(loaded.state.config, 'dcgan ablate');
    const G = loaded.generator;
    checkBlock(request.layer, generatorBlocks(G), 'G');
    checkIndices('--maps', request.maps, generatorBlockWidth(G, request.layer));
    const { nz, z, imageSize: s, channels: c } = loaded.state.config;
    const n = request.n ?? 8;
    const latents = latentsForSeeds(seedRange(request.seed ?? 0, n), nz, z);
    const plain = generate(G, latents, nz);
    const ablated = generateAblated(G, latents, nz, request.layer, request.maps);
    const rows = [toImages((await plain.data()) as Float32Array, n, s, s, c), toImages((await ablated.data()) as Float32Array, n, s, s, c)];
    tf.dispose([plain, ablated]);
    const file = request.out ?? 'ablation.png';
    await writePicture(file, composeRows(rows));
    return { file, samples: n };
  });
}
