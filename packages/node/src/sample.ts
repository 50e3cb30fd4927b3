import * as tf from '@tensorflow/tfjs-core';
import {
  DcganError,
  generate,
  generateSpatial,
  latentMap,
  latentForSeed,
  latentsForSeeds,
  makeGrid,
  seedRange,
  toImages,
} from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writePng } from './io/png.js';
import { loadGenerator } from './run/checkpoints.js';
import { describeFsError } from './run/runDirectory.js';

export interface SampleRequest {
  /** A run directory (its latest checkpoint) or a checkpoint directory. */
  checkpoint: string;
  n?: number;
  /** Image i is drawn from the latent of seed `seed + i` (the seeds of the studio and `dcgan interpolate`). */
  seed?: number;
  /** Grid PNG; written unless only `separate` is given. */
  out?: string;
  /** Folder for one PNG per image, named seed-NNNNNN.png. */
  separate?: string;
  /** Draw one large image from a K x K map of the latents of seeds seed..seed+K*K-1 (G is fully convolutional). */
  spatial?: number;
}

export interface SampleResult {
  checkpoint: string;
  step: number;
  files: string[];
}

/** `dcgan sample` as a library call. */
export async function sample(request: SampleRequest): Promise<SampleResult> {
  const n = request.n ?? 64;
  const first = request.seed ?? 0;
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new DcganError(`--n must be an integer from 1 to 10000, got ${n}`);
  if (request.spatial !== undefined) return sampleSpatial(request, request.spatial);
  const loaded = await loadGenerator(request.checkpoint);
  const { nz, z, imageSize: s, channels: c } = loaded.state.config;
  const seeds = seedRange(first, n);
  const images = generate(loaded.generator, latentsForSeeds(seeds, nz, z), nz);
  try {
    const values = await images.data<'float32'>();
    const files: string[] = [];
    if (request.separate) {
      try {
        await fs.mkdir(request.separate, { recursive: true });
      } catch (e) {
        throw new DcganError(`cannot create ${request.separate}: ${describeFsError(e)}`);
      }
      const singles = toImages(values, n, s, s, c);
      for (let i = 0; i < n; i++) {
        const file = path.join(request.separate, `seed-${String(seeds[i]).padStart(6, '0')}.png`);
        await writePng(file, singles[i]!);
        files.push(file);
      }
    }
    if (request.out || !request.separate) {
      const file = request.out ?? 'grid.png';
      try {
        await writePng(file, makeGrid(values, n, s, s, c));
      } catch (e) {
        throw new DcganError(`cannot write ${file}: ${describeFsError(e)}`);
      }
      files.unshift(file);
    }
    return { checkpoint: loaded.dir, step: loaded.state.step, files };
  } finally {
    tf.dispose(images);
    loaded.generator.dispose();
  }
}

/** `dcgan sample --spatial K`: one (K + 3) * S / 4 pixel image from a K x K map of latents (dcgan.torch's trick). */
async function sampleSpatial(request: SampleRequest, k: number): Promise<SampleResult> {
  if (!Number.isInteger(k) || k < 1 || k > 32) throw new DcganError(`--spatial must be an integer from 1 to 32, got ${k}`);
  if (request.separate) throw new DcganError('--spatial draws one image; --separate does not apply');
  const loaded = await loadGenerator(request.checkpoint);
  const { nz, z, channels: c } = loaded.state.config;
  const map = latentMap(seedRange(request.seed ?? 0, k * k).map((seed) => latentForSeed(seed, nz, z)), k);
  const image = generateSpatial(loaded.generator, map, k, nz);
  try {
    const side = image.shape[1];
    const file = request.out ?? 'spatial.png';
    try {
      await writePng(file, toImages(await image.data<'float32'>(), 1, side, side, c)[0]!);
    } catch (e) {
      throw new DcganError(`cannot write ${file}: ${describeFsError(e)}`);
    }
    return { checkpoint: loaded.dir, step: loaded.state.step, files: [file] };
  } finally {
    tf.dispose(image);
    loaded.generator.dispose();
  }
}
