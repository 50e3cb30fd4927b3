// The epilogue of FusedConv2D and _FusedMatMul: out += bias (broadcast), then the activation, both
// in place on the freshly computed output.
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

import type { NativeBackend } from '../backend.js';
import { BinaryOp } from '../binding.js';
import { f32 } from './kernel_util.js';
import { applyActivationInPlace, isNativeActivation, type Activation } from './unary_impl.js';

/** Whether the epilogue can run natively (else the whole fused kernel falls back to cpu). */
export function canFuseNatively(
  backend: NativeBackend, outShape: number[], bias: TensorInfo | undefined, activation: Activation | undefined,
): boolean {
  if (!isNativeActivation(activation)) return false;  // prelu: cpu has it
  if (bias == null) return true;
  if (f32(backend, bias) === null) return false;
  // The bias must broadcast to the output without enlarging it.
  const shape = backend_util.assertAndGetBroadcastShape(outShape, bias.shape);
  return util.arraysEqual(shape, outShape);
}

export function biasActivationInPlace(
  backend: NativeBackend, values: Float32Array, shape: number[], bias: TensorInfo | undefined,
  activation: Activation | undefined, leakyreluAlpha: number | undefined,
): void {
  if (bias != null) {
    backend.addon.binary(BinaryOp.Add, values, shape, f32(backend, bias)!, bias.shape, values, shape);
  }
  applyActivationInPlace(backend, values, activation, leakyreluAlpha);
}
