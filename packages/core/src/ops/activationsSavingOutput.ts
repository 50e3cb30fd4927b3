import * as tf from '@tensorflow/tfjs-core';

/**
 * ReLU and LeakyReLU whose gradients read their output instead of their input. The same numbers as tf.relu and
 * tf.leakyRelu and their registered gradients (for alpha >= 0, y > 0 exactly where x > 0), but the tensor kept for
 * the backward pass is the activation's output, which the next convolution keeps anyway: the input (batch norm's or
 * the convolution's output, as large as the activation) is freed as soon as the layer has run, instead of living to
 * the end of the backward pass. A third less activation memory in a DCGAN step, as PyTorch's in-place ReLUs save.
 *
 * A backend may provide the gradient as one kernel (packages/native): inputs dy, y; attr alpha;
 * output dx = y > 0 ? dy : dy * alpha. Elsewhere it is TF.js's own composition, on y.
 */
export const FUSED_RELU_GRAD_FROM_OUTPUT_KERNEL = 'DcganReluGradFromOutput';

type Unary = (x: tf.Tensor) => tf.Tensor;

function gradFromOutput(dy: tf.Tensor, y: tf.Tensor, alpha: number): tf.Tensor {
  if (tf.getKernel(FUSED_RELU_GRAD_FROM_OUTPUT_KERNEL, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(FUSED_RELU_GRAD_FROM_OUTPUT_KERNEL, { dy, y }, { alpha }) as tf.Tensor;
  }
  // TF.js's gradients: Relu dy * step(x), LeakyRelu where(x > 0, dy, dy * alpha); the masks equal on y.
  return alpha === 0 ? tf.mul(dy, tf.step(y)) : tf.where(tf.greater(y, 0), dy, tf.mul(dy, alpha));
}

function savingOutput(alpha: number): Unary {
  return tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = alpha === 0 ? tf.relu(x) : tf.leakyRelu(x, alpha);
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => gradFromOutput(dy, saved!, alpha) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as Unary;
}

/**
 * tf.relu whose gradient reads its output: dx = y > 0 ? dy : 0, as one kernel where the backend registered
 * FUSED_RELU_GRAD_FROM_OUTPUT_KERNEL.
 */
export const reluSavingOutput: Unary = savingOutput(0);

const leakyReluOps = new Map<number, Unary>();

/** One custom op per slope (the slope is part of the gradient's closure). */
export function leakyReluSavingOutput(alpha: number): Unary {
  if (!(alpha > 0)) throw new Error(`leakyReluSavingOutput: the slope must be > 0 (its sign tells the mask), not ${alpha}`);
  let op = leakyReluOps.get(alpha);
  if (op === undefined) {
    op = savingOutput(alpha);
    leakyReluOps.set(alpha, op);
  }
  return op;
}
