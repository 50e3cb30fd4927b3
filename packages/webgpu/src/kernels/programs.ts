// The two shapes of WGSL program the fused kernels are made of, in the manner of tfjs-backend-webgpu's own
// programs (UnaryOpProgram, ReduceProgram): TF.js declares the bindings (one read-only array per variable name,
// named as given, and `result`), the uniforms (`uniforms.size` and those listed here) and the entry point, which
// calls `main(index)` once per invocation with its global index.
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';

/**
 * An elementwise program over a tensor whose last dim is the channel: `body` is WGSL that reads the inputs at
 * `index` (and per-channel [C] inputs at `c = index % uniforms.channels`) and ends with `setOutputAtIndex(index, v)`.
 */
export class ElementwiseProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [128, 1, 1];
  readonly size = true;
  readonly uniforms: string;

  constructor(key: string, outputShape: number[], variableNames: string[], uniforms: string, private readonly body: string) {
    this.shaderKey = key;
    this.outputShape = outputShape;
    this.variableNames = variableNames;
    this.uniforms = `channels : i32, ${uniforms}`;
    this.dispatchLayout = webgpu_util.flatDispatchLayout(outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, outputShape, this.workgroupSize);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let c = index % uniforms.channels;
          ${this.body}
        }
      }`;
  }
}

/**
 * A sum per channel of an (M, C) tensor (NHWC flattened: M = N H W rows): one workgroup per channel, each thread
 * summing a strided slice of the rows, then a tree reduction in workgroup memory. `term` is WGSL giving row `k`'s
 * term from the inputs at `k * uniforms.channels + c` (and per-channel inputs at `c`); `scale` multiplies the sum.
 */
export class ChannelSumProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly size = true;
  readonly uniforms: string;

  constructor(key: string, rows: number, channels: number, variableNames: string[], uniforms: string, private readonly term: string) {
    // Wider workgroups for longer columns, as ReduceProgram chooses.
    this.workgroupSize = [rows >= 4096 ? 256 : 64, 1, 1];
    this.shaderKey = `${key}_${this.workgroupSize[0]}`;
    this.outputShape = [channels];
    this.variableNames = variableNames;
    this.uniforms = `rows : i32, channels : i32, scale : f32, ${uniforms}`;
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    // One workgroup per output value.
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, [1, 1, 1]);
  }

  getUserCode(): string {
    const wg = this.workgroupSize[0];
    return `
      var<workgroup> partial : array<f32, ${wg}>;
      fn main(index : i32) {
        let c = index / ${wg};
        var sum = 0.0;
        if (c < uniforms.size) {
          for (var k = i32(localId.x); k < uniforms.rows; k = k + ${wg}) {
            let i = k * uniforms.channels + c;
            sum = sum + (${this.term});
          }
        }
        partial[localId.x] = sum;
        workgroupBarrier();
        for (var stride = ${wg / 2}u; stride > 0u; stride = stride / 2u) {
          if (localId.x < stride) {
            partial[localId.x] = partial[localId.x] + partial[localId.x + stride];
          }
          workgroupBarrier();
        }
        if (localId.x == 0u && c < uniforms.size) {
          setOutputAtIndex(c, partial[0] * uniforms.scale);
        }
      }`;
  }
}

/** The WebGPU backend's kernel arguments (its class is typed loosely here: only runWebGPUProgram is used). */
export interface WebgpuBackendLike {
  runWebGPUProgram(
    program: WebGPUProgram,
    inputs: import('@tensorflow/tfjs-core').TensorInfo[],
    dtype: 'float32',
    uniforms?: { type: 'float32' | 'int32'; data: number[] }[],
  ): import('@tensorflow/tfjs-core').TensorInfo;
}
