// The register list: the Dcgan* kernels packages/core uses where a backend has them (its fused Adam, batch norm in
// training mode and ReLU-gradient-from-output; see core's ops/ and training/adam.ts), as WGSL for TF.js's webgpu
// backend. Without them core falls back to TF.js's composites, which compute the same to float32 rounding but
// dispatch ~2.5x as many kernels per training step.
import { type KernelConfig, getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { adamConfig } from './kernels/DcganAdam.js';
import { batchNormTrainingConfig } from './kernels/DcganBatchNormTraining.js';
import { batchNormTrainingGradConfig } from './kernels/DcganBatchNormTrainingGrad.js';
import { reluGradFromOutputConfig } from './kernels/DcganReluGradFromOutput.js';

/**
 * The Dcgan* kernels as WGSL for TF.js's webgpu backend: fused Adam, training-mode batch norm and its gradient, and
 * ReLU's gradient from its output.
 */
export const WEBGPU_KERNELS: KernelConfig[] = [adamConfig, batchNormTrainingConfig, batchNormTrainingGradConfig, reluGradFromOutputConfig];

/** Registers the kernels for backend `webgpu`; safe to call more than once. */
export function registerWebgpuKernels(): void {
  for (const config of WEBGPU_KERNELS) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
}
