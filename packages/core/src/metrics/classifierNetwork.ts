import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * The default feature extractor of the quality metrics: a small CNN classifier per dataset (the role Inception-v3
 * plays for ImageNet-like data in FID/IS, where Inception's features mean little for 32x32 digits). Its 128-d
 * penultimate layer (`features`) feeds FID, KID and precision/recall; its softmax feeds IS and the class histogram.
 * (N, S, S, C) in [-1, 1] -> conv 3x3 32 -> conv 3x3 64 stride 2 -> conv 3x3 64 stride 2 -> dense 128 -> dense
 * classes. Strided convolutions rather than max pooling (the paper's own guideline), which also keeps every heavy
 * kernel of a training step on the native backend.
 */
export const CLASSIFIER_FEATURES_LAYER = 'features';

/**
 * The metrics classifier (above) for (S, S, C) images and `classes` classes, untrained; `seed` fixes its initial
 * weights.
 */
export function buildClassifier(imageSize: number, channels: number, classes: number, seed = 0): tfl.LayersModel {
  const init = (i: number) => tfl.initializers.heNormal({ seed: seed * 16 + i });
  const model = tfl.sequential({ name: 'classifier' });
  model.add(tfl.layers.conv2d({ inputShape: [imageSize, imageSize, channels], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), name: 'conv1' }));
  model.add(tfl.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(2), name: 'conv2' }));
  model.add(tfl.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(5), name: 'conv3' }));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(3), name: CLASSIFIER_FEATURES_LAYER }));
  model.add(tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 16 + 4 }), name: 'probs' }));
  return model;
}

/** Features (n, 128) and class probabilities (n, classes) of images (n, S, S, C), in float64 for the metrics. */
export async function classifierOutputs(
  classifier: tfl.LayersModel,
  images: tf.Tensor4D,
  batchSize = 500,
): Promise<{ features: Float64Array; probs: Float64Array; featureDims: number; classes: number }> {
  const featureLayer = classifier.getLayer(CLASSIFIER_FEATURES_LAYER);
  const both = tfl.model({ inputs: classifier.inputs, outputs: [featureLayer.output as tfl.SymbolicTensor, classifier.outputs[0]!] });
  const n = images.shape[0];
  const featureDims = (featureLayer.outputShape as number[])[1]!;
  const classes = (classifier.outputs[0]!.shape as number[])[1]!;
  const features = new Float64Array(n * featureDims);
  const probs = new Float64Array(n * classes);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const [f, p] = tf.tidy(() => both.predict(tf.slice(images, [start, 0, 0, 0], [m, -1, -1, -1])) as tf.Tensor[]);
    features.set(await f!.data(), start * featureDims);
    probs.set(await p!.data(), start * classes);
    tf.dispose([f!, p!]);
  }
  return { features, probs, featureDims, classes };
}
