// Micro benchmark: every convolution of the paper's 64x64x3 DCGAN (batch 128, ngf = ndf = 64) on
// the `native` backend, in each direction a training step runs it, as GFLOP/s.
//
//   npm run bench -w @dcgan-ts/native [-- --batch 128 --reps 3 --size 64 --channels 3 --bf16]
//
// Each layer is described by its equivalent forward convolution x [N,H,W,Ci] * f [k,k,Ci,Co]. A
// discriminator layer runs Conv2D forward and Conv2DBackpropInput + Conv2DBackpropFilter backward;
// a generator layer (conv2dTranspose) runs Conv2DBackpropInput forward and Conv2D +
// Conv2DBackpropFilter backward. All three cost 2*N*Ho*Wo*Co*k*k*Ci FLOP.
import * as tf from '@tensorflow/tfjs-core';

import { nativeBackendError, nativeInfo, setNativePrecision } from '../src/index.js';

interface Layer {
  name: string;
  net: 'G' | 'D';
  x: [number, number, number, number];
  f: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
}

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/** The paper's layers (4x4 kernels) as forward convolutions; G listed from z to image. */
function dcganLayers(n: number, size: number, nc: number, nz = 100, ngf = 64, ndf = 64): Layer[] {
  const blocks = Math.log2(size) - 2;  // 64 -> 4 stride-2 layers after the 4x4 projection
  const layers: Layer[] = [];
  let c = ngf * 2 ** (blocks - 1);
  // G projection: z [N,1,1,nz] -> [N,4,4,c], the adjoint of a 4x4 'valid' conv [N,4,4,c] -> [N,1,1,nz].
  layers.push({ name: `G ${nz}->${c} 1->4`, net: 'G', x: [n, 4, 4, c], f: [4, 4, c, nz], stride: 1, pad: 'valid' });
  let s = 4;
  for (let b = 0; b < blocks; b++) {
    const out = b === blocks - 1 ? nc : c / 2;
    // [N,s,s,c] -> [N,2s,2s,out]: adjoint of a stride-2 'same' conv [N,2s,2s,out] -> [N,s,s,c].
    layers.push({ name: `G ${c}->${out} ${s}->${2 * s}`, net: 'G', x: [n, 2 * s, 2 * s, out], f: [4, 4, out, c], stride: 2, pad: 'same' });
    c = out;
    s *= 2;
  }
  let cin = nc, cout = ndf;
  s = size;
  for (let b = 0; b < blocks; b++) {
    layers.push({ name: `D ${cin}->${cout} ${s}->${s / 2}`, net: 'D', x: [n, s, s, cin], f: [4, 4, cin, cout], stride: 2, pad: 'same' });
    cin = cout;
    cout *= 2;
    s /= 2;
  }
  layers.push({ name: `D ${cin}->1 4->1`, net: 'D', x: [n, 4, 4, cin], f: [4, 4, cin, 1], stride: 1, pad: 'valid' });
  return layers;
}

/** GFLOP/s of a square float32 matmul (oneDNN sgemm): the machine's practical peak, measured now. */
function sgemmPeak(reps: number): number {
  const n = 1536;
  const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
  const ms = time(reps, () => tf.matMul(a, b));
  tf.dispose([a, b]);
  return (2 * n ** 3) / ms / 1e6;
}

/** Median wall time (ms) of `reps` runs after one warm-up (which creates the oneDNN primitive). */
function time(reps: number, fn: () => tf.Tensor): number {
  fn().dispose();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    const y = fn();
    y.dataSync();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
    y.dispose();
  }
  return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]!;
}

function main(): void {
  const err = nativeBackendError();
  if (err !== null) {
    console.error(err);
    process.exit(1);
  }
  tf.setBackend('native');
  const precision = process.argv.includes('--bf16') ? 'bf16' : 'fp32';
  setNativePrecision(precision);
  const n = arg('batch', 128), reps = arg('reps', 3), size = arg('size', 64), nc = arg('channels', 3);
  const info = nativeInfo()!;
  console.log(`oneDNN ${info.onednn}, ${info.threads} threads, convolutions in ${precision}; DCGAN ${size}x${size}x${nc}, batch ${n}, median of ${reps}`);
  const peak = sgemmPeak(reps);
  console.log(`sgemm peak (1536^3 matmul): ${peak.toFixed(0)} GFLOP/s`);
  console.log('layer                     op                     ms     GFLOP/s  of peak');
  // Per net and direction: summed ms, to assemble a training step.
  const total = { G: { fwd: 0, bwd: 0 }, D: { fwd: 0, bwd: 0 } };
  let flopAll = 0, msAll = 0;
  for (const l of dcganLayers(n, size, nc)) {
    const x = tf.randomNormal(l.x) as tf.Tensor4D;
    const f = tf.mul(tf.randomNormal(l.f), 0.05) as tf.Tensor4D;
    const y = tf.conv2d(x, f, l.stride, l.pad);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const flop = 2 * y.size * l.f[0] * l.f[1] * l.f[2];
    const ops: [string, () => tf.Tensor][] = [
      ['Conv2D', () => tf.conv2d(x, f, l.stride, l.pad)],
      ['Conv2DBackpropInput', () => tf.conv2dTranspose(dy, f, l.x, l.stride, l.pad)],
      ['Conv2DBackpropFilter', () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
        { strides: l.stride, pad: l.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: l.f } as never) as tf.Tensor],
    ];
    for (const [op, fn] of ops) {
      const ms = time(reps, fn);
      // The layer's own forward is Conv2D for D, Conv2DBackpropInput for G.
      const isFwd = (l.net === 'D') === (op === 'Conv2D');
      total[l.net][isFwd ? 'fwd' : 'bwd'] += ms;
      flopAll += flop;
      msAll += ms;
      const gflops = flop / ms / 1e6;
      console.log(`${l.name.padEnd(26)}${op.padEnd(21)}${ms.toFixed(1).padStart(8)}${gflops.toFixed(0).padStart(10)}` +
        `${(100 * gflops / peak).toFixed(0).padStart(8)}%`);
    }
    tf.dispose([x, f, y, dy]);
  }
  // A training step (dcgan_flops.py): D on real and fake (fwd + bwd each), G fwd, then for G's
  // update D fwd + bwd again and G bwd.
  const stepMs = 3 * (total.D.fwd + total.D.bwd) + total.G.fwd + total.G.bwd;
  const all = flopAll / msAll / 1e6;
  console.log(`all layers, all directions: ${all.toFixed(0)} GFLOP/s (${(100 * all / peak).toFixed(0)}% of sgemm)`);
  console.log(`convolutions of one training step: ${(stepMs / 1000).toFixed(3)} s -> bound ${(n / (stepMs / 1000)).toFixed(0)} img/s; ` +
    `sampling (G forward): ${(n / (total.G.fwd / 1000)).toFixed(0)} img/s`);
}

main();
