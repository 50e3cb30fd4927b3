// DcganAdam: one Adam step for one variable as ONE kernel (native only; TF.js has no such op),
// instead of ~11 elementwise kernels:
//   inputs  param, grad, m, v (one shape, float32)
//   attrs   beta1, beta2, epsilon, stepSize = lr / (1 - beta1^t), sqrtCorrection2 = sqrt(1 - beta2^t)
//   outputs param', m', v'
//   m' = m b1 + g (1 - b1);  v' = v b2 + g^2 (1 - b2);  param' = param - m' / (sqrt(v') / sqrtCorrection2 + eps) * stepSize
// Bit-identical on this backend to the same formula written with tf.add/tf.mul/... (see csrc/adam.cc),
// so an optimizer can switch to it without changing a single weight.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

import { f32, output, type NativeKernelArgs } from './kernel_util.js';

/**
 * Kernel name of the fused Adam step (core's FUSED_ADAM_KERNEL): inputs param, grad, m, v; attrs DcganAdamAttrs;
 * outputs param', m', v'.
 */
export const DCGAN_ADAM = 'DcganAdam';

/**
 * DcganAdam's attributes: beta1, beta2, epsilon, stepSize = lr / (1 - beta1^t) and sqrtCorrection2 = sqrt(1 - beta2^t)
 * at step t.
 */
export interface DcganAdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  stepSize: number;
  sqrtCorrection2: number;
}

export function adam(args: NativeKernelArgs): TensorInfo[] {
  const { backend } = args;
  const { param, grad, m, v } = args.inputs as { param: TensorInfo; grad: TensorInfo; m: TensorInfo; v: TensorInfo };
  const { beta1, beta2, epsilon, stepSize, sqrtCorrection2 } = args.attrs as NamedAttrMap as unknown as DcganAdamAttrs;
  const [pv, gv, mv, vv] = [param, grad, m, v].map((t) => f32(backend, t));
  if (pv == null || gv == null || mv == null || vv == null || ![gv, mv, vv].every((a) => a.length === pv.length)) {
    throw new Error(`${DCGAN_ADAM}: param, grad, m and v must be float32 tensors of one size`);
  }
  const n = pv.length;
  const po = backend.alloc(n), mo = backend.alloc(n), vo = backend.alloc(n);
  // 1 - beta in float64 first, then rounded once, as tf.mul(x, 1 - beta) does.
  backend.addon.adamUpdate(pv, gv, mv, vv, po, mo, vo, [beta1, 1 - beta1, beta2, 1 - beta2, sqrtCorrection2, epsilon, stepSize]);
  const shape = [...param.shape];
  return [output(backend, shape, po), output(backend, shape, mo), output(backend, [...shape], vo)];
}

export const adamConfig: KernelConfig = {
  kernelName: DCGAN_ADAM,
  backendName: 'native',
  kernelFunc: adam as unknown as KernelFunc,
};
