// DcganBatchNormTrainingGrad: the full gradient of DcganBatchNormTraining (through the batch
// statistics), in two passes over x and dy:
//   inputs  dy, x (x's shape), mean [C], variance [C], scale [C] (optional); attrs varianceEpsilon
//   outputs dx, dscale [C], doffset [C]
// With M = x.size / C and xhat = (x - mean) / sqrt(variance + eps):
//   doffset = sum dy, dscale = sum dy * xhat, dx = scale / sqrt(variance + eps) / M * (M dy - doffset - xhat dscale).
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import { channelParam } from './DcganBatchNormTraining.js';
import { f32, output, type NativeKernelArgs } from './kernel_util.js';

/**
 * Kernel name of DcganBatchNormTraining's gradient through the batch statistics (core's
 * FUSED_BATCH_NORM_TRAINING_GRAD_KERNEL): dy, x, mean, variance, scale in; dx, dscale, doffset out.
 */
export const DCGAN_BATCH_NORM_TRAINING_GRAD = 'DcganBatchNormTrainingGrad';

export function batchNormTrainingGrad(args: NativeKernelArgs): TensorInfo[] {
  const { backend } = args;
  const { dy, x, mean, variance, scale } = args.inputs as {
    dy: TensorInfo; x: TensorInfo; mean: TensorInfo; variance: TensorInfo; scale?: TensorInfo;
  };
  const { varianceEpsilon } = args.attrs as NamedAttrMap as { varianceEpsilon: number };
  const xv = f32(backend, x), dyv = f32(backend, dy);
  const C = x.shape[x.shape.length - 1] ?? 0;
  if (xv === null || dyv === null || xv.length === 0 || C === 0 || dyv.length !== xv.length) {
    throw new Error(`${DCGAN_BATCH_NORM_TRAINING_GRAD}: dy and x must be non-empty float32 tensors of one shape`);
  }
  const mv = channelParam(args, mean, C, 'mean')!, vv = channelParam(args, variance, C, 'variance')!;
  const sv = channelParam(args, scale, C, 'scale');
  const dx = backend.alloc(xv.length), dscale = new Float32Array(C), doffset = new Float32Array(C);
  backend.addon.batchNormTrainingGrad(dyv, xv, mv, vv, sv, varianceEpsilon, dx, dscale, doffset);
  return [output(backend, [...x.shape], dx), output(backend, [C], dscale), output(backend, [C], doffset)];
}

export const batchNormTrainingGradConfig: KernelConfig = {
  kernelName: DCGAN_BATCH_NORM_TRAINING_GRAD,
  backendName: 'native',
  kernelFunc: batchNormTrainingGrad as unknown as KernelFunc,
};
