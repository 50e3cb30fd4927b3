// DcganBatchNormTraining: batch norm in training mode as ONE kernel (native only; TF.js has no
// such op). Normalizes over every dim but the last (NHWC: over N, H, W per channel C):
//   inputs  x [..., C], scale [C] (optional), offset [C] (optional); attrs varianceEpsilon
//   outputs y (x's shape), mean [C], variance [C] (biased, as tf.moments)
// Equal to tf.moments(x, axes) followed by tf.batchNorm, in three passes over x instead of the
// composite's ~6 (and ~15 more in its gradient, see DcganBatchNormTrainingGrad). Callers test for it
// with tf.getKernel(DCGAN_BATCH_NORM_TRAINING, tf.getBackend()) and keep the composite elsewhere.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import { f32, output, type NativeKernelArgs } from './kernel_util.js';

/**
 * Kernel name of training-mode batch norm (core's FUSED_BATCH_NORM_TRAINING_KERNEL): x [..., C], scale and offset [C]
 * in; y, mean [C] and biased variance [C] out.
 */
export const DCGAN_BATCH_NORM_TRAINING = 'DcganBatchNormTraining';

/** Validates and unpacks the per-channel inputs shared by the forward and backward kernels. */
export function channelParam(args: NativeKernelArgs, t: TensorInfo | undefined, C: number, what: string): Float32Array | null {
  if (t == null) return null;
  const v = f32(args.backend, t);
  if (v === null || v.length !== C) throw new Error(`${DCGAN_BATCH_NORM_TRAINING}: ${what} must be float32 [${C}]`);
  return v;
}

export function batchNormTraining(args: NativeKernelArgs): TensorInfo[] {
  const { backend } = args;
  const { x, scale, offset } = args.inputs as { x: TensorInfo; scale?: TensorInfo; offset?: TensorInfo };
  const { varianceEpsilon } = args.attrs as NamedAttrMap as { varianceEpsilon: number };
  const xv = f32(backend, x);
  const C = x.shape[x.shape.length - 1] ?? 0;
  if (xv === null || xv.length === 0 || C === 0) {
    throw new Error(`${DCGAN_BATCH_NORM_TRAINING}: x must be a non-empty float32 tensor of rank >= 1`);
  }
  const sv = channelParam(args, scale, C, 'scale'), ov = channelParam(args, offset, C, 'offset');
  const y = backend.alloc(xv.length), mean = new Float32Array(C), variance = new Float32Array(C);
  backend.addon.batchNormTraining(xv, sv, ov, varianceEpsilon, y, mean, variance);
  return [output(backend, [...x.shape], y), output(backend, [C], mean), output(backend, [C], variance)];
}

export const batchNormTrainingConfig: KernelConfig = {
  kernelName: DCGAN_BATCH_NORM_TRAINING,
  backendName: 'native',
  kernelFunc: batchNormTraining as unknown as KernelFunc,
};
