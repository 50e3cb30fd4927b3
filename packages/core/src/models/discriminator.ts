import * as tfl from '@tensorflow/tfjs-layers';
import { leakyReLU } from './activations.js';
import { batchNormalization } from './batchNormalization.js';
import { conv2d } from './convolution.js';
import type { ModelConfig } from '../config.js';
import { discriminatorInputChannels, discriminatorOutputWidth } from './conditioning.js';
import { BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM, LEAKY_RELU_SLOPE, hiddenStages } from './architecture.js';

/**
 * The DCGAN discriminator, G's mirror: images (N, S, S, C) -> logits (N, 1). Strided convolutions instead of pooling,
 * LeakyReLU 0.2, batch norm on every layer but the input one, and a final 4x4 'valid' convolution to one logit
 * (no sigmoid: the losses take logits, which is both stabler and what D's feature reuse wants).
 * A projection D (`--conditional-d projection`) reads the image alone and ends in 1 + K outputs: the logit's
 * unconditional term and one per class (projectionDiscriminator.ts); the trainer adds the image's class's term.
 */
export function buildDiscriminator(c: ModelConfig): tfl.LayersModel {
  const stages = hiddenStages(c.imageSize, c.ndf).reverse(); // widths at sides S/2, S/4, ..., 4
  // The image, with K class maps for a concat conditional model (conditioning.ts): (N, S, S, C + K)
  const images = tfl.input({ shape: [c.imageSize, c.imageSize, discriminatorInputChannels(c)], name: 'images' });
  let x: tfl.SymbolicTensor = images;

  stages.forEach((stage, i) => {
    x = conv2d({
        filters: stage.width,
        kernelSize: c.kernel,
        strides: 2,
        padding: 'same',
        useBias: false,
        name: `d_conv${i}`,
      })
      .apply(x) as tfl.SymbolicTensor; // (N, stage.side, stage.side, stage.width)
    if (i > 0) {
      x = batchNormalization({ momentum: BATCH_NORM_MOMENTUM, epsilon: BATCH_NORM_EPSILON, name: `d_bn${i}` })
        .apply(x) as tfl.SymbolicTensor;
    }
    x = leakyReLU({ alpha: LEAKY_RELU_SLOPE, name: `d_lrelu${i}` }).apply(x) as tfl.SymbolicTensor;
  });

  // h (N, 4, 4, W) -> w.h, with a projection D's e_k.h for every class beside it: (N, 1, 1, 1 [+ K])
  const outputs = discriminatorOutputWidth(c);
  x = conv2d({ filters: outputs, kernelSize: 4, strides: 1, padding: 'valid', useBias: false, name: `d_conv${stages.length}` })
    .apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.flatten({ name: 'd_logit' }).apply(x) as tfl.SymbolicTensor; // (N, 1 [+ K])
  return tfl.model({ inputs: images, outputs: logits, name: 'discriminator' });
}
