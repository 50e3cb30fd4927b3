import type { Image8 } from '@dcgan-ts/core';
import { PNG } from 'pngjs';
import { type AtomicWriteOptions, writeFileAtomic } from './atomic.js';

/** Encodes a gray or RGB image as an 8-bit PNG (gray stays one channel). */
export function encodePng(image: Image8): Buffer {
  const { width, height, channels, data } = image;
  const png = new PNG({ width, height, colorType: channels === 1 ? 0 : 2, inputColorType: 6, inputHasAlpha: true });
  for (let p = 0; p < width * height; p++) {
    for (let ch = 0; ch < 3; ch++) png.data[p * 4 + ch] = data[p * channels + (channels === 1 ? 0 : ch)]!;
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: channels === 1 ? 0 : 2 });
}

/** Writes an image as an 8-bit PNG (encodePng) with writeFileAtomic: readers see the old file or the new one. */
export async function writePng(file: string, image: Image8, options?: AtomicWriteOptions): Promise<void> {
  await writeFileAtomic(file, encodePng(image), options);
}

/** Decodes a PNG into packed gray (if it is gray) or RGB bytes. */
export function decodePng(bytes: Uint8Array): Image8 {
  const png = PNG.sync.read(Buffer.from(bytes));
  const gray = (png.colorType & 2) === 0;
  const channels = gray ? 1 : 3;
  const data = new Uint8Array(png.width * png.height * channels);
  for (let p = 0; p < png.width * png.height; p++) {
    for (let ch = 0; ch < channels; ch++) data[p * channels + ch] = png.data[p * 4 + ch]!;
  }
  return { width: png.width, height: png.height, channels, data };
}
