// The training step on TF.js's webgpu backend (Dawn), with packages/webgpu's WGSL kernels for the fused ops and
// without them (TF.js's composites), side by side in one process: GPU dispatches per step and time per step.
//
//   npm run bench:webgpu -w @dcgan-ts/node [-- --size 32 --channels 1 --batch 128 --ngf 64 --ndf 64 --steps 5]
//
// Without a GPU, set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (SwiftShader: a CPU emulating a
// GPU; the ratio of dispatches carries over to a GPU, the times do not).
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, DcganTrainer, Uint8ImageDataset } from '@dcgan-ts/core';
import { WEBGPU_KERNELS } from '@dcgan-ts/webgpu';
import { describeBackend, selectBackend } from '../src/backend.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const size = arg('size', 32), nc = arg('channels', 1), batch = arg('batch', 128);
const ngf = arg('ngf', 64), ndf = arg('ndf', 64), steps = arg('steps', 5);

interface Measured { dispatches: number; msPerStep: number }

async function measure(): Promise<Measured> {
  const config = { ...DEFAULT_MODEL_CONFIG, ...DEFAULT_TRAINING_CONFIG, imageSize: size, channels: nc, ngf, ndf, batchSize: batch, steps: 3, seed: 0 };
  const pixels = new Uint8Array(2 * batch * size * size * nc).map((_, i) => (i * 2654435761) >>> 24); // any images will do
  const trainer = DcganTrainer.create(config, new Uint8ImageDataset('bench', { pixels, height: size, width: size, channels: nc }, size, nc));
  await trainer.trainStepAsync(); // warm-up: shader compilation
  const profile = await tf.profile(async () => {
    await trainer.trainStepAsync();
  });
  // Op scopes and custom-gradient ops (named after their scope) wrap kernels, which are counted themselves.
  const dispatches = profile.kernels.filter((k) => tf.getKernel(k.name, 'webgpu') !== undefined).length;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    await trainer.trainStepAsync(); // reads the losses back: the step's work is done
    times.push(performance.now() - t);
  }
  trainer.dispose();
  times.sort((a, b) => a - b);
  return { dispatches, msPerStep: times[Math.floor(times.length / 2)]! };
}

const backend = await selectBackend('webgpu');
console.log(`DCGAN ${size}x${size}x${nc}, batch ${batch}, ngf ${ngf}, ndf ${ndf}; ${describeBackend(backend)}; median of ${steps} steps`);
const fused = await measure();
for (const k of WEBGPU_KERNELS) tf.unregisterKernel(k.kernelName, 'webgpu');
const composite = await measure();
for (const [name, m] of [['WGSL fused kernels', fused], ["TF.js's composites", composite]] as const) {
  console.log(`${name.padEnd(20)} ${String(m.dispatches).padStart(5)} kernels/step  ${m.msPerStep.toFixed(0).padStart(7)} ms/step  ${(batch / (m.msPerStep / 1000)).toFixed(1)} img/s`);
}
console.log(`fused / composite: kernels x${(fused.dispatches / composite.dispatches).toFixed(2)}, time x${(fused.msPerStep / composite.msPerStep).toFixed(2)}`);
