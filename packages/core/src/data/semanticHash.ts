import * as tf from '@tensorflow/tfjs-core';
import { DcganError } from '../errors.js';
import { Rng, RngStream } from '../rng.js';
import { Adam } from '../training/adam.js';

/**
 * The paper's de-duplication of LSUN (section 4.1.1): "a 3072-128-3072 de-noising dropout regularized RELU
 * autoencoder on 32x32 downsampled center-crops of training examples. The resulting code layer activations are then
 * binarized via thresholding the ReLU activation ... and provides a convenient form of semantic-hashing, allowing for
 * linear time de-duplication." Images whose 128-bit codes are equal are near-duplicates; the first of each group
 * is kept.
 *
 *   x (N, 32*32*C) in [-1, 1] -> dropout -> dense 128, ReLU = h -> dense 32*32*C = x'   loss: mean (x' - x)^2
 *   code = [h > threshold]  (128 bits, from the clean x; hashCodes below on the thresholds)
 */

/** The autoencoder's size, denoising and optimiser settings. */
export interface HashAutoencoderOptions {
  /** Code bits (the paper: 128). */
  codeSize?: number;
  /** Share of input values dropped in training (the denoising; default 0.2). */
  dropout?: number;
  lr?: number;
  seed: number;
}

/** The paper's de-duplication autoencoder (above): trained a batch at a time, then asked for each image's code. */
export class HashAutoencoder {
  private readonly weights: tf.Variable[];
  private readonly adam: Adam;
  private readonly rng: Rng;
  private readonly dropout: number;
  readonly codeSize: number;

  constructor(
    readonly inputSize: number,
    options: HashAutoencoderOptions,
  ) {
    this.codeSize = options.codeSize ?? 128;
    if (!(Number.isInteger(this.codeSize) && this.codeSize >= 4 && this.codeSize % 4 === 0)) {
      throw new DcganError(`--code-size must be a multiple of 4, got ${this.codeSize}`);
    }
    this.dropout = options.dropout ?? 0.2;
    this.rng = Rng.derive(options.seed, RngStream.dedup);
    const glorot = (fanIn: number, fanOut: number) => {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return tf.variable(tf.tensor2d(this.rng.uniforms(fanIn * fanOut, -limit, limit), [fanIn, fanOut]));
    };
    this.weights = [
      glorot(inputSize, this.codeSize),
      tf.variable(tf.zeros([this.codeSize])),
      glorot(this.codeSize, inputSize),
      tf.variable(tf.zeros([inputSize])),
    ];
    this.adam = new Adam(this.weights, { lr: options.lr ?? 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  }

  private code(x: tf.Tensor2D): tf.Tensor2D {
    const [w1, b1] = this.weights;
    return tf.relu(tf.add(tf.matMul(x, w1 as tf.Tensor2D), b1!)) as tf.Tensor2D;
  }

  /** One step on a batch (N, inputSize) in [-1, 1]; returns the reconstruction loss. */
  async trainStep(batch: Float32Array): Promise<number> {
    const n = batch.length / this.inputSize;
    // Dropout's mask from the seeded stream: a function of the seed and the batches seen.
    const keep = 1 - this.dropout;
    const mask = Float32Array.from({ length: batch.length }, () => (this.rng.uniform() < keep ? 1 / keep : 0));
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(batch, [n, this.inputSize]);
      const noisy = tf.mul(x, tf.tensor2d(mask, [n, this.inputSize])) as tf.Tensor2D;
      const { value, grads } = tf.variableGrads(() => {
        const [, , w2, b2] = this.weights;
        const y = tf.add(tf.matMul(this.code(noisy), w2 as tf.Tensor2D), b2!);
        return tf.mean(tf.squaredDifference(y, x)) as tf.Scalar;
      }, this.weights);
      this.adam.apply(this.weights.map((w) => grads[w.name]!));
      return value;
    });
    const v = (await loss.data())[0]!;
    loss.dispose();
    return v;
  }

  /**
   * The code layer's activations of a batch (N, inputSize): (N, codeSize), row-major. Computed here in JS, one image
   * at a time in a fixed order of operations, not by the backend's batched matmul: a GEMM may round a row differently
   * by its place in the batch (oneDNN's tail kernels), and a copy must get its original's bits wherever it lies.
   */
  async codes(batch: Float32Array): Promise<Float32Array> {
    const [w1, b1] = await Promise.all([this.weights[0]!.data(), this.weights[1]!.data()]) as Float32Array[];
    const n = batch.length / this.inputSize;
    const k = this.codeSize;
    const out = new Float32Array(n * k);
    const acc = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      acc.fill(0);
      for (let j = 0; j < this.inputSize; j++) {
        const x = batch[i * this.inputSize + j]!;
        if (x === 0) continue;
        const row = j * k;
        for (let c = 0; c < k; c++) acc[c]! += x * w1![row + c]!;
      }
      for (let c = 0; c < k; c++) out[i * k + c] = Math.max(0, acc[c]! + b1![c]!);
    }
    return out;
  }

  dispose(): void {
    this.adam.dispose();
    tf.dispose(this.weights);
  }
}

/**
 * Codes (n, codeSize) as bit strings (hex), each bit `code > threshold[k]`. The paper thresholds the ReLU at 0; on a
 * small or homogeneous set many units are silent or always on for every image there, and codes thresholded at 0
 * collide for distinct images (measured: 17-67% of 1,000 MNIST digits "duplicates"). Thresholds at each unit's median
 * over the data (semantic hashing's balanced bits, as spectral hashing and its successors choose them) keep every
 * bit informative: `thresholds` = medians().
 */
export function hashCodes(codes: Float32Array, codeSize: number, thresholds: Float32Array): string[] {
  const n = codes.length / codeSize;
  return Array.from({ length: n }, (_, i) => {
    let hex = '';
    for (let d = 0; d < codeSize / 4; d++) {
      let nibble = 0;
      for (let b = 0; b < 4; b++) if (codes[i * codeSize + d * 4 + b]! > thresholds[d * 4 + b]!) nibble |= 1 << b;
      hex += nibble.toString(16);
    }
    return hex;
  });
}

/** Each unit's median over the codes (n, codeSize): the balanced thresholds of hashCodes. */
export function unitMedians(codes: Float32Array, codeSize: number): Float32Array {
  const n = codes.length / codeSize;
  const column = new Float32Array(n);
  return Float32Array.from({ length: codeSize }, (_, k) => {
    for (let i = 0; i < n; i++) column[i] = codes[i * codeSize + k]!;
    column.sort();
    return column[Math.floor(n / 2)]!;
  });
}

/**
 * Groups of equal codes: for each image after the first of its group, the index of that first one (-1: keep).
 * Linear in the number of images, as semantic hashing promises.
 */
export function duplicatesByHash(hashes: readonly string[]): Int32Array {
  const first = new Map<string, number>();
  return Int32Array.from(hashes, (h, i) => {
    const seen = first.get(h);
    if (seen !== undefined) return seen;
    first.set(h, i);
    return -1;
  });
}
