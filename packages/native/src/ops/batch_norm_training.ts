// batchNormTraining(x, scale, offset, eps): training-mode batch norm over all dims but the last,
// with its gradient, as two native kernels; anywhere else (other backends) the TF.js composite
// tf.moments + tf.batchNorm, which is also the reference the kernels are tested against.
//
// packages/core cannot import this package (it is browser-safe); the same ~20 lines there, keyed on
// tf.getKernel('DcganBatchNormTraining', tf.getBackend()), give it the fused path on `native`.
import * as tf from '@tensorflow/tfjs-core';

import { DCGAN_BATCH_NORM_TRAINING } from '../kernels/DcganBatchNormTraining.js';
import { DCGAN_BATCH_NORM_TRAINING_GRAD } from '../kernels/DcganBatchNormTrainingGrad.js';

export interface BatchNormTrainingResult {
  y: tf.Tensor;
  /**
   * Batch statistics [C] (biased variance), e.g. for the moving averages. From the fused path they
   * are tf.keep()-ed (a tidy does not dispose them): dispose them when done.
   */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/** The TF.js composite: the reference, and the path on backends without the fused kernels. */
export function batchNormTrainingComposite(x: tf.Tensor, scale: tf.Tensor1D, offset: tf.Tensor1D, eps: number): BatchNormTrainingResult {
  return tf.tidy(() => {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    return { y: tf.batchNorm(x, mean, variance, offset, scale, eps), mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  });
}

export function batchNormTraining(x: tf.Tensor, scale: tf.Tensor1D, offset: tf.Tensor1D, eps: number): BatchNormTrainingResult {
  if (tf.getKernel(DCGAN_BATCH_NORM_TRAINING, tf.getBackend()) === undefined) {
    return batchNormTrainingComposite(x, scale, offset, eps);
  }
  let stats: tf.Tensor[] = [];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, si, oi, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, variance] = tf.engine().runKernel(DCGAN_BATCH_NORM_TRAINING, { x: xi, scale: si, offset: oi },
      { varianceEpsilon: eps }) as tf.Tensor[];
    save([xi, si, mean!, variance!]);
    // customGrad runs this forward inside a tidy that disposes everything but `value`; the
    // statistics leave it kept, and the caller owns them.
    stats = [tf.keep(mean!), tf.keep(variance!)];
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, ss, sm, sv] = saved;
        const [dx, dscale, doffset] = tf.engine().runKernel(DCGAN_BATCH_NORM_TRAINING_GRAD,
          { dy, x: sx!, mean: sm!, variance: sv!, scale: ss! }, { varianceEpsilon: eps }) as tf.Tensor[];
        return [dx!, dscale!, doffset!];
      },
    };
  });
  const y = f(x, scale, offset);
  // The statistics are outputs of the forward kernel, not of the custom op: no gradient flows
  // through them (as in tfjs-layers, whose moving averages are updated outside the tape).
  return { y, mean: stats[0] as tf.Tensor1D, variance: stats[1] as tf.Tensor1D };
}
