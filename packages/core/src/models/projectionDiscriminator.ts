import * as tf from '@tensorflow/tfjs-core';

/**
 * The projection discriminator (`--conditional-d projection`): Miyato & Koyama 2018, "cGANs with Projection
 * Discriminator", eq. 3, as their reference implementation builds it (pfnet-research/sngan_projection,
 * dis_models/snresnet.py, SNResNetProjectionDiscriminator: `output = l(h); output += sum(l_y(y) * h)`, l_y an
 * embedding of the class):
 *
 *   f(x, y) = y^T V phi(x) + psi(phi(x)),   psi(h) = w.h + b
 *
 * On DCGAN's D: phi(x) = h, D's last feature map (N, 4, 4, W), the tensor its final 4x4 'valid' convolution reads;
 * psi is that convolution (w: its 4x4xW kernel); V holds one learned row e_k of h's size (4*4*W) per class k. D's
 * body sees the image alone, no class maps. Since w.h and every e_k.h are 4x4 convolutions of h, they are one
 * convolution with 1 + K filters (filter 0: w; filter 1 + k: e_k), so D stays a chain of layers with one input and
 * outputs (N, 1 + K) = [w.h, e_0.h, ..., e_{K-1}.h]; the class picks its term outside D:
 *
 *   logit(x, y) = w.h + e_y.h = sum_j out_j * [1 | onehot(y)]_j
 *
 * b = 0: DCGAN's final convolution has no bias (PyTorch's reference: bias=False), the unconditional D's neither.
 * sngan_projection sums h over space before both products; DCGAN's D reads the 4x4 map through a 4x4 kernel instead
 * (no pooling, paper section 3), so e_y spans all of h. The embedding is a conv kernel like D's others, drawn from
 * N(0, 0.02) by initializeWeights; checkpoints and exports hold it as part of D's last convolution.
 */

/** D's outputs (N, 1 + K) -> the logit (N, 1) of each image's class: w.h + e_y.h, eq. 3 with b = 0. */
export function projectionLogits(outputs: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Tensor2D {
  const [n, width] = outputs.shape;
  if (oneHot.shape[0] !== n || oneHot.shape[1] !== width - 1) {
    throw new Error(`projectionLogits: D gave [${outputs.shape}] for one-hot classes [${oneHot.shape}]`);
  }
  return tf.tidy(() => {
    // [1 | onehot(y)] (N, 1 + K): a constant, so the gradient of the product reaches D's outputs alone.
    const select = tf.concat([tf.ones([n, 1]), oneHot], 1);
    return tf.sum(tf.mul(outputs, select), 1, true) as tf.Tensor2D; // (N, 1)
  });
}
