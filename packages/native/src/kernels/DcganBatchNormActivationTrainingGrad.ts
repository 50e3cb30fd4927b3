// DcganBatchNormActivationTrainingGrad: the gradient of DcganBatchNormActivationTraining, through the activation
// (from its output y: y > 0 ? dy : dy * alpha, as DcganReluGradFromOutput) and batch norm (through the batch
// statistics, as DcganBatchNormTrainingGrad), in batch norm's two passes:
//   inputs  dy, y, x (x's shape), mean [C], variance [C], scale [C] (optional); attrs varianceEpsilon, alpha
//   outputs dx, dscale [C], doffset [C]
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import { channelParam } from './DcganBatchNormTraining.js';
import { f32, output, type NativeKernelArgs } from './kernel_util.js';

/** Kernel name of DcganBatchNormActivationTraining's gradient (core's FUSED_BATCH_NORM_ACTIVATION_TRAINING_GRAD_KERNEL). */
export const DCGAN_BATCH_NORM_ACTIVATION_TRAINING_GRAD = 'DcganBatchNormActivationTrainingGrad';

export function batchNormActivationTrainingGrad(args: NativeKernelArgs): TensorInfo[] {
  const { backend } = args;
  const { dy, y, x, mean, variance, scale } = args.inputs as {
    dy: TensorInfo; y: TensorInfo; x: TensorInfo; mean: TensorInfo; variance: TensorInfo; scale?: TensorInfo;
  };
  const { varianceEpsilon, alpha } = args.attrs as NamedAttrMap as { varianceEpsilon: number; alpha: number };
  const xv = f32(backend, x), dyv = f32(backend, dy), yv = f32(backend, y);
  const C = x.shape[x.shape.length - 1] ?? 0;
  if (xv === null || dyv === null || yv === null || xv.length === 0 || C === 0 || dyv.length !== xv.length || yv.length !== xv.length) {
    throw new Error(`${DCGAN_BATCH_NORM_ACTIVATION_TRAINING_GRAD}: dy, y and x must be non-empty float32 tensors of one shape`);
  }
  if (!(alpha >= 0)) throw new Error(`${DCGAN_BATCH_NORM_ACTIVATION_TRAINING_GRAD}: alpha must be >= 0, got ${alpha}`);
  const mv = channelParam(args, mean, C, 'mean')!, vv = channelParam(args, variance, C, 'variance')!;
  const sv = channelParam(args, scale, C, 'scale');
  const dx = backend.alloc(xv.length), dscale = new Float32Array(C), doffset = new Float32Array(C);
  backend.addon.batchNormTrainingGrad(dyv, xv, mv, vv, sv, varianceEpsilon, dx, dscale, doffset, yv, alpha);
  return [output(backend, [...x.shape], dx), output(backend, [C], dscale), output(backend, [C], doffset)];
}

export const batchNormActivationTrainingGradConfig: KernelConfig = {
  kernelName: DCGAN_BATCH_NORM_ACTIVATION_TRAINING_GRAD,
  backendName: 'native',
  kernelFunc: batchNormActivationTrainingGrad as unknown as KernelFunc,
};
