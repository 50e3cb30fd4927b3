import { Rng, RngStream } from '../rng.js';
import type { ImageDataset } from './dataset.js';

/**
 * Random horizontal flips (torchvision's RandomHorizontalFlip, p = 0.5) that a resume reproduces exactly: whether
 * image i is flipped in epoch e is bit i of a bitmask drawn from Rng(seed, RngStream.flip, e), so it depends on
 * (seed, epoch, index) alone, never on how many batches this process has served. The trainer's epoch is read through
 * `followEpochs`, set by whoever owns the trainer (Node's train.ts, the studio's worker); until then it is epoch 0 (previews).
 */
export class FlipDataset implements ImageDataset {
  readonly name: string;
  readonly size: number;
  readonly imageSize: number;
  readonly channels: number;
  private epochOf: () => number = () => 0;
  private maskEpoch = -1;
  private mask = new Uint32Array(0);

  constructor(
    private readonly inner: ImageDataset,
    private readonly seed: number,
  ) {
    ({ name: this.name, size: this.size, imageSize: this.imageSize, channels: this.channels } = inner);
  }

  /** Ties flips to the trainer's epoch counter. */
  followEpochs(epochOf: () => number): void {
    this.epochOf = epochOf;
  }

  /** Closes the wrapped dataset, if it holds anything (a packed file's descriptor in Node). */
  close(): void {
    (this.inner as ImageDataset & { close?(): void }).close?.();
  }

  /** Whether image `index` is mirrored in `epoch`. */
  flipped(index: number, epoch: number): boolean {
    if (epoch !== this.maskEpoch) {
      const rng = Rng.derive(this.seed, RngStream.flip, epoch);
      this.mask = Uint32Array.from({ length: Math.ceil(this.size / 32) }, () => rng.nextUint32());
      this.maskEpoch = epoch;
    }
    return ((this.mask[index >>> 5]! >>> (index & 31)) & 1) === 1;
  }

  fillBatch(indices: ArrayLike<number>, out: Float32Array): void {
    this.inner.fillBatch(indices, out);
    const epoch = this.epochOf();
    const { imageSize: s, channels: c } = this;
    for (let b = 0; b < indices.length; b++) {
      if (!this.flipped(indices[b]!, epoch)) continue;
      // Mirror each row of image b in place: (S, S, C) at b*S*S*C.
      for (let y = 0; y < s; y++) {
        const row = (b * s + y) * s * c;
        for (let x = 0; x < s >> 1; x++) {
          const l = row + x * c;
          const r = row + (s - 1 - x) * c;
          for (let ch = 0; ch < c; ch++) {
            const t = out[l + ch]!;
            out[l + ch] = out[r + ch]!;
            out[r + ch] = t;
          }
        }
      }
    }
  }
}
