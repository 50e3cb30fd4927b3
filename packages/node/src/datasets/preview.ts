import { DEFAULT_MODEL_CONFIG, DcganError, makeGrid, Rng, RngStream, validateModelConfig } from '@dcgan-ts/core';
import { writePng } from '../io/png.js';
import { resolveDatasetSource, type SourceOpenRequest } from './registry.js';
import { closeDataset, type FileProblems } from './source.js';
import { pictureFormat } from '../io/pictureFormat.js';

/** `dcgan data preview`: which images, and how they are cut and converted (as `dcgan train` takes them). */
export interface PreviewRequest extends Partial<Omit<SourceOpenRequest, 'onProgress'>> {
  dataset?: string;
  data?: string;
  /** Images in the grid (default 64, at most the dataset's size). */
  n?: number;
  /** The grid PNG (default preview.png). */
  out?: string;
  /** Decoding an image folder: (files done, files). */
  onProgress?(done: number, total: number): void;
}

/** What `previewData` wrote and saw. */
export interface PreviewResult {
  out: string;
  dataset: string;
  /** Images in the dataset. */
  size: number;
  /** The batch as the trainer receives it: (n, S, S, C). */
  shape: [number, number, number, number];
  /** Its value range: within [-1, 1]. */
  min: number;
  max: number;
  /** Which images (a random sample drawn from the seed), and their labels and class names when the source has them. */
  indices: number[];
  labels: number[] | null;
  classes: string[] | null;
  /** Files left out and images upscaled while reading (folders). */
  skipped: FileProblems;
  upscaled: FileProblems;
}

/**
 * One batch exactly as the trainer receives it (scaled to [-1, 1], resized, flipped with the seed's flips), written as
 * a PNG grid, with its shape and range: the check that a dataset reads as intended before hours of training.
 */
export async function previewData(request: PreviewRequest): Promise<PreviewResult> {
  if (request.out !== undefined) pictureFormat(request.out, ['png']);
  const source = await resolveDatasetSource(request);
  const imageSize = request.imageSize ?? source.imageSize ?? DEFAULT_MODEL_CONFIG.imageSize;
  const channels = request.channels ?? source.channels;
  validateModelConfig({ ...DEFAULT_MODEL_CONFIG, imageSize, channels });
  const seed = request.seed ?? 0;
  const { crop, flip, background, strict, onProgress } = request;
  const loaded = await source.open({ imageSize, channels, seed, crop, flip, background, strict, onProgress });
  try {
    const data = loaded.dataset;
    const n = Math.min(request.n ?? 64, data.size);
    if (n === 0) throw new DcganError('the dataset is empty');
    const indices = Rng.derive(seed, RngStream.unnamed).permutation(data.size).subarray(0, n);
    const batch = new Float32Array(n * imageSize * imageSize * channels); // (n, S, S, C) in [-1, 1]
    data.fillBatch(indices, batch);
    let min = Infinity;
    let max = -Infinity;
    for (const v of batch) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const out = request.out ?? 'preview.png';
    await writePng(out, makeGrid(batch, n, imageSize, imageSize, channels));
    const { labels } = loaded;
    return {
      out,
      dataset: source.name,
      size: data.size,
      shape: [n, imageSize, imageSize, channels],
      min,
      max,
      indices: Array.from(indices),
      labels: labels ? Array.from(indices, (i) => labels[i]!) : null,
      classes: loaded.classes ?? null,
      skipped: loaded.skipped,
      upscaled: loaded.upscaled,
    };
  } finally {
    closeDataset(loaded.dataset);
  }
}
