import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * The paper's feature pipeline (section 5.1): D's activations after each of its convolutional blocks, each max-pooled
 * to a 4x4 grid, flattened and concatenated. For the 32x32 D with ndf 64 that is (64 + 128 + 256) * 16 = 7,168
 * dimensions (the paper's 28,672 for its wider CIFAR-10 D). The output of each block is its LeakyReLU.
 */
export function featureLayerNames(discriminator: tfl.LayersModel): string[] {
  return discriminator.layers.filter((l) => l.getClassName() === 'LeakyReLU').map((l) => l.name);
}

/**
 * Length of an image's feature vector from discriminatorFeatures: 16 times the sum of D's block widths (7,168 for the
 * 32x32 D with ndf 64).
 */
export function featureSize(discriminator: tfl.LayersModel): number {
  return featureLayerNames(discriminator).reduce((n, name) => {
    const shape = discriminator.getLayer(name).outputShape as number[];
    return n + 16 * shape[3]!;
  }, 0);
}

/**
 * Features of images (n, S, S, C) in [-1, 1] as a (n, featureSize) Float32Array, in chunks of `batchSize`,
 * batch norm in inference mode.
 */
export async function discriminatorFeatures(discriminator: tfl.LayersModel, images: tf.Tensor4D, batchSize = 256): Promise<Float32Array> {
  const names = featureLayerNames(discriminator);
  const extractor = tfl.model({
    inputs: discriminator.inputs,
    outputs: names.map((name) => discriminator.getLayer(name).output as tfl.SymbolicTensor),
  });
  const n = images.shape[0];
  const size = featureSize(discriminator);
  const out = new Float32Array(n * size);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const chunk = tf.tidy(() => {
      const batch = tf.slice(images, [start, 0, 0, 0], [m, -1, -1, -1]);
      const maps = extractor.predict(batch) as tf.Tensor4D[];
      const pooled = maps.map((map) => {
        const window = map.shape[1] / 4; // side / 4: a 4x4 grid of maxima
        return tf.reshape(tf.maxPool(map, window, window, 'valid'), [m, -1]);
      });
      return tf.concat(pooled, 1);
    });
    out.set((await chunk.data()) as Float32Array, start * size);
    chunk.dispose();
  }
  return out;
}
