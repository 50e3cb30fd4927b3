import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Images of G for latents (n, nz) row-major: (n, S, S, C) in [-1, 1]. Batch norm uses its running statistics
 * (inference mode), so an image depends on its own z only, not on what else is in the batch: the same seed draws the
 * same picture in a grid of 64, alone, or in the browser. Runs in chunks of `batchSize` to bound memory.
 */
export function generate(generator: tfl.LayersModel, latents: Float32Array, nz: number, batchSize = 256): tf.Tensor4D {
  const n = latents.length / nz;
  if (!Number.isInteger(n)) throw new Error(`generate: ${latents.length} values is not a whole number of z of size ${nz}`);
  const chunks: tf.Tensor4D[] = [];
  for (let i = 0; i < n; i += batchSize) {
    const m = Math.min(batchSize, n - i);
    chunks.push(
      tf.tidy(() => generator.apply(tf.tensor2d(latents.subarray(i * nz, (i + m) * nz), [m, nz])) as tf.Tensor4D),
    );
  }
  if (chunks.length === 1) return chunks[0]!;
  const all = tf.concat(chunks, 0);
  tf.dispose(chunks);
  return all;
}
