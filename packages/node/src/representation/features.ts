import * as tf from '@tensorflow/tfjs-core';
import { DcganError, discriminatorFeatures, featureLayerNames, featureSize, gatherImages, indexRange, refuseConditional } from '@dcgan-ts/core';
import { writeFileAtomic } from '../io/atomic.js';
import { checkpointData } from '../datasets/trainingData.js';
import { disposeCheckpoint, loadCheckpoint } from '../run/checkpoints.js';
import { describeFsError } from '../run/runDirectory.js';
import { loadLabelledSplit } from './labelledSplits.js';

/** `dcgan features`: the checkpoint, the labelled split and how many of its images, and the FILE.f32 to write. */
export interface FeaturesRequest {
  checkpoint: string;
  dataset?: string;
  data?: string;
  split?: 'train' | 'test';
  /** First N images of the split (default: all). */
  n?: number;
  /** FILE.f32 gets the features (n, dims) as float32 little-endian; FILE.json the description and labels. */
  out: string;
}

/**
 * `dcgan features`: the paper's D features (each block max-pooled to 4x4, concatenated) of a labelled split, saved
 * for use elsewhere (numpy: np.fromfile(FILE, '<f4').reshape(count, dims)).
 */
export async function extractFeatures(request: FeaturesRequest): Promise<{ files: string[]; count: number; dims: number }> {
  if (!request.out.endsWith('.f32')) throw new DcganError(`--out ${request.out}: name the features file FILE.f32`);
  const loaded = await loadCheckpoint(request.checkpoint);
  const D = loaded.discriminator;
  try {
    refuseConditional(loaded.state.config, 'dcgan features');
    const { imageSize: s, channels: c } = loaded.state.config;
    const { dataset, data, cut } = await checkpointData(loaded, request.dataset, request.data);
    const split = await loadLabelledSplit(dataset, data, request.split ?? 'train', s, c, cut);
    const count = Math.min(request.n ?? split.labels.length, split.labels.length);
    const dims = featureSize(D);
    const features = new Float32Array(count * dims);
    const chunk = 1000;
    for (let start = 0; start < count; start += chunk) {
      const m = Math.min(chunk, count - start);
      const images = tf.tensor4d(gatherImages(split.dataset, indexRange(start, m)), [m, s, s, c]);
      features.set(await discriminatorFeatures(D, images), start * dims);
      images.dispose();
    }
    const sidecar = request.out.replace(/\.f32$/, '.json');
    const description = {
      format: 'dcgan-ts-features',
      count,
      dims,
      dtype: 'float32-le',
      layers: featureLayerNames(D),
      pooling: 'each block max-pooled to a 4x4 grid, flattened (h, w, channel order), concatenated',
      dataset,
      split: request.split ?? 'train',
      checkpoint: loaded.dir,
      step: loaded.state.step,
      labels: Array.from(split.labels.subarray(0, count)),
    };
    try {
      await writeFileAtomic(request.out, new Uint8Array(features.buffer));
      await writeFileAtomic(sidecar, JSON.stringify(description) + '\n');
    } catch (e) {
      throw new DcganError(`cannot write ${request.out}: ${describeFsError(e)}`);
    }
    return { files: [request.out, sidecar], count, dims };
  } finally {
    disposeCheckpoint(loaded);
  }
}
