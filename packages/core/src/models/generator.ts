import * as tfl from '@tensorflow/tfjs-layers';
import { reLU } from './activations.js';
import { batchNormalization } from './batchNormalization.js';
import type { ModelConfig } from '../config.js';
import { generatorInputWidth } from './conditioning.js';
import { BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM, hiddenStages } from './architecture.js';

/**
 * The DCGAN generator (paper section 3, Figure 1) as a TF.js LayersModel: z (N, nz) -> images (N, S, S, C) in [-1, 1].
 * Fractionally strided convolutions only: no pooling, no fully connected layer (the 1x1 -> 4x4 projection is a
 * transposed convolution, as in PyTorch's and dcgan.torch's versions), batch norm and ReLU after every layer but the
 * last, tanh on the output. Convolutions have no bias: batch norm's beta replaces it, and the output layer has none
 * in the reference either. Weights are placeholders until initializeWeights() draws them.
 */
export function buildGenerator(c: ModelConfig): tfl.LayersModel {
  const stages = hiddenStages(c.imageSize, c.ngf);
  // z, or [z | one-hot class] for a conditional model (conditioning.ts): (N, nz + K)
  const width = generatorInputWidth(c);
  const z = tfl.input({ shape: [width], name: 'z' });
  let x = tfl.layers.reshape({ targetShape: [1, 1, width], name: 'g_z_as_map' }).apply(z) as tfl.SymbolicTensor; // (N, 1, 1, nz + K)

  stages.forEach((stage, i) => {
    const projection = i === 0;
    x = tfl.layers
      .conv2dTranspose({
        filters: stage.width,
        kernelSize: projection ? 4 : c.kernel,
        strides: projection ? 1 : 2,
        padding: projection ? 'valid' : 'same',
        useBias: false,
        name: `g_deconv${i}`,
      })
      .apply(x) as tfl.SymbolicTensor; // (N, stage.side, stage.side, stage.width)
    x = batchNormalization({ momentum: BATCH_NORM_MOMENTUM, epsilon: BATCH_NORM_EPSILON, name: `g_bn${i}` })
      .apply(x) as tfl.SymbolicTensor;
    x = reLU({ name: `g_relu${i}` }).apply(x) as tfl.SymbolicTensor;
  });

  x = tfl.layers
    .conv2dTranspose({
      filters: c.channels,
      kernelSize: c.kernel,
      strides: 2,
      padding: 'same',
      useBias: false,
      name: `g_deconv${stages.length}`,
    })
    .apply(x) as tfl.SymbolicTensor; // (N, S, S, C)
  const images = tfl.layers.activation({ activation: 'tanh', name: 'g_tanh' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: z, outputs: images, name: 'generator' });
}
