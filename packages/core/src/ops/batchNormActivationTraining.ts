import * as tf from '@tensorflow/tfjs-core';
import type { BatchNormTrainingResult } from './batchNormTraining.js';

/**
 * Training-mode batch norm followed by ReLU (alpha 0) or LeakyReLU (slope alpha), as one kernel forward and one
 * backward where the backend has them (packages/native registers both); the same bits as batchNormTraining followed
 * by reluSavingOutput / leakyReluSavingOutput, with one pass over the activation fewer each way and no intermediate
 * tensor. Callers use it only where hasFusedBatchNormActivationTraining() (models/layerChain.ts).
 *
 * DcganBatchNormActivationTraining: inputs x [..., C], scale [C], offset [C]; attrs varianceEpsilon, alpha;
 *   outputs y = act(bn(x)) (x's shape), mean [C], variance [C] (biased).
 * DcganBatchNormActivationTrainingGrad: inputs dy, y, x, mean, variance, scale; attrs varianceEpsilon, alpha;
 *   outputs dx, dscale, doffset (through the activation, from its output y, and the batch statistics).
 */
export const FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL = 'DcganBatchNormActivationTraining';
/** Name of the fused kernel of batch norm + (leaky) ReLU's gradient (inputs and outputs above). */
export const FUSED_BATCH_NORM_ACTIVATION_TRAINING_GRAD_KERNEL = 'DcganBatchNormActivationTrainingGrad';

/** Whether the active backend registered FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL. */
export function hasFusedBatchNormActivationTraining(): boolean {
  return tf.getKernel(FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * act(batch norm(x)) in training mode, x [..., C], scale and offset [C], act ReLU (alpha 0) or LeakyReLU (alpha > 0),
 * on the fused kernels (the caller checks hasFusedBatchNormActivationTraining()). The caller disposes the returned
 * mean and variance (tf.keep()-ed, as batchNormTraining's).
 */
export function batchNormActivationTraining(
  x: tf.Tensor,
  scale: tf.Tensor1D,
  offset: tf.Tensor1D,
  eps: number,
  alpha: number,
): BatchNormTrainingResult {
  let stats: tf.Tensor[] = [];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, si, oi, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, variance] = tf.engine().runKernel(FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL, { x: xi, scale: si, offset: oi },
      { varianceEpsilon: eps, alpha }) as tf.Tensor[];
    // y is what the next convolution keeps anyway; x is what batch norm's own gradient needs.
    save([xi, si, mean!, variance!, y!]);
    stats = [tf.keep(mean!), tf.keep(variance!)];
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, ss, sm, sv, sy] = saved;
        const [dx, dscale, doffset] = tf.engine().runKernel(FUSED_BATCH_NORM_ACTIVATION_TRAINING_GRAD_KERNEL,
          { dy, y: sy!, x: sx!, mean: sm!, variance: sv!, scale: ss! }, { varianceEpsilon: eps, alpha }) as tf.Tensor[];
        return [dx!, dscale!, doffset!];
      },
    };
  });
  const y = f(x, scale, offset);
  return { y, mean: stats[0] as tf.Tensor1D, variance: stats[1] as tf.Tensor1D };
}
