import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * The paper's section 6.3.1 ("forgetting to draw certain objects"): G's images with chosen feature maps of one layer
 * set to zero at every position. `layer` counts G's ReLU blocks from 1 (the 4x4 projection) on.
 */
export function generatorBlocks(generator: tfl.LayersModel): number {
  return generator.layers.filter((l) => l.getClassName() === 'ReLU').length;
}

export function generatorBlockWidth(generator: tfl.LayersModel, block: number): number {
  const relu = generator.layers.filter((l) => l.getClassName() === 'ReLU')[block - 1];
  if (!relu) throw new Error(`G has ${generatorBlocks(generator)} blocks, not ${block}`);
  return (relu.outputShape as number[])[3]!;
}

/** G(z) for latents (n, nz) with maps `maps` of block `block` zeroed: (n, S, S, C), inference mode. */
export function generateAblated(generator: tfl.LayersModel, latents: Float32Array, nz: number, block: number, maps: readonly number[]): tf.Tensor4D {
  const width = generatorBlockWidth(generator, block);
  const keep = new Float32Array(width).fill(1);
  for (const m of maps) keep[m] = 0;
  return tf.tidy(() => {
    let h: tf.Tensor = tf.tensor2d(latents, [latents.length / nz, nz]);
    let seen = 0;
    for (const layer of generator.layers.filter((l) => l.getClassName() !== 'InputLayer')) {
      h = layer.apply(h, { training: false }) as tf.Tensor;
      if (layer.getClassName() === 'ReLU' && ++seen === block) h = tf.mul(h, tf.tensor1d(keep)); // broadcast over (n, h, w)
    }
    return h as tf.Tensor4D;
  });
}
