// Tile: x repeated reps[d] times along each dim (float32; csrc/tile.cc). TF.js's batch-norm
// gradient tiles per-channel statistics to the full activation shape through this.
import { Tile } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, TileAttrs } from '@tensorflow/tfjs-core';

import { cpuFallback, f32, output, sizeOf, type NativeKernelArgs } from './kernel_util.js';

export function tile(args: NativeKernelArgs): TensorInfo {
  const { backend } = args;
  const { x } = args.inputs as { x: TensorInfo };
  const { reps } = args.attrs as unknown as TileAttrs;
  const xv = f32(backend, x);
  if (xv === null || x.shape.length === 0 || reps.length !== x.shape.length) return cpuFallback(Tile, args) as TensorInfo;
  const outShape = x.shape.map((d, i) => d * reps[i]!);
  const out = backend.alloc(sizeOf(outShape));
  if (out.length > 0) backend.addon.tile(xv, x.shape, reps, out);
  return output(backend, outShape, out);
}

export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'native',
  kernelFunc: tile as unknown as KernelFunc,
};
