// DcganBatchNormTraining on webgpu: training-mode batch norm over every dim but the last (NHWC: per channel over
// N, H, W) in 3 passes (mean, variance, normalise) instead of TF.js's ~6 kernels. Same contract as packages/native's:
//   inputs  x [..., C], scale [C], offset [C]; attr varianceEpsilon
//   outputs y (x's shape), mean [C], variance [C] (biased, as tf.moments)
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { ChannelSumProgram, ElementwiseProgram, type WebgpuBackendLike } from './programs.js';

export const DCGAN_BATCH_NORM_TRAINING = 'DcganBatchNormTraining';

/** (rows, channels) of an NHWC tensor seen as (M, C). */
export function rowsAndChannels(x: TensorInfo): [number, number] {
  const channels = x.shape[x.shape.length - 1]!;
  return [x.shape.reduce((a, b) => a * b, 1) / channels, channels];
}

const int = (x: number) => ({ type: 'int32' as const, data: [x] });
const float = (x: number) => ({ type: 'float32' as const, data: [x] });

/** The per-channel sum of `term` over the rows of `inputs[0]`, times `scale`: [C]. */
export function channelSum(
  backend: WebgpuBackendLike,
  key: string,
  inputs: Record<string, TensorInfo>,
  term: string,
  scale: number,
  extra: { declared: string; values: number[] } = { declared: '', values: [] },
): TensorInfo {
  const first = Object.values(inputs)[0]!;
  const [rows, channels] = rowsAndChannels(first);
  const program = new ChannelSumProgram(key, rows, channels, Object.keys(inputs), extra.declared, term);
  return backend.runWebGPUProgram(program, Object.values(inputs), 'float32', [int(rows), int(channels), float(scale), ...extra.values.map(float)]);
}

function batchNormTraining(args: { inputs: Record<'x' | 'scale' | 'offset', TensorInfo>; attrs: NamedAttrMap; backend: WebgpuBackendLike }): TensorInfo[] {
  const { x, scale, offset } = args.inputs;
  const { varianceEpsilon } = args.attrs as { varianceEpsilon: number };
  const { backend } = args;
  const [rows, channels] = rowsAndChannels(x);
  const mean = channelSum(backend, 'dcgan_bn_mean', { X: x }, 'X[i]', 1 / rows);
  // Two passes, as tf.moments: the variance from deviations, not E[x^2] - E[x]^2 (which cancels badly).
  const variance = channelSum(backend, 'dcgan_bn_variance', { X: x, Mean: mean }, '(X[i] - Mean[c]) * (X[i] - Mean[c])', 1 / rows);
  const program = new ElementwiseProgram('dcgan_bn_normalize', [...x.shape], ['X', 'Mean', 'Variance', 'Scale', 'Offset'], 'epsilon : f32,',
    'setOutputAtIndex(index, (X[index] - Mean[c]) * inverseSqrt(Variance[c] + uniforms.epsilon) * Scale[c] + Offset[c]);');
  const y = backend.runWebGPUProgram(program, [x, mean, variance, scale, offset], 'float32', [int(channels), float(varianceEpsilon)]);
  return [y, mean, variance];
}

export const batchNormTrainingConfig: KernelConfig = {
  kernelName: DCGAN_BATCH_NORM_TRAINING,
  backendName: 'webgpu',
  kernelFunc: batchNormTraining as unknown as KernelFunc,
};
