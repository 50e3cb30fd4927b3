import * as tf from '@tensorflow/tfjs-core';

/**
 * Training-mode batch norm over every dim but the last (NHWC: per channel over N, H, W), with its gradient, as two
 * fused kernels where the backend has them (packages/native registers both), and as TF.js's composite
 * (tf.moments + tf.batchNorm, ~6 kernels forward and ~20 in the gradient) everywhere else. The composite is also the
 * reference the fused path is tested against.
 *
 * DcganBatchNormTraining: inputs x [..., C], scale [C], offset [C]; attr varianceEpsilon;
 *   outputs y (x's shape), mean [C], variance [C] (biased, as tf.moments).
 * DcganBatchNormTrainingGrad: inputs dy, x, mean, variance, scale; attr varianceEpsilon;
 *   outputs dx, dscale, doffset (the full gradient, through the batch statistics).
 */
export const FUSED_BATCH_NORM_TRAINING_KERNEL = 'DcganBatchNormTraining';
/** Name of the fused kernel of training-mode batch norm's gradient (inputs and outputs above). */
export const FUSED_BATCH_NORM_TRAINING_GRAD_KERNEL = 'DcganBatchNormTrainingGrad';

/** What batchNormTraining returns: the normalised y (x's shape) and the batch's per-channel statistics. */
export interface BatchNormTrainingResult {
  y: tf.Tensor;
  /**
   * The batch statistics [C] (biased variance), e.g. for the moving averages. No gradient flows through them. From
   * the fused path they are tf.keep()-ed (a tidy does not dispose them): the caller disposes them.
   */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Whether the active backend registered FUSED_BATCH_NORM_TRAINING_KERNEL; without it batchNormTraining runs the
 * composite.
 */
export function hasFusedBatchNormTraining(): boolean {
  return tf.getKernel(FUSED_BATCH_NORM_TRAINING_KERNEL, tf.getBackend()) !== undefined;
}

/** The TF.js composite: the reference, and the path on backends without the fused kernels. */
export function batchNormTrainingComposite(x: tf.Tensor, scale: tf.Tensor1D, offset: tf.Tensor1D, eps: number): BatchNormTrainingResult {
  return tf.tidy(() => {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    return { y: tf.batchNorm(x, mean, variance, offset, scale, eps), mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  });
}

/**
 * Training-mode batch norm of x [..., C] with scale and offset [C], normalising each channel by the batch mean and
 * biased variance: the fused kernels where hasFusedBatchNormTraining(), else the composite. The caller disposes the
 * returned mean and variance.
 */
export function batchNormTraining(x: tf.Tensor, scale: tf.Tensor1D, offset: tf.Tensor1D, eps: number): BatchNormTrainingResult {
  if (!hasFusedBatchNormTraining()) return batchNormTrainingComposite(x, scale, offset, eps);
  let stats: tf.Tensor[] = [];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, si, oi, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, variance] = tf.engine().runKernel(FUSED_BATCH_NORM_TRAINING_KERNEL, { x: xi, scale: si, offset: oi },
      { varianceEpsilon: eps }) as tf.Tensor[];
    save([xi, si, mean!, variance!]);
    // customGrad runs this forward inside a tidy that disposes everything but `value`: the statistics leave it
    // kept, and the caller owns them.
    stats = [tf.keep(mean!), tf.keep(variance!)];
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, ss, sm, sv] = saved;
        const [dx, dscale, doffset] = tf.engine().runKernel(FUSED_BATCH_NORM_TRAINING_GRAD_KERNEL,
          { dy, x: sx!, mean: sm!, variance: sv!, scale: ss! }, { varianceEpsilon: eps }) as tf.Tensor[];
        return [dx!, dscale!, doffset!];
      },
    };
  });
  const y = f(x, scale, offset);
  return { y, mean: stats[0] as tf.Tensor1D, variance: stats[1] as tf.Tensor1D };
}
