import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { LEAKY_RELU_SLOPE } from '../models/architecture.js';

/**
 * Guided backpropagation (Springenberg et al. 2015, "Striving for Simplicity"), as the paper's Figure 5 uses it on
 * D's filters: the gradient of one filter's activation with respect to the input image, where every rectifier passes
 * gradient back only where both its input and the incoming gradient are positive.
 */
const guidedLeakyRelu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.leakyRelu(x, LEAKY_RELU_SLOPE),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(tf.step(saved[0]!), tf.step(dy))),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/** Number of D's convolutional blocks (each ends in a LeakyReLU): layers 1..blocks for `visualize --layer`. */
export function discriminatorBlocks(discriminator: tfl.LayersModel): number {
  return discriminator.layers.filter((l) => l.getClassName() === 'LeakyReLU').length;
}

/** Channels of block `block` (1-based). */
export function blockWidth(discriminator: tfl.LayersModel, block: number): number {
  const lrelu = discriminator.layers.filter((l) => l.getClassName() === 'LeakyReLU')[block - 1];
  if (!lrelu) throw new Error(`D has ${discriminatorBlocks(discriminator)} blocks, not ${block}`);
  return (lrelu.outputShape as number[])[3]!;
}

/**
 * For each image (n, S, S, C), the guided-backprop map of the strongest response of filter `filter` of block `block`
 * (1-based): (n, S, S, C). Batch norm in inference mode.
 */
export function guidedBackprop(discriminator: tfl.LayersModel, images: tf.Tensor4D, block: number, filter: number): tf.Tensor4D {
  const layers = discriminator.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const forward = (x: tf.Tensor): tf.Tensor => {
    let h: tf.Tensor = x;
    let seen = 0;
    for (const layer of layers) {
      if (layer.getClassName() === 'LeakyReLU') {
        h = guidedLeakyRelu(h);
        seen++;
        if (seen === block) break;
      } else {
        h = layer.apply(h, { training: false }) as tf.Tensor;
      }
    }
    // (n, h, w, channels) -> this filter's map -> each image's maximum, summed (images are independent in inference).
    const map = tf.slice(h as tf.Tensor4D, [0, 0, 0, filter], [-1, -1, -1, 1]);
    return tf.sum(tf.max(map, [1, 2, 3]));
  };
  return tf.tidy(() => tf.grad(forward)(images) as tf.Tensor4D);
}
