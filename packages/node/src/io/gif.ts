import type { Image8 } from '@dcgan-ts/core';
import gifenc from 'gifenc';
import { writeFileAtomic } from './atomic.js';

/** A fixed palette of 256 greys: gray frames encode exactly, with no quantisation. */
const GRAY_PALETTE = Array.from({ length: 256 }, (_, v) => [v, v, v]);

function toRgba(image: Image8): Uint8Array {
  const { width, height, channels, data } = image;
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let ch = 0; ch < 3; ch++) rgba[p * 4 + ch] = data[p * channels + (channels === 1 ? 0 : ch)]!;
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

/** Encodes frames of equal size as a looping animated GIF, `delayMs` per frame (RGB frames quantised to 256 colours). */
export function encodeGif(frames: Image8[], delayMs = 100): Uint8Array {
  const gif = gifenc.GIFEncoder();
  for (const frame of frames) {
    let index: Uint8Array;
    let palette: number[][];
    if (frame.channels === 1) {
      index = frame.data;
      palette = GRAY_PALETTE;
    } else {
      const rgba = toRgba(frame);
      palette = gifenc.quantize(rgba, 256);
      index = gifenc.applyPalette(rgba, palette);
    }
    gif.writeFrame(index, frame.width, frame.height, { palette, delay: delayMs });
  }
  gif.finish();
  return gif.bytes();
}

/** Writes frames of equal size as a looping animated GIF (encodeGif), `delayMs` per frame, with writeFileAtomic. */
export async function writeGif(file: string, frames: Image8[], delayMs = 100): Promise<void> {
  await writeFileAtomic(file, encodeGif(frames, delayMs));
}
