import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * The paper's section 6.3.1 ("forgetting to draw certain objects"): G's images with chosen feature maps of one layer
 * set to zero at every position. `layer` counts G's ReLU blocks from 1 (the 4x4 projection) on.
 */
export function generatorBlocks(generator: tfl.LayersModel): number {
  return generator.layers.filter((l) => l.getClassName() === 'ReLU').length;
}

/** The number of feature maps of G's block `block` (from 1); throws when G has no such block. */
export function generatorBlockWidth(generator: tfl.LayersModel, block: number): number {
  const relu = generator.layers.filter((l) => l.getClassName() === 'ReLU')[block - 1];
  if (!relu) throw new Error(`G has ${generatorBlocks(generator)} blocks, not ${block}`);
  return (relu.outputShape as number[])[3]!;
}

/** G's layers after its input, split after its `block`-th ReLU. */
function splitAtBlock(generator: tfl.LayersModel, block: number): [tfl.layers.Layer[], tfl.layers.Layer[]] {
  const layers = generator.layers.filter((l) => l.getClassName() !== 'InputLayer');
  let seen = 0;
  const cut = layers.findIndex((l) => l.getClassName() === 'ReLU' && ++seen === block);
  if (cut < 0) throw new Error(`G has ${generatorBlocks(generator)} blocks, not ${block}`);
  return [layers.slice(0, cut + 1), layers.slice(cut + 1)];
}

function applyInInference(layers: tfl.layers.Layer[], x: tf.Tensor): tf.Tensor {
  return layers.reduce((h, layer) => layer.apply(h, { training: false }) as tf.Tensor, x);
}

/** G's activations after block `block` for latents (n, nz): (n, side, side, width), inference mode. */
export function generatorActivations(generator: tfl.LayersModel, latents: Float32Array, nz: number, block: number): tf.Tensor4D {
  const [upToBlock] = splitAtBlock(generator, block);
  return tf.tidy(() => applyInInference(upToBlock, tf.tensor2d(latents, [latents.length / nz, nz])) as tf.Tensor4D);
}

/** G(z) for latents (n, nz) with maps `maps` of block `block` zeroed: (n, S, S, C), inference mode. */
export function generateAblated(generator: tfl.LayersModel, latents: Float32Array, nz: number, block: number, maps: readonly number[]): tf.Tensor4D {
  const keep = new Float32Array(generatorBlockWidth(generator, block)).fill(1);
  for (const m of maps) keep[m] = 0;
  const [upToBlock, rest] = splitAtBlock(generator, block);
  return tf.tidy(() => {
    const h = applyInInference(upToBlock, tf.tensor2d(latents, [latents.length / nz, nz]));
    return applyInInference(rest, tf.mul(h, tf.tensor1d(keep))) as tf.Tensor4D; // keep broadcasts over (n, h, w)
  });
}
