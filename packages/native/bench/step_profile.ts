// Profiles one training step of the paper's DCGAN, built from tfjs-layers as a user would (conv2d /
// conv2dTranspose without bias, BatchNormalization, ReLU / LeakyReLU 0.2 / tanh, sigmoid
// cross-entropy, tf.train.adam), on `native`: time per kernel, and which kernels ran in JS.
//
//   npm run bench:step -w @dcgan-ts/native [-- --size 64 --channels 3 --batch 128 --ngf 64 --ndf 64]
//
// A kernel "runs in JS" when `native` has no implementation of it (the mirrored cpu kernel) or its
// native implementation handed the call to cpu (nativeStats().fallbacks).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { NATIVE_KERNELS, nativeBackendError, nativeInfo, nativeStats } from '../src/index.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const size = arg('size', 64), nc = arg('channels', 3), batch = arg('batch', 128);
const ngf = arg('ngf', 64), ndf = arg('ndf', 64), nz = 100;
const blocks = Math.log2(size) - 2;

function generator(): tfl.Sequential {
  const g = tfl.sequential();
  let c = ngf * 2 ** (blocks - 1);
  // (N, 1, 1, nz) -> (N, 4, 4, ngf * 2^(blocks-1)) -> ... -> (N, size, size, nc)
  g.add(tfl.layers.conv2dTranspose({ inputShape: [1, 1, nz], filters: c, kernelSize: 4, strides: 1, padding: 'valid', useBias: false }));
  g.add(tfl.layers.batchNormalization());
  g.add(tfl.layers.reLU());
  for (let b = 1; b < blocks; b++) {
    c /= 2;
    g.add(tfl.layers.conv2dTranspose({ filters: c, kernelSize: 4, strides: 2, padding: 'same', useBias: false }));
    g.add(tfl.layers.batchNormalization());
    g.add(tfl.layers.reLU());
  }
  g.add(tfl.layers.conv2dTranspose({ filters: nc, kernelSize: 4, strides: 2, padding: 'same', useBias: false }));
  g.add(tfl.layers.activation({ activation: 'tanh' }));
  return g;
}

function discriminator(): tfl.Sequential {
  const d = tfl.sequential();
  // (N, size, size, nc) -> (N, size/2, size/2, ndf) -> ... -> (N, 4, 4, ndf * 2^(blocks-1)) -> (N, 1)
  d.add(tfl.layers.conv2d({ inputShape: [size, size, nc], filters: ndf, kernelSize: 4, strides: 2, padding: 'same', useBias: false }));
  d.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
  let c = ndf;
  for (let b = 1; b < blocks; b++) {
    c *= 2;
    d.add(tfl.layers.conv2d({ filters: c, kernelSize: 4, strides: 2, padding: 'same', useBias: false }));
    d.add(tfl.layers.batchNormalization());
    d.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
  }
  d.add(tfl.layers.conv2d({ filters: 1, kernelSize: 4, strides: 1, padding: 'valid', useBias: false }));
  d.add(tfl.layers.flatten());
  return d;
}

async function main(): Promise<void> {
  const err = nativeBackendError();
  if (err !== null) {
    console.error(err);
    process.exit(1);
  }
  await tf.setBackend('native');
  const g = generator(), d = discriminator();
  const optG = tf.train.adam(2e-4, 0.5), optD = tf.train.adam(2e-4, 0.5);
  const gVars = g.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = d.trainableWeights.map((w) => w.read() as tf.Variable);
  const real = tf.randomUniform([batch, size, size, nc], -1, 1);
  const bce = (logits: tf.Tensor, label: number) => tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, label), logits);

  const step = () => tf.tidy(() => {
    const z = tf.randomNormal([batch, 1, 1, nz]);
    const fake = g.apply(z, { training: true }) as tf.Tensor;
    optD.minimize(() => tf.add(bce(d.apply(real, { training: true }) as tf.Tensor, 1),
      bce(d.apply(fake, { training: true }) as tf.Tensor, 0)) as tf.Scalar, false, dVars);
    optG.minimize(() => bce(d.apply(g.apply(z, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor, 1) as tf.Scalar,
      false, gVars);
  });

  step();  // warm-up: oneDNN primitives, pool
  const t0 = performance.now();
  step();
  const stepMs = performance.now() - t0;
  nativeStats(true);
  const profile = await tf.profile(step);
  const stats = nativeStats()!;

  const native = new Set(NATIVE_KERNELS.map((k) => k.kernelName));
  const byKernel = new Map<string, { calls: number; ms: number }>();
  for (const k of profile.kernels) {
    if (k.name.endsWith('__op')) continue;  // op scopes wrap their kernels: counted there
    const e = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel.set(k.name, e);
  }
  const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
  const info = nativeInfo()!;
  console.log(`DCGAN ${size}x${size}x${nc}, batch ${batch}, ngf ${ngf}, ndf ${ndf}; oneDNN ${info.onednn}, ${info.threads} threads`);
  console.log(`step: ${stepMs.toFixed(0)} ms = ${(batch / (stepMs / 1000)).toFixed(1)} img/s; kernels in the profiled step: ${total.toFixed(0)} ms`);
  console.log('kernel                    calls        ms  share  where');
  let jsMs = 0, jsMax = 0;
  for (const [name, e] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
    const js = !native.has(name) || (stats.fallbacks[name] ?? 0) > 0;
    if (js) {
      jsMs += e.ms;
      jsMax = Math.max(jsMax, e.ms / total);
    }
    if (e.ms / total >= 0.002 || js) {
      console.log(`${name.padEnd(24)}${String(e.calls).padStart(7)}${e.ms.toFixed(1).padStart(10)}${(100 * e.ms / total).toFixed(1).padStart(6)}%  ${js ? 'JS' : 'native'}`);
    }
  }
  console.log(`in JS: ${(100 * jsMs / total).toFixed(1)}% of kernel time; largest JS kernel ${(100 * jsMax).toFixed(1)}%`);
  console.log(`pool: ${stats.pool!.hits} hits, ${stats.pool!.misses} misses; fallbacks: ${JSON.stringify(stats.fallbacks)}`);
}

await main();
