// DcganBatchNormTrainingGrad on webgpu: the full gradient of training-mode batch norm (through the batch
// statistics) in 3 passes instead of TF.js's ~20 kernels. Same contract as packages/native's:
//   inputs  dy, x, mean, variance, scale; attr varianceEpsilon
//   outputs dx, dscale = sum(dy * xhat), doffset = sum(dy)   (sums per channel over the M = N H W rows)
//   dx = scale / sqrt(var + eps) * (dy - doffset / M - xhat * dscale / M),  xhat = (x - mean) / sqrt(var + eps)
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { channelSum, rowsAndChannels } from './DcganBatchNormTraining.js';
import { ElementwiseProgram, type WebgpuBackendLike } from './programs.js';

export const DCGAN_BATCH_NORM_TRAINING_GRAD = 'DcganBatchNormTrainingGrad';

type Inputs = Record<'dy' | 'x' | 'mean' | 'variance' | 'scale', TensorInfo>;

function batchNormTrainingGrad(args: { inputs: Inputs; attrs: NamedAttrMap; backend: WebgpuBackendLike }): TensorInfo[] {
  const { dy, x, mean, variance, scale } = args.inputs;
  const { varianceEpsilon } = args.attrs as { varianceEpsilon: number };
  const { backend } = args;
  const [rows, channels] = rowsAndChannels(x);
  const epsilon = { declared: 'epsilon : f32,', values: [varianceEpsilon] };
  const doffset = channelSum(backend, 'dcgan_bn_grad_offset', { Dy: dy }, 'Dy[i]', 1);
  const dscale = channelSum(backend, 'dcgan_bn_grad_scale', { Dy: dy, X: x, Mean: mean, Variance: variance },
    'Dy[i] * (X[i] - Mean[c]) * inverseSqrt(Variance[c] + uniforms.epsilon)', 1, epsilon);
  const program = new ElementwiseProgram('dcgan_bn_grad_input', [...x.shape], ['Dy', 'X', 'Mean', 'Variance', 'Scale', 'Doffset', 'Dscale'],
    'epsilon : f32, inverseRows : f32,', `
      let invStd = inverseSqrt(Variance[c] + uniforms.epsilon);
      let xhat = (X[index] - Mean[c]) * invStd;
      setOutputAtIndex(index, Scale[c] * invStd * (Dy[index] - Doffset[c] * uniforms.inverseRows - xhat * Dscale[c] * uniforms.inverseRows));`);
  const dx = backend.runWebGPUProgram(program, [dy, x, mean, variance, scale, doffset, dscale], 'float32', [
    { type: 'int32', data: [channels] },
    { type: 'float32', data: [varianceEpsilon] },
    { type: 'float32', data: [1 / rows] },
  ]);
  return [dx, dscale, doffset];
}

export const batchNormTrainingGradConfig: KernelConfig = {
  kernelName: DCGAN_BATCH_NORM_TRAINING_GRAD,
  backendName: 'webgpu',
  kernelFunc: batchNormTrainingGrad as unknown as KernelFunc,
};
