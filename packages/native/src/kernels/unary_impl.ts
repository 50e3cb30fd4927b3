// Shared implementation of the float32 unary kernels (csrc/elementwise.cc), and the activation
// step of the fused kernels. Other dtypes run the cpu kernel (which may also change the dtype).
import type { _FusedMatMulAttrs, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import type { NativeBackend } from '../backend.js';
import { cpuFallback, f32, output, type NativeKernelArgs } from './kernel_util.js';

/** tf.fused activations ('linear', 'relu', 'prelu', ...). */
export type Activation = _FusedMatMulAttrs['activation'];

export function unaryKernelConfig(
  kernelName: string,
  op: UnaryOp,
  alphaOf: (attrs: NamedAttrMap | undefined) => number = () => 0,
): KernelConfig {
  const kernelFunc = (args: NativeKernelArgs): TensorInfo => {
    const { x } = args.inputs as { x: TensorInfo };
    const xv = f32(args.backend, x);
    if (xv === null) return cpuFallback(kernelName, args) as TensorInfo;
    const out = args.backend.alloc(xv.length);
    args.backend.addon.unary(op, xv, out, alphaOf(args.attrs));
    return output(args.backend, [...x.shape], out);
  };
  return { kernelName, backendName: 'native', kernelFunc: kernelFunc as unknown as KernelFunc };
}

const ACTIVATIONS: Partial<Record<Activation, UnaryOp>> = {
  relu: UnaryOp.Relu,
  relu6: UnaryOp.Relu6,
  elu: UnaryOp.Elu,
  leakyrelu: UnaryOp.LeakyRelu,
  sigmoid: UnaryOp.Sigmoid,
};

/** Whether `applyActivationInPlace` handles `activation` (prelu needs its weights tensor). */
export function isNativeActivation(activation: Activation | undefined): boolean {
  return activation === undefined || activation === 'linear' || ACTIVATIONS[activation] !== undefined;
}

/** values = activation(values), in place. leakyreluAlpha defaults to 0.2 as in tf.fused ops. */
export function applyActivationInPlace(
  backend: NativeBackend, values: Float32Array, activation: Activation | undefined, leakyreluAlpha = 0.2,
): void {
  if (activation === undefined || activation === 'linear') return;
  const op = ACTIVATIONS[activation];
  if (op === undefined) throw new Error(`native: activation ${activation} is not native`);
  backend.addon.unary(op, values, values, leakyreluAlpha);
}
