// The register list: every kernel the `native` backend implements itself (the TF.js ops it
// accelerates, plus the Dcgan* fused kernels TF.js has no op for). Everything else is the `cpu`
// backend's kernel, re-registered under `native` (MathBackendCPU storage is shared).
import { getKernelsForBackend, registerKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';

import { NATIVE_BACKEND_NAME } from './backend.js';
import { absConfig } from './kernels/Abs.js';
import { addConfig } from './kernels/Add.js';
import { batchMatMulConfig } from './kernels/BatchMatMul.js';
import { conv2DConfig } from './kernels/Conv2D.js';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './kernels/Conv2DBackpropInput.js';
import { adamConfig } from './kernels/DcganAdam.js';
import { batchNormActivationTrainingConfig } from './kernels/DcganBatchNormActivationTraining.js';
import { batchNormActivationTrainingGradConfig } from './kernels/DcganBatchNormActivationTrainingGrad.js';
import { batchNormTrainingConfig } from './kernels/DcganBatchNormTraining.js';
import { batchNormTrainingGradConfig } from './kernels/DcganBatchNormTrainingGrad.js';
import { reluGradFromOutputConfig } from './kernels/DcganReluGradFromOutput.js';
import { eluConfig } from './kernels/Elu.js';
import { equalConfig } from './kernels/Equal.js';
import { expConfig } from './kernels/Exp.js';
import { fusedBatchNormConfig } from './kernels/FusedBatchNorm.js';
import { fusedConv2DConfig } from './kernels/FusedConv2D.js';
import { greaterConfig } from './kernels/Greater.js';
import { greaterEqualConfig } from './kernels/GreaterEqual.js';
import { leakyReluConfig } from './kernels/LeakyRelu.js';
import { lessConfig } from './kernels/Less.js';
import { lessEqualConfig } from './kernels/LessEqual.js';
import { logConfig } from './kernels/Log.js';
import { log1pConfig } from './kernels/Log1p.js';
import { maxConfig } from './kernels/Max.js';
import { maximumConfig } from './kernels/Maximum.js';
import { meanConfig } from './kernels/Mean.js';
import { minConfig } from './kernels/Min.js';
import { minimumConfig } from './kernels/Minimum.js';
import { mulConfig } from './kernels/Multiply.js';
import { negConfig } from './kernels/Neg.js';
import { notEqualConfig } from './kernels/NotEqual.js';
import { realDivConfig } from './kernels/RealDiv.js';
import { reciprocalConfig } from './kernels/Reciprocal.js';
import { reluConfig } from './kernels/Relu.js';
import { relu6Config } from './kernels/Relu6.js';
import { rsqrtConfig } from './kernels/Rsqrt.js';
import { selectConfig } from './kernels/Select.js';
import { sigmoidConfig } from './kernels/Sigmoid.js';
import { softplusConfig } from './kernels/Softplus.js';
import { sqrtConfig } from './kernels/Sqrt.js';
import { squareConfig } from './kernels/Square.js';
import { squaredDifferenceConfig } from './kernels/SquaredDifference.js';
import { stepConfig } from './kernels/Step.js';
import { subConfig } from './kernels/Sub.js';
import { sumConfig } from './kernels/Sum.js';
import { tanhConfig } from './kernels/Tanh.js';
import { tileConfig } from './kernels/Tile.js';
import { transposeConfig } from './kernels/Transpose.js';
import { fusedMatMulConfig } from './kernels/_FusedMatMul.js';

/**
 * The kernels `native` implements itself: the TF.js ops it accelerates (convolutions, matmul, elementwise ops,
 * reductions) and the fused Dcgan* kernels packages/core uses.
 */
export const NATIVE_KERNELS: readonly KernelConfig[] = [
  absConfig,
  addConfig,
  batchMatMulConfig,
  conv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  adamConfig,
  batchNormActivationTrainingConfig,
  batchNormActivationTrainingGradConfig,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
  reluGradFromOutputConfig,
  eluConfig,
  equalConfig,
  expConfig,
  fusedBatchNormConfig,
  fusedConv2DConfig,
  greaterConfig,
  greaterEqualConfig,
  leakyReluConfig,
  lessConfig,
  lessEqualConfig,
  logConfig,
  log1pConfig,
  maxConfig,
  maximumConfig,
  meanConfig,
  minConfig,
  minimumConfig,
  mulConfig,
  negConfig,
  notEqualConfig,
  realDivConfig,
  reciprocalConfig,
  reluConfig,
  relu6Config,
  rsqrtConfig,
  selectConfig,
  sigmoidConfig,
  softplusConfig,
  sqrtConfig,
  squareConfig,
  squaredDifferenceConfig,
  stepConfig,
  subConfig,
  sumConfig,
  tanhConfig,
  tileConfig,
  transposeConfig,
  fusedMatMulConfig,
];

let registered = false;

/**
 * Registers every `cpu` kernel config under `native`, with the native ones in place of their cpu
 * counterparts. Idempotent. Kernels registered for `cpu` after this call are not mirrored.
 */
export function registerNativeKernels(): void {
  if (registered) return;
  registered = true;
  const native = new Set(NATIVE_KERNELS.map((k) => k.kernelName));
  for (const config of getKernelsForBackend('cpu')) {
    if (!native.has(config.kernelName)) registerKernel({ ...config, backendName: NATIVE_BACKEND_NAME });
  }
  for (const config of NATIVE_KERNELS) registerKernel(config);
}
