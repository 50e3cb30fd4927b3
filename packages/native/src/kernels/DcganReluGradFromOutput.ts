// DcganReluGradFromOutput: the gradient of (leaky) ReLU from its output, as ONE kernel (native only;
// TF.js's gradients read the input and take 3 kernels):
//   inputs  dy, y (one shape, float32); attrs alpha (>= 0; ReLU: 0)
//   outputs dx = y > 0 ? dy : dy * alpha
// packages/core's activation layers use it when the backend has it (ops/activationsSavingOutput.ts).
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import { f32, output, type NativeKernelArgs } from './kernel_util.js';

/**
 * Kernel name of (leaky) ReLU's gradient from its output (core's FUSED_RELU_GRAD_FROM_OUTPUT_KERNEL):
 * dx = y > 0 ? dy : dy * alpha.
 */
export const DCGAN_RELU_GRAD_FROM_OUTPUT = 'DcganReluGradFromOutput';

export function reluGradFromOutput(args: NativeKernelArgs): TensorInfo {
  const { backend } = args;
  const { dy, y } = args.inputs as { dy: TensorInfo; y: TensorInfo };
  const { alpha } = args.attrs as NamedAttrMap as { alpha: number };
  const dyv = f32(backend, dy), yv = f32(backend, y);
  if (dyv === null || yv === null || dyv.length !== yv.length) {
    throw new Error(`${DCGAN_RELU_GRAD_FROM_OUTPUT}: dy and y must be float32 tensors of one size`);
  }
  const dx = backend.alloc(dyv.length);
  backend.addon.reluGradFromOutput(dyv, yv, dx, alpha);
  return output(backend, [...dy.shape], dx);
}

export const reluGradFromOutputConfig: KernelConfig = {
  kernelName: DCGAN_RELU_GRAD_FROM_OUTPUT,
  backendName: 'native',
  kernelFunc: reluGradFromOutput as unknown as KernelFunc,
};
