// The `native` backend: tfjs-backend-cpu's MathBackendCPU (same tensor storage: one TypedArray per
// dataId in `this.data`), whose hot kernels are replaced by oneDNN / OpenMP ones (src/kernels/).
// Kernels not overridden are cpu's own, re-registered under `native` (see register.ts), so every
// op TF.js has keeps working.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { backend_util, DataId, DataType } from '@tensorflow/tfjs-core';

import type { NativeAddon } from './binding.js';
import { BufferPool } from './buffer_pool.js';

/** The backend's name for tf.setBackend: 'native'. */
export const NATIVE_BACKEND_NAME = 'native';

/** Bytes of disposed tensor memory kept for reuse; DCGAN_POOL_MB overrides (0 disables). */
function poolCap(): number {
  const mb = Number(process.env.DCGAN_POOL_MB ?? 2048);
  return Number.isFinite(mb) && mb >= 0 ? mb * 2 ** 20 : 2048 * 2 ** 20;
}

/**
 * tfjs-backend-cpu's MathBackendCPU with oneDNN / OpenMP kernels in place of its hot ones and a pool that recycles
 * disposed tensors' arrays (DCGAN_POOL_MB, default 2048). Registered under NATIVE_BACKEND_NAME on import when the addon
 * loads.
 */
export class NativeBackend extends MathBackendCPU {
  /** Output arrays of native kernels, recycled from disposed tensors (see buffer_pool.ts). */
  readonly pool = new BufferPool(poolCap());

  constructor(readonly addon: NativeAddon) {
    super();
    // MathBackendCPU prints "looks like you are running TensorFlow.js in Node.js ... install
    // tfjs-node" on its first write when in Node; that advice is wrong for this backend.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** A Float32Array for a kernel output; contents arbitrary: the kernel must write all of it. */
  alloc(n: number): Float32Array {
    return this.pool.alloc(n);
  }

  override write(values: backend_util.BackendValues, shape: number[], dtype: DataType): DataId {
    this.pool.retain(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: backend_util.BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.pool.retain(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  // DataStorage.get of an id this backend does not hold asks the engine to move the data here;
  // hence has() first, in these two hooks that only observe.
  override readSync(dataId: DataId): backend_util.BackendValues {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    if (values !== undefined) this.pool.escape(values);
    return super.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const released = super.disposeData(dataId, force);
    if (released && values !== undefined && !this.data.has(dataId)) this.pool.release(values);
    return released;
  }

  override dispose(): void {
    this.pool.clear();
    super.dispose();
  }
}
