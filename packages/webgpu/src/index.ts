/**
 * @dcgan-ts/webgpu: WGSL kernels for TF.js's webgpu backend (@tensorflow/tfjs-backend-webgpu), the fused ops that
 * packages/core's training step uses where a backend has them. Browser-safe; in Node, packages/node registers them
 * when it activates webgpu on Dawn. Call registerWebgpuKernels() once, before training on webgpu.
 */
export { WEBGPU_KERNELS, registerWebgpuKernels } from './register.js';
