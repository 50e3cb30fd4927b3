import * as tf from '@tensorflow/tfjs-core';
import {
  DcganError,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  DcganTrainer,
  fakeDataset,
  generate,
  latentsForSeeds,
  seedRange,
} from '@dcgan-ts/core';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `dcgan bench`: the paper's DCGAN (ngf = ndf = 64, batch 128) trained and sampled on the active backend, beside
 * PyTorch on the same CPU in the same run. Work per training image: 2 x the multiply-adds of every convolution
 * (forward, backward-data, backward-weights), layer by layer.
 */
export interface BenchCase {
  imageSize: number;
  channels: number;
  /** GFLOP of one training image (D on real and fake, G through D, forward and backward). */
  gflopPerImage: number;
}

/** The shapes `dcgan bench` measures: MNIST-like 32x32x1 and the paper's 64x64x3. */
export const BENCH_CASES: BenchCase[] = [
  { imageSize: 32, channels: 1, gflopPerImage: 0.41 },
  { imageSize: 64, channels: 3, gflopPerImage: 2.5 },
];

/** The case of `size`, or the one-line refusal naming the sizes there are. */
export function caseForSize(size: number): BenchCase {
  const c = BENCH_CASES.find((b) => b.imageSize === size);
  if (!c) throw new DcganError(`--sizes: the benchmark runs ${BENCH_CASES.map((b) => b.imageSize).join(' and ')}, not ${size}`);
  return c;
}

export const BENCH_BATCH = 128;

/** dcgan-ts on one case: training and sampling throughput (images/s) and the process's peak RSS (MB). */
export interface OurMeasurement {
  trainImgPerSec: number;
  sampleImgPerSec: number;
  peakRssMb: number;
}

/**
 * Trains `steps` steps after `warmup` ones on random images of the case's shape, then samples as many batches.
 * Reads back asynchronously, as GPU backends need (on native and cpu the reads are synchronous underneath).
 */
export async function measureOurs(c: BenchCase, steps: number, warmup = 1): Promise<OurMeasurement> {
  const config = {
    ...DEFAULT_MODEL_CONFIG,
    ...DEFAULT_TRAINING_CONFIG,
    imageSize: c.imageSize,
    channels: c.channels,
    batchSize: BENCH_BATCH,
    steps: warmup + steps,
    seed: 0,
  };
  const trainer = DcganTrainer.create(config, fakeDataset(c.imageSize, c.channels, 2 * BENCH_BATCH));
  for (let i = 0; i < warmup; i++) await trainer.trainStepAsync();
  let t = performance.now();
  for (let i = 0; i < steps; i++) await trainer.trainStepAsync(); // each step reads its losses back, so the work is done
  const trainImgPerSec = (steps * BENCH_BATCH) / ((performance.now() - t) / 1000);
  const latents = latentsForSeeds(seedRange(0, BENCH_BATCH), config.nz, config.z);
  const sampleOnce = async () => {
    const images = generate(trainer.generator, latents, config.nz, BENCH_BATCH);
    await images.data();
    images.dispose();
  };
  await sampleOnce(); // warm-up
  t = performance.now();
  for (let i = 0; i < steps; i++) await sampleOnce();
  const sampleImgPerSec = (steps * BENCH_BATCH) / ((performance.now() - t) / 1000);
  trainer.dispose();
  return { trainImgPerSec, sampleImgPerSec, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** GFLOP/s of a 1024^3 float32 matrix product on the active backend: the peak the step's GFLOP/s is compared with. */
export async function measureSgemmPeak(repeats = 5): Promise<number> {
  const n = 1024;
  const [a, b] = [tf.randomNormal([n, n]), tf.randomNormal([n, n])];
  const once = async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  };
  await once(); // warm-up
  const t = performance.now();
  for (let i = 0; i < repeats; i++) await once();
  const seconds = (performance.now() - t) / 1000;
  tf.dispose([a, b]);
  return (2 * n ** 3 * repeats) / seconds / 1e9;
}

/**
 * PyTorch on the same case: its version and threads, training and sampling throughput (images/s), and its process's
 * peak RSS (MB).
 */
export interface TorchMeasurement {
  version: string;
  /** How PyTorch ran (torch_reference.py --mode): NCHW fp32, channels_last fp32, or bf16 autocast on channels_last. */
  mode: TorchMode;
  threads: number;
  trainImgPerSec: number;
  sampleImgPerSec: number;
  peakRssMb: number;
}

const TORCH_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench/torch_reference.py');
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Why PyTorch cannot run here, or null when `import torch` works with the system Python. */
export function torchUnavailable(): string | null {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return `${SYSTEM_PYTHON} not found`;
  return r.status === 0 ? null : 'PyTorch is not installed (apt-get install -y python3-torch)';
}

/** PyTorch's CPU modes a user would try; the bench divides by the fastest. */
export const TORCH_MODES = ['default', 'channels_last', 'bf16'] as const;
/** One of PyTorch's CPU modes. */
export type TorchMode = (typeof TORCH_MODES)[number];

/** PyTorch on the same networks and step in `mode`, in a process of its own. */
export function measureTorch(c: BenchCase, steps: number, threads: number, mode: TorchMode = 'default'): TorchMeasurement {
  const args = [TORCH_SCRIPT, '--size', String(c.imageSize), '--channels', String(c.channels), '--batch', String(BENCH_BATCH), '--steps', String(steps), '--threads', String(threads), '--mode', mode];
  const r = spawnSync(SYSTEM_PYTHON, args, { encoding: 'utf8' });
  const line = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !line) throw new DcganError(`PyTorch (${mode}) failed: ${(r.stderr ?? '').trim().split('\n').pop()}`);
  const j = JSON.parse(line) as { version: string; threads: number; train_img_per_s: number; sample_img_per_s: number; peak_rss_mb: number };
  return { version: j.version, mode, threads: j.threads, trainImgPerSec: j.train_img_per_s, sampleImgPerSec: j.sample_img_per_s, peakRssMb: j.peak_rss_mb };
}
