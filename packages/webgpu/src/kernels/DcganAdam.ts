// DcganAdam on webgpu: one Adam step for one variable in 3 passes (param', m', v'; param's recomputes the moments,
// which costs less than a round trip through memory) instead of ~11 elementwise kernels. Same contract as
// packages/native's:
//   inputs  param, grad, m, v (one shape, float32)
//   attrs   beta1, beta2, epsilon, stepSize = lr / (1 - beta1^t), sqrtCorrection2 = sqrt(1 - beta2^t)
//   outputs param', m', v'
//   m' = m b1 + g (1 - b1);  v' = v b2 + g^2 (1 - b2);  param' = param - m' / (sqrt(v') / sqrtCorrection2 + eps) * stepSize
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { ElementwiseProgram, type WebgpuBackendLike } from './programs.js';

export const DCGAN_ADAM = 'DcganAdam';

const M_NEXT = 'M[index] * uniforms.beta1 + G[index] * uniforms.oneMinusBeta1';
const V_NEXT = 'V[index] * uniforms.beta2 + (G[index] * G[index]) * uniforms.oneMinusBeta2';

/**
 * Each output's program and the inputs it reads: a program must read every array bound to it (WGSL drops unused
 * bindings from the pipeline's layout, and TF.js binds every input).
 */
const PASSES = {
  param: {
    inputs: ['param', 'grad', 'm', 'v'],
    body: `let m = ${M_NEXT};
      let v = ${V_NEXT};
      setOutputAtIndex(index, P[index] - (m / (sqrt(v) / uniforms.sqrtCorrection2 + uniforms.epsilon)) * uniforms.stepSize);`,
  },
  m: { inputs: ['grad', 'm'], body: `setOutputAtIndex(index, ${M_NEXT});` },
  v: { inputs: ['grad', 'v'], body: `setOutputAtIndex(index, ${V_NEXT});` },
} as const;

/** Binding names in the shaders. */
const NAMES = { param: 'P', grad: 'G', m: 'M', v: 'V' } as const;

function adam(args: { inputs: Record<'param' | 'grad' | 'm' | 'v', TensorInfo>; attrs: NamedAttrMap; backend: WebgpuBackendLike }): TensorInfo[] {
  const { param } = args.inputs;
  const a = args.attrs as Record<'beta1' | 'beta2' | 'epsilon' | 'stepSize' | 'sqrtCorrection2', number>;
  // 1 - beta in float64 first, then rounded once, as tf.mul(x, 1 - beta) does.
  const values = [a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.sqrtCorrection2, a.epsilon, a.stepSize];
  const uniforms = [{ type: 'int32' as const, data: [1] }, ...values.map((x) => ({ type: 'float32' as const, data: [x] }))];
  const declared = 'beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32, sqrtCorrection2 : f32, epsilon : f32, stepSize : f32,';
  return (['param', 'm', 'v'] as const).map((out) => {
    const { inputs, body } = PASSES[out];
    const program = new ElementwiseProgram(`dcgan_adam_${out}`, [...param.shape], inputs.map((i) => NAMES[i]), declared, body);
    return args.backend.runWebGPUProgram(program, inputs.map((i) => args.inputs[i]), 'float32', uniforms);
  });
}

export const adamConfig: KernelConfig = {
  kernelName: DCGAN_ADAM,
  backendName: 'webgpu',
  kernelFunc: adam as unknown as KernelFunc,
};
