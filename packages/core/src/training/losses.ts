import * as tf from '@tensorflow/tfjs-core';

/**
 * Sigmoid cross-entropy on logits, averaged over the batch (PyTorch's BCEWithLogitsLoss):
 * -log sigmoid(x) = softplus(-x) for real targets, -log(1 - sigmoid(x)) = softplus(x) for fake ones.
 */
export function lossOnReal(logits: tf.Tensor): tf.Scalar {
  return tf.mean(tf.softplus(tf.neg(logits)));
}

/** D's loss on the logits of generated images (target 0): mean softplus(x) = -log(1 - sigmoid(x)). */
export function lossOnFake(logits: tf.Tensor): tf.Scalar {
  return tf.mean(tf.softplus(logits));
}

/** D's loss: real images labelled 1, generated ones 0. */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.add(lossOnReal(realLogits), lossOnFake(fakeLogits));
}

/** G's non-saturating loss (paper section 2, Goodfellow et al. 2014): maximise log D(G(z)) rather than minimise
 * log(1 - D(G(z))), which saturates when D wins early on. */
export function generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  return lossOnReal(fakeLogits);
}

/** Mean D output probability, the D(x) / D(G(z)) of the logs. */
export function meanProbability(logits: tf.Tensor): tf.Scalar {
  return tf.mean(tf.sigmoid(logits));
}
