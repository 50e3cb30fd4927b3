// DcganReluGradFromOutput on webgpu: (leaky) ReLU's gradient from its output in one pass (TF.js's gradients take 3
// kernels and a bool mask). Same contract as packages/native's:
//   inputs dy, y (one shape, float32); attr alpha (>= 0; ReLU: 0); output dx = y > 0 ? dy : dy * alpha
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { ElementwiseProgram, type WebgpuBackendLike } from './programs.js';

export const DCGAN_RELU_GRAD_FROM_OUTPUT = 'DcganReluGradFromOutput';

function reluGradFromOutput(args: { inputs: { dy: TensorInfo; y: TensorInfo }; attrs: NamedAttrMap; backend: WebgpuBackendLike }): TensorInfo {
  const { dy, y } = args.inputs;
  const { alpha } = args.attrs as { alpha: number };
  const program = new ElementwiseProgram('dcgan_relu_grad_from_output', [...dy.shape], ['Dy', 'Y'], 'alpha : f32,',
    'setOutputAtIndex(index, select(Dy[index] * uniforms.alpha, Dy[index], Y[index] > 0.0));');
  return args.backend.runWebGPUProgram(program, [dy, y], 'float32', [
    { type: 'int32', data: [1] },
    { type: 'float32', data: [alpha] },
  ]);
}

export const reluGradFromOutputConfig: KernelConfig = {
  kernelName: DCGAN_RELU_GRAD_FROM_OUTPUT,
  backendName: 'webgpu',
  kernelFunc: reluGradFromOutput as unknown as KernelFunc,
};
