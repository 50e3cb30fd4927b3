// DcganBatchNormActivationTraining: DcganBatchNormTraining with the (leaky) ReLU after it in the same pass (native
// only):
//   inputs  x [..., C], scale [C] (optional), offset [C] (optional); attrs varianceEpsilon, alpha (0: ReLU)
//   outputs y = act(bn(x)) (x's shape), mean [C], variance [C] (biased, as tf.moments)
// The same bits as DcganBatchNormTraining followed by Relu / LeakyRelu, one pass over the activation fewer (and no
// intermediate tensor).
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import { channelParam } from './DcganBatchNormTraining.js';
import { f32, output, type NativeKernelArgs } from './kernel_util.js';

/** Kernel name of training-mode batch norm + (leaky) ReLU (core's FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL). */
export const DCGAN_BATCH_NORM_ACTIVATION_TRAINING = 'DcganBatchNormActivationTraining';

export function batchNormActivationTraining(args: NativeKernelArgs): TensorInfo[] {
  const { backend } = args;
  const { x, scale, offset } = args.inputs as { x: TensorInfo; scale?: TensorInfo; offset?: TensorInfo };
  const { varianceEpsilon, alpha } = args.attrs as NamedAttrMap as { varianceEpsilon: number; alpha: number };
  const xv = f32(backend, x);
  const C = x.shape[x.shape.length - 1] ?? 0;
  if (xv === null || xv.length === 0 || C === 0) {
    throw new Error(`${DCGAN_BATCH_NORM_ACTIVATION_TRAINING}: x must be a non-empty float32 tensor of rank >= 1`);
  }
  if (!(alpha >= 0)) throw new Error(`${DCGAN_BATCH_NORM_ACTIVATION_TRAINING}: alpha must be >= 0, got ${alpha}`);
  const sv = channelParam(args, scale, C, 'scale'), ov = channelParam(args, offset, C, 'offset');
  const y = backend.alloc(xv.length), mean = new Float32Array(C), variance = new Float32Array(C);
  backend.addon.batchNormTraining(xv, sv, ov, varianceEpsilon, y, mean, variance, alpha);
  return [output(backend, [...x.shape], y), output(backend, [C], mean), output(backend, [C], variance)];
}

export const batchNormActivationTrainingConfig: KernelConfig = {
  kernelName: DCGAN_BATCH_NORM_ACTIVATION_TRAINING,
  backendName: 'native',
  kernelFunc: batchNormActivationTraining as unknown as KernelFunc,
};
