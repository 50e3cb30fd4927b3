// The DCGAN step on TF.js's webgpu backend (Dawn in Node) against the same step on `cpu`, the tensor count over a
// long run, and `--backend webgpu` / `auto` at the CLI. Without a GPU, Dawn runs on SwiftShader (Debian's chromium
// package ships the driver): these tests set it up and FAIL, never skip, where Dawn finds no adapter at all.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import {
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  DcganTrainer,
  type DcganConfig,
  FUSED_ADAM_KERNEL,
  FUSED_BATCH_NORM_TRAINING_GRAD_KERNEL,
  FUSED_BATCH_NORM_TRAINING_KERNEL,
  FUSED_RELU_GRAD_FROM_OUTPUT_KERNEL,
  type StepMetrics,
  latentsForSeeds,
  runTrainingLoop,
  seedRange,
} from '@dcgan-ts/core';
import { SWIFTSHADER_ICD, findWebgpuAdapter } from '../src/webgpu.js';
import { linuxHasGpuDevice, selectBackend } from '../src/backend.js';
import { randomImages16 } from './backends.js';
import { FIXTURES, dcgan, tempDir } from './cli.js';

/** Why the no-GPU-device test cannot run here (not Linux, or a GPU device present), else false. */
function gpuDeviceHere(): string | false {
  if (process.platform !== 'linux') return 'not Linux';
  return linuxHasGpuDevice() ? 'this machine has a GPU device' : false;
}

// Dawn reads the Vulkan driver list when it starts: before the first findWebgpuAdapter.
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const ENV = { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '' };

const found = await findWebgpuAdapter();
if (typeof found === 'string') {
  throw new Error(`WebGPU tests need an adapter (apt-get install -y chromium libvulkan1 gives SwiftShader): ${found}`);
}

const config: DcganConfig = {
  ...DEFAULT_MODEL_CONFIG,
  ...DEFAULT_TRAINING_CONFIG,
  imageSize: 16, channels: 3, nz: 10, ngf: 8, ndf: 8, batchSize: 6, steps: 2, seed: 5,
};

const dataset = () => randomImages16(9);

interface Trained { metrics: StepMetrics[]; weights: Map<string, Float32Array>; kernels: Set<string> }

async function trainOn(backend: 'webgpu' | 'cpu'): Promise<Trained> {
  await selectBackend(backend);
  assert.equal(tf.getBackend(), backend);
  const trainer = DcganTrainer.create(config, dataset());
  const metrics: StepMetrics[] = [];
  const profile = await tf.profile(async () => {
    metrics.push(await trainer.trainStepAsync());
  });
  metrics.push(await trainer.trainStepAsync());
  const all = [...trainer.generator.weights, ...trainer.discriminator.weights];
  const weights = new Map<string, Float32Array>();
  for (const w of all) weights.set(w.originalName, ((await w.read().data()) as Float32Array).slice());
  trainer.dispose();
  return { metrics, weights, kernels: new Set(profile.kernels.map((k) => k.name)) };
}

describe('the DcganTrainer step on webgpu', () => {
  test('matches cpu: losses, weights and running statistics after two steps', async () => {
    const gpu = await trainOn('webgpu');
    const cpu = await trainOn('cpu');
    // packages/webgpu's WGSL kernels ran (cpu has none of them: it takes TF.js's composites).
    for (const kernel of [FUSED_ADAM_KERNEL, FUSED_BATCH_NORM_TRAINING_KERNEL, FUSED_BATCH_NORM_TRAINING_GRAD_KERNEL, FUSED_RELU_GRAD_FROM_OUTPUT_KERNEL]) {
      assert.ok(gpu.kernels.has(kernel), `${kernel} did not run on webgpu`);
      assert.ok(!cpu.kernels.has(kernel), `${kernel} ran on cpu`);
    }
    gpu.metrics.forEach((m, s) => {
      for (const k of Object.keys(m) as (keyof StepMetrics)[]) {
        assert.ok(Math.abs(m[k] - cpu.metrics[s]![k]) < 1e-4, `step ${s + 1} ${k}: webgpu ${m[k]} vs cpu ${cpu.metrics[s]![k]}`);
      }
    });
    assert.deepEqual([...gpu.weights.keys()], [...cpu.weights.keys()]);
    assert.ok([...gpu.weights.keys()].some((n) => n.includes('moving_variance')));
    for (const [name, w] of gpu.weights) {
      const ref = cpu.weights.get(name)!;
      // Adam's first steps move each weight by ~lr (2e-4) whatever the gradient's size: compare on that scale.
      const worst = w.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0);
      assert.ok(worst < 2e-5, `${name}: max |webgpu - cpu| ${worst}`);
    }
  });

  test('keeps the tensor count flat over 200 steps of the loop (logs, sample grids, checkpoint reads)', async () => {
    await selectBackend('webgpu');
    const long = { ...config, steps: 210, logEvery: 10, sampleEvery: 50, checkpointEvery: 100, sampleCount: 4 };
    const trainer = DcganTrainer.create(long, dataset());
    const counts: number[] = [];
    await runTrainingLoop(trainer, latentsForSeeds(seedRange(0, 4), long.nz, long.z), {
      onLog: () => {
        counts.push(tf.memory().numTensors);
      },
      onSample: async (_step, images) => {
        await images.data();
      },
      onCheckpoint: async (t) => {
        await t.state();
      },
    });
    trainer.dispose();
    assert.equal(counts.length, 21);
    // The first log line comes after the first steps have created every lazily made tensor.
    assert.deepEqual(counts.slice(1), counts.slice(1).map(() => counts[1]), `tensor counts per log line: ${counts.join(' ')}`);
  });
});

describe('--backend webgpu at the CLI', () => {
  const train = ['train', '--dataset', 'fake', '--image-size', '16', '--ngf', '8', '--ndf', '8', '--batch-size', '8', '--steps', '4', '--seed', '2'];

  test('trains, records the adapter in config.json, and samples from the checkpoint on webgpu', () => {
    const cwd = tempDir();
    const r = dcgan([...train, '--backend', 'webgpu', '--out', 'run'], { cwd, env: ENV });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /dcgan: backend webgpu on \S+/);
    const recorded = JSON.parse(readFileSync(path.join(cwd, 'run', 'config.json'), 'utf8')) as { backend: string; adapter: { vendor: string; software: boolean } };
    assert.equal(recorded.backend, 'webgpu');
    assert.equal(typeof recorded.adapter.vendor, 'string');
    assert.equal(recorded.adapter.software, found.info.software);
    const s = dcgan(['sample', '--checkpoint', 'run', '--n', '4', '--backend', 'webgpu', '--out', 'grid.png'], { cwd, env: ENV });
    assert.equal(s.code, 0, s.stderr);
    assert.ok(existsSync(path.join(cwd, 'grid.png')));
  });

  test('without an adapter: webgpu fails in one line naming the fix, auto trains on the CPU and says why', () => {
    const cwd = tempDir();
    const none = { VK_ICD_FILENAMES: path.join(cwd, 'no-such-driver.json') };
    const r = dcgan([...train, '--backend', 'webgpu', '--out', 'a'], { cwd, env: none });
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('dcgan'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^dcgan: error: --backend webgpu: Dawn found no WebGPU adapter: .*VK_ICD_FILENAMES/);
    assert.ok(!existsSync(path.join(cwd, 'a', 'log.jsonl')), 'a refused run wrote a log');

    const auto = dcgan([...train, '--out', 'b'], { cwd, env: none });
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stderr, /dcgan: (backend native|using the slow cpu backend).*no GPU for webgpu \(Dawn found no WebGPU adapter/);
    const recorded = JSON.parse(readFileSync(path.join(cwd, 'b', 'config.json'), 'utf8')) as { backend: string };
    assert.notEqual(recorded.backend, 'webgpu');
  });

  test('without the optional package: webgpu fails in one line naming the install, auto still trains', () => {
    const cwd = tempDir();
    const hook = path.join(FIXTURES, 'without-packages.mjs');
    const env = { ...ENV, NODE_OPTIONS: `--import=${pathToFileURL(hook).href}`, DCGAN_TEST_WITHOUT: 'webgpu' };
    const r = dcgan([...train, '--backend', 'webgpu', '--out', 'a'], { cwd, env });
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^dcgan: error: --backend webgpu: the optional package webgpu \(Dawn for Node\) is not installed .*npm install webgpu/);
    const auto = dcgan([...train, '--out', 'b'], { cwd, env });
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stderr, /no GPU for webgpu \(the optional package webgpu/);
  });

  test('auto on a Linux machine without a GPU device does not load Dawn: one line of its own, no driver noise', { skip: gpuDeviceHere() }, () => {
    const cwd = tempDir();
    const env: Record<string, string> = { VK_ICD_FILENAMES: '', VK_DRIVER_FILES: '' };
    const auto = dcgan(['sample', '--checkpoint', 'nowhere'], { cwd, env });
    assert.equal(auto.stderr, 'dcgan: error: no checkpoint at nowhere: no such file or directory\n');
    const trained = dcgan([...train, '--out', 'd'], { cwd, env });
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stderr, /no GPU for webgpu \(this machine has no GPU device/);
    assert.deepEqual(trained.stderr.trim().split('\n').filter((l) => !l.startsWith('dcgan: ')), [], 'only dcgan\'s own lines');
  });

  test('a GPU device is a DRM render node, any /dev/nvidiaN or /dev/dxg; nothing else counts', { skip: process.platform !== 'linux' && 'not Linux' }, () => {
    const devices = (names: string[], dri: string[] = []) => {
      const dir = tempDir();
      for (const n of names) writeFileSync(path.join(dir, n), '');
      mkdirSync(path.join(dir, 'dri'));
      for (const n of dri) writeFileSync(path.join(dir, 'dri', n), '');
      return linuxHasGpuDevice(dir);
    };
    assert.equal(devices(['null', 'nvidiactl', 'nvidia-uvm']), false);
    assert.equal(devices([], ['card0']), false);
    assert.equal(devices([], ['card0', 'renderD128']), true);
    assert.equal(devices(['nvidiactl', 'nvidia1']), true, 'a container given GPU 1 alone');
    assert.equal(devices(['dxg']), true);
  });

  test('auto leaves a software adapter alone', () => {
    if (!found.info.software) return; // on a machine with a GPU, auto rightly takes it
    const cwd = tempDir();
    const auto = dcgan([...train, '--out', 'c'], { cwd, env: ENV });
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stderr, /no GPU for webgpu \(WebGPU's only adapter is .*software.*which auto leaves alone/);
  });
});
