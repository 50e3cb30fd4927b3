import { Rng, RngStream } from '../rng.js';
import { Uint8ImageDataset } from './dataset.js';

/** Random images for smoke tests: smooth blobs rather than white noise, so a model has something to fit. */
export function fakeDataset(imageSize: number, channels: number, count = 512, seed = 0): Uint8ImageDataset {
  const rng = Rng.derive(seed, RngStream.fake);
  const pixels = new Uint8Array(count * imageSize * imageSize * channels);
  for (let i = 0; i < count; i++) {
    const cx = rng.uniform() * imageSize;
    const cy = rng.uniform() * imageSize;
    const radius = (0.15 + 0.3 * rng.uniform()) * imageSize;
    const colour = Array.from({ length: channels }, () => 64 + 191 * rng.uniform());
    for (let y = 0; y < imageSize; y++) {
      for (let x = 0; x < imageSize; x++) {
        const inside = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * radius * radius));
        for (let c = 0; c < channels; c++) {
          pixels[((i * imageSize + y) * imageSize + x) * channels + c] = Math.round(colour[c]! * inside);
        }
      }
    }
  }
  return new Uint8ImageDataset('fake', { pixels, height: imageSize, width: imageSize, channels }, imageSize, channels);
}
