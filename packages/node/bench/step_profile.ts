// Profiles one training step of the paper's DCGAN as dcgan-ts trains it (packages/core's DcganTrainer: its models
// with the fused batch-norm layer, its Adam, D on a real and a fake batch then G through the updated D) on `native`:
// time per kernel, and which kernels ran in JS.
//
//   npm run bench:step -w @dcgan-ts/node [-- --size 64 --channels 3 --batch 128 --ngf 64 --ndf 64 --bf16]
//
// A kernel "runs in JS" when `native` has no implementation of it (the mirrored cpu kernel) or its
// native implementation handed the call to cpu (nativeStats().fallbacks).
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, DcganTrainer, Uint8ImageDataset } from '@dcgan-ts/core';

import { NATIVE_KERNELS, nativeBackendError, nativeInfo, nativePrecision, nativeStats, setNativePrecision } from '@dcgan-ts/native';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const size = arg('size', 64), nc = arg('channels', 3), batch = arg('batch', 128);
const ngf = arg('ngf', 64), ndf = arg('ndf', 64);

async function main(): Promise<void> {
  const err = nativeBackendError();
  if (err !== null) {
    console.error(err);
    process.exit(1);
  }
  tf.env().set('PROD', true);
  await tf.setBackend('native');
  if (process.argv.includes('--bf16')) setNativePrecision('bf16');
  const config = { ...DEFAULT_MODEL_CONFIG, ...DEFAULT_TRAINING_CONFIG, imageSize: size, channels: nc, ngf, ndf, batchSize: batch, steps: 3, seed: 0 };
  const pixels = new Uint8Array(2 * batch * size * size * nc).map((_, i) => (i * 2654435761) >>> 24); // any images will do
  const trainer = DcganTrainer.create(config, new Uint8ImageDataset('bench', { pixels, height: size, width: size, channels: nc }, size, nc));
  const step = () => { trainer.trainStep(); };

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
    // Op scopes and custom-gradient ops (named after their scope) wrap kernels, which are counted themselves.
    if (tf.getKernel(k.name, 'native') === undefined) continue;
    const e = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel.set(k.name, e);
  }
  const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
  const info = nativeInfo()!;
  console.log(`DCGAN ${size}x${size}x${nc}, batch ${batch}, ngf ${ngf}, ndf ${ndf}; oneDNN ${info.onednn}, ${info.threads} threads, convolutions in ${nativePrecision()}`);
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
