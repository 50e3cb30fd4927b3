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

/**
 * One large image from a (1, K, K, nz) map of latents (see latent/spatial.ts): G's layers after its z -> (1, 1, nz)
 * reshape run on the map, every layer being convolutional; the 4x4 'valid' projection makes the output side
 * (K + 3) * S / 4. Returns (1, side, side, C) in [-1, 1].
 */
export function generateSpatial(generator: tfl.LayersModel, map: Float32Array, k: number, nz: number): tf.Tensor4D {
  return tf.tidy(() => {
    let x: tf.Tensor = tf.tensor4d(map, [1, k, k, nz]);
    const body = generator.layers.filter((l) => l.getClassName() !== 'InputLayer' && l.getClassName() !== 'Reshape');
    for (const layer of body) x = layer.apply(x, { training: false }) as tf.Tensor;
    return x as tf.Tensor4D;
  });
}
