import { DcganError } from '../errors.js';
import { BilinearResizer } from './resize.js';

/**
 * A source of training images, as the trainer sees it: a fixed number of images of one shape that it can gather by
 * index. Sources (IDX files, image folders, ...) live in packages/node; the trainer only needs this.
 */
export interface ImageDataset {
  /** Short name for logs and run directories, e.g. "mnist". */
  readonly name: string;
  readonly size: number;
  readonly imageSize: number;
  readonly channels: number;
  /**
   * Writes the images at `indices` into `out`, packed NHWC as (indices.length, imageSize, imageSize, channels),
   * scaled to [-1, 1] (the paper's only preprocessing).
   */
  fillBatch(indices: ArrayLike<number>, out: Float32Array): void;
}

/** The images at `indices` as one packed (n, S, S, C) array in [-1, 1]. */
export function gatherImages(dataset: ImageDataset, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * dataset.imageSize * dataset.imageSize * dataset.channels);
  dataset.fillBatch(indices, out);
  return out;
}

/** The indices start, start + 1, ..., start + n - 1. */
export function indexRange(start: number, n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => start + i);
}

/** Images in memory as bytes 0-255, as Uint8ImageDataset takes them: N images of height x width x channels, packed. */
export interface Uint8Source {
  /** Images packed (N, height, width, channels). */
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/**
 * An in-memory set of uint8 images served at any square size and 1 or 3 channels: each batch is resized on the fly
 * (so 60,000 MNIST digits cost 47 MB at any --image-size), gray is repeated into RGB, and values are scaled to [-1, 1].
 */
export class Uint8ImageDataset implements ImageDataset {
  readonly size: number;
  private readonly sourceLength: number;
  private readonly resizer: BilinearResizer | null;

  constructor(
    readonly name: string,
    private readonly source: Uint8Source,
    readonly imageSize: number,
    readonly channels: number,
  ) {
    const { pixels, height, width, channels: sc } = source;
    this.sourceLength = height * width * sc;
    if (pixels.length % this.sourceLength !== 0) {
      throw new DcganError(`${name}: ${pixels.length} bytes is not a whole number of ${height}x${width}x${sc} images`);
    }
    if (channels !== sc && !(sc === 1 && channels === 3)) {
      throw new DcganError(`${name} has ${sc}-channel images; it cannot give ${channels} channels`);
    }
    this.size = pixels.length / this.sourceLength;
    this.resizer =
      height === imageSize && width === imageSize ? null : new BilinearResizer(height, width, imageSize, imageSize, sc);
  }

  fillBatch(indices: ArrayLike<number>, out: Float32Array): void {
    const sc = this.source.channels;
    const c = this.channels;
    const pixelsPerImage = this.imageSize * this.imageSize;
    for (let b = 0; b < indices.length; b++) {
      const offset = indices[b]! * this.sourceLength;
      const img = this.resizer ? this.resizer.resize(this.source.pixels, offset) : this.source.pixels.subarray(offset);
      const dst = b * pixelsPerImage * c;
      for (let p = 0; p < pixelsPerImage; p++) {
        for (let ch = 0; ch < c; ch++) out[dst + p * c + ch] = img[p * sc + (sc === 1 ? 0 : ch)]! / 127.5 - 1;
      }
    }
  }
}
