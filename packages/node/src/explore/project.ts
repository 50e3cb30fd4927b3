import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { composeRows, DcganError, generatorInputs, generatorInputWidth, type Image8, projectImage, toImages, walkClass } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { decodeImage } from '../datasets/decodeImage.js';
import { writeFileAtomic } from '../io/atomic.js';
import { disposeCheckpoint, loadCheckpoint, loadGenerator } from '../run/checkpoints.js';
import { describeFsError } from '../run/runDirectory.js';
import { writePicture } from './render.js';

/** What `dcgan project` inverts: a checkpoint's G, a real image, and how hard to try. */
export interface ProjectRequest {
  checkpoint: string;
  /** false: G's own weights where the checkpoint also holds their moving average (--no-ema). Default true. */
  ema?: boolean;
  /** The image to reconstruct: any format sharp reads, cut and resized as a training folder is. */
  image: string;
  /** Optimisation steps (default 1000). */
  steps?: number;
  /** Random starts optimised together (default 8). */
  starts?: number;
  seed?: number;
  /** Weight of D's features against pixels (default 1; 0: pixels only). */
  featureWeight?: number;
  /** A class-conditional model: the class to search in (required there): an index, or one of its names. */
  class?: number | string;
  /** folder: centre square cut before resizing, as `train --crop`. */
  crop?: number;
  /** Output folder (default projection/): z.json, reconstruction.png, optimisation.gif. */
  out?: string;
  onProgress?(step: number, steps: number, loss: number): void;
}

/** What `dcgan project` found and wrote. */
export interface ProjectResult {
  checkpoint: string;
  step: number;
  /** Whether G was the moving average of its weights. */
  ema: boolean;
  files: { z: string; reconstruction: string; animation: string };
  /** Root mean squared error per pixel, in 0..255 units: the projection's, and that of the best random start. */
  rmse: number;
  startRmse: number;
  /** Which start won, of how many. */
  start: number;
  starts: number;
}

/** Frames of the optimisation in the GIF. */
const FRAMES = 40;

/** Root mean squared error in 0..255 of a mean squared error in [-1, 1]. */
function rmse255(mse: number): number {
  return Math.sqrt(mse) * 127.5;
}

/**
 * `dcgan project`: the z whose G(z) reconstructs `image` (core's latent/projection.ts), written as {"z": [...]} (what
 * `interpolate`, `arithmetic` and the studio read), the target beside its reconstruction, and a GIF of the
 * optimisation; D of the same checkpoint gives the feature term where the checkpoint has D (an exported G alone:
 * pixels only).
 */
export async function project(request: ProjectRequest): Promise<ProjectResult> {
  const steps = request.steps ?? 1000;
  const starts = request.starts ?? 8;
  if (!Number.isInteger(steps) || steps < 1 || steps > 100_000) throw new DcganError(`--steps must be from 1 to 100000, got ${steps}`);
  if (!Number.isInteger(starts) || starts < 1 || starts > 256) throw new DcganError(`--starts must be from 1 to 256, got ${starts}`);
  const out = request.out ?? 'projection';

  const { generator, discriminator, dispose, loaded } = await openNetworks(request);
  try {
    const { config } = loaded.state;
    const { nz, z: distribution, imageSize: s, channels: c } = config;
    const cls = walkClass(config, request.class);
    const classOneHot = cls === undefined ? undefined : generatorInputs(config, new Float32Array(nz), cls).slice(nz);
    const decoded = await decodeImage(request.image, { imageSize: s, channels: c as 1 | 3, crop: request.crop, background: [255, 255, 255] });
    if (!decoded.ok) {
      const missing = await fs.stat(request.image).then(() => false, () => true);
      throw new DcganError(missing ? `--image ${request.image}: no such file` : `--image ${request.image}: ${decoded.reason}`);
    }
    const target = tf.tidy(() => tf.sub(tf.div(tf.tensor4d(Float32Array.from(decoded.pixels), [1, s, s, c]), 127.5), 1) as tf.Tensor4D);
    await fs.mkdir(out, { recursive: true }).catch((e: unknown) => {
      throw new DcganError(`cannot create ${out}: ${describeFsError(e)}`);
    });
    const snapshots: { z: Float32Array; losses: Float32Array }[] = [];
    let result: Awaited<ReturnType<typeof projectImage>>;
    try {
      result = await projectImage(generator, discriminator, target, nz, distribution, {
        steps,
        starts,
        seed: request.seed ?? 0,
        featureWeight: request.featureWeight,
        classOneHot,
        onSnapshot: {
          every: Math.max(1, Math.floor(steps / FRAMES)),
          take: (step, z, losses) => {
            snapshots.push({ z: z.slice(), losses: losses.slice() });
            request.onProgress?.(step, steps, Math.min(...losses));
          },
        },
      });
    } finally {
      target.dispose();
    }
    const targetImage: Image8 = { width: s, height: s, channels: c, data: decoded.pixels };
    const width = generatorInputWidth(config);
    const render = (zs: Float32Array[]) => {
      const inputs = generatorInputs(config, Float32Array.from(zs.flatMap((z) => Array.from(z))), cls ?? 0);
      return tf.tidy(() => generator.apply(tf.tensor2d(inputs, [zs.length, width]), { training: false }) as tf.Tensor4D);
    };
    // The GIF follows the winning start: target | G(z) at each snapshot.
    const pick = (z: Float32Array) => z.slice(result.start * nz, (result.start + 1) * nz);
    const frameImages = render(snapshots.map((snap) => pick(snap.z)));
    const frames = toImages((await frameImages.data()) as Float32Array, snapshots.length, s, s, c).map((img) => composeRows([[targetImage, img]]));
    frameImages.dispose();
    const files = { z: path.join(out, 'z.json'), reconstruction: path.join(out, 'reconstruction.png'), animation: path.join(out, 'optimisation.gif') };
    await writePicture(files.reconstruction, frames[frames.length - 1]!);
    await writePicture(files.animation, frames, 100);
    const record = { z: Array.from(result.z), image: path.resolve(request.image), ...(cls === undefined ? {} : { class: cls }) };
    await writeFileAtomic(files.z, JSON.stringify(record) + '\n').catch((e: unknown) => {
      throw new DcganError(`cannot write ${files.z}: ${describeFsError(e)}`);
    });
    return {
      checkpoint: loaded.dir,
      step: loaded.state.step,
      ema: loaded.averaged,
      files,
      rmse: rmse255(result.pixelError),
      startRmse: rmse255(result.startPixelError),
      start: result.start,
      starts,
    };
  } finally {
    dispose();
  }
}

/** G (the moving average unless refused) and D of a checkpoint; G alone where only G can be read. */
async function openNetworks(request: ProjectRequest): Promise<{
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel | null;
  loaded: { dir: string; state: Awaited<ReturnType<typeof loadGenerator>>['state']; averaged: boolean };
  dispose(): void;
}> {
  const full = await loadCheckpoint(request.checkpoint).catch(() => null);
  if (full === null) {
    // No D here (or not readable): pixels only, and any error is the generator loader's one line.
    const g = await loadGenerator(request.checkpoint, request);
    return { generator: g.generator, discriminator: null, loaded: g, dispose: () => g.generator.dispose() };
  }
  const averaged = (request.ema ?? true) && full.generatorEma !== undefined;
  return {
    generator: averaged ? full.generatorEma! : full.generator,
    discriminator: full.discriminator,
    loaded: { dir: full.dir, state: full.state, averaged },
    dispose: () => disposeCheckpoint(full),
  };
}
