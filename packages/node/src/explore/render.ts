import * as tf from '@tensorflow/tfjs-core';
import { DcganError, type Image8, generate, generatorInputs, generatorInputWidth, packLatents, toImages, walkClass } from '@dcgan-ts/core';
import { writeGif } from '../io/gif.js';
import { writePng } from '../io/png.js';
import type { LoadedGenerator } from '../run/checkpoints.js';
import { describeFsError } from '../run/runDirectory.js';

/**
 * G's images of `latents`, one Image8 each (inference-mode batch norm: each depends on its own z only); a
 * class-conditional model draws all of them in class `cls` (`--class`, an index or a name; required there).
 */
export async function renderLatents(loaded: LoadedGenerator, latents: readonly Float32Array[], cls?: number | string): Promise<Image8[]> {
  const { config } = loaded.state;
  const { imageSize: s, channels: c } = config;
  const inputs = generatorInputs(config, packLatents(latents), walkClass(config, cls) ?? 0);
  const images = generate(loaded.generator, inputs, generatorInputWidth(config));
  try {
    return toImages(await images.data<'float32'>(), latents.length, s, s, c);
  } finally {
    tf.dispose(images);
  }
}

/** Writes a still (PNG) or frames (GIF), mapping file-system failures to one clear line. */
export async function writePicture(file: string, picture: Image8 | Image8[], delayMs = 100): Promise<void> {
  try {
    if (Array.isArray(picture)) await writeGif(file, picture, delayMs);
    else await writePng(file, picture);
  } catch (e) {
    throw new DcganError(`cannot write ${file}: ${describeFsError(e)}`);
  }
}
