// The `native` backend: tfjs-backend-cpu's MathBackendCPU (same tensor storage: one TypedArray per
// dataId in `this.data`), whose hot kernels are replaced by oneDNN / OpenMP ones (src/kernels/).
// Kernels not overridden are cpu's own, re-registered under `native` (see register.ts), so every
// op TF.js has keeps working.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

import type { NativeAddon } from './binding.js';

export const NATIVE_BACKEND_NAME = 'native';

export class NativeBackend extends MathBackendCPU {
  constructor(readonly addon: NativeAddon) {
    super();
    // MathBackendCPU prints "looks like you are running TensorFlow.js in Node.js ... install
    // tfjs-node" on its first write when in Node; that advice is wrong for this backend.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }
}
