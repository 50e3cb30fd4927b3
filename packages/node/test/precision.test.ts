// --precision bf16: packages/core's DcganTrainer with bf16 convolutions against fp32 on native (same seed and data),
// bit-reproducible; and through the CLI: exact resume, float32 checkpoints, sampling, and one line where bf16 cannot
// run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, DcganTrainer, type DcganConfig, type StepMetrics } from '@dcgan-ts/core';

import { nativeModule, nativeSkip, randomImages16 } from './backends.js';
import { dcgan, tempDir } from './cli.js';
import { decodePng } from '../src/index.js';

const isa = nativeModule?.nativeBf16Isa() ?? null;
const noBf16 = nativeSkip ?? (isa === null ? 'this CPU has no bf16 instructions (AVX512-BF16 or AMX-BF16)' : undefined);

// 16x16x3 with 64 channels: the convolutions take both bf16 paths (conv_gemm.cc: 4x4 and 8x8 outputs with 64
// channels go through the GEMM, the image layers' input gradient too; the rest through oneDNN's direct kernels).
const config: DcganConfig = {
  ...DEFAULT_MODEL_CONFIG,
  ...DEFAULT_TRAINING_CONFIG,
  imageSize: 16, channels: 3, nz: 16, ngf: 64, ndf: 64, batchSize: 6, steps: 3, seed: 7,
};

const dataset = () => randomImages16(3);

interface Trained { metrics: StepMetrics[]; weights: Map<string, Float32Array>; initial: Map<string, Float32Array> }

function snapshot(t: DcganTrainer): Map<string, Float32Array> {
  const all = [...t.generator.weights, ...t.discriminator.weights];
  return new Map(all.map((w) => [w.originalName, (w.read().dataSync() as Float32Array).slice()]));
}

async function trainIn(precision: 'fp32' | 'bf16', steps = 3): Promise<Trained> {
  await tf.setBackend('native');
  nativeModule!.setNativePrecision(precision);
  try {
    const trainer = DcganTrainer.create(config, dataset());
    const initial = snapshot(trainer);
    const metrics: StepMetrics[] = [];
    for (let s = 0; s < steps; s++) metrics.push(trainer.trainStep());
    const weights = snapshot(trainer);
    trainer.dispose();
    return { metrics, weights, initial };
  } finally {
    nativeModule!.setNativePrecision('fp32');
  }
}

describe('bf16 training on native', { skip: noBf16 }, () => {
  test('follows fp32: the same losses to 2%, and the first update moves >= 95% of weights the same way', async () => {
    const fp32 = await trainIn('fp32', 1);
    const bf16 = await trainIn('bf16', 1);
    const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-3);
    for (const k of ['lossD', 'lossG', 'dx', 'dgz1', 'dgz2'] as const) {
      assert.ok(relative(bf16.metrics[0]![k], fp32.metrics[0]![k]) < 0.02, `${k}: bf16 ${bf16.metrics[0]![k]} vs fp32 ${fp32.metrics[0]![k]}`);
    }
    let same = 0, moved = 0, differs = false;
    for (const [name, w] of fp32.weights) {
      if (name.includes('moving_')) continue;
      const w0 = fp32.initial.get(name)!, b = bf16.weights.get(name)!;
      assert.deepEqual(bf16.initial.get(name), w0, `${name}: the same initial weights`);
      for (let i = 0; i < w.length; i++) {
        const step = w[i]! - w0[i]!, stepBf16 = b[i]! - w0[i]!;
        if (step === 0) continue;
        moved++;
        if (Math.sign(step) === Math.sign(stepBf16)) same++;
        if (b[i] !== w[i]) differs = true;
      }
    }
    assert.ok(differs, 'bf16 gave fp32 bits: the precision did not reach the convolutions');
    assert.ok(same / moved >= 0.95, `only ${((100 * same) / moved).toFixed(1)}% of ${moved} weight updates agree in sign`);
  });

  test('is deterministic: the same seed twice gives the same bits', async () => {
    const first = await trainIn('bf16');
    const second = await trainIn('bf16');
    assert.deepEqual(second.metrics, first.metrics);
    for (const [name, w] of first.weights) assert.deepEqual(new Uint32Array(second.weights.get(name)!.buffer), new Uint32Array(w.buffer), name);
  });
});

/** log.jsonl without its timing fields. */
function logOf(run: string): unknown[] {
  return readFileSync(path.join(run, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { imgPerSec: _i, time: _t, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return rest;
  });
}

const RUN = ['--dataset', 'fake', '--image-size', '16', '--ngf', '8', '--ndf', '8', '--nz', '8', '--batch-size', '4', '--backend', 'native', '--log-every', '1', '--seed', '4'];

describe('dcgan train --precision bf16', { skip: noBf16 }, () => {
  after(() => nativeModule?.setNativePrecision('fp32'));

  test('resumes exactly, checkpoints float32 and records bf16; sample runs in bf16 and fp32 alike', () => {
    const cwd = tempDir();
    const straight = dcgan(['train', ...RUN, '--precision', 'bf16', '--steps', '8', '--checkpoint-every', '4', '--out', 'straight'], { cwd });
    assert.equal(straight.code, 0, straight.stderr);
    assert.match(straight.stderr, /^dcgan: precision bf16: convolutions on (AVX512-BF16|AMX-BF16), float32 accumulation$/m);
    assert.equal(dcgan(['train', ...RUN, '--precision', 'bf16', '--steps', '4', '--out', 'split'], { cwd }).code, 0);
    const resumed = dcgan(['train', '--resume', '--out', 'split', '--steps', '8', '--precision', 'bf16'], { cwd });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(logOf(path.join(cwd, 'straight')).length, 8);
    assert.deepEqual(logOf(path.join(cwd, 'split')), logOf(path.join(cwd, 'straight')));

    const fp32 = dcgan(['train', ...RUN, '--precision', 'fp32', '--steps', '8', '--out', 'fp32'], { cwd });
    assert.equal(fp32.code, 0, fp32.stderr);
    assert.notDeepEqual(logOf(path.join(cwd, 'fp32')), logOf(path.join(cwd, 'straight')), 'bf16 logged what fp32 logs');

    const config = JSON.parse(readFileSync(path.join(cwd, 'straight', 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.precision, 'bf16');
    const checkpoint = path.join(cwd, 'straight', 'checkpoints', 'step-000008');
    const state = JSON.parse(readFileSync(path.join(checkpoint, 'state.json'), 'utf8')) as { backend: string };
    assert.equal(state.backend, 'native, bf16');
    for (const net of ['generator', 'discriminator']) {
      const model = JSON.parse(readFileSync(path.join(checkpoint, net, 'model.json'), 'utf8')) as { weightsManifest: { weights: { dtype: string }[] }[] };
      const dtypes = new Set(model.weightsManifest.flatMap((g) => g.weights.map((w) => w.dtype)));
      assert.deepEqual([...dtypes], ['float32'], `${net} weights`);
    }

    const pictures = ['bf16', 'fp32'].map((p) => {
      const r = dcgan(['sample', '--checkpoint', 'straight', '--n', '16', '--backend', 'native', '--precision', p, '--out', `${p}.png`], { cwd });
      assert.equal(r.code, 0, r.stderr);
      return decodePng(readFileSync(path.join(cwd, `${p}.png`)));
    });
    let worst = 0, differ = 0;
    pictures[0]!.data.forEach((v, i) => {
      const d = Math.abs(v - pictures[1]!.data[i]!);
      worst = Math.max(worst, d);
      if (d > 0) differ++;
    });
    assert.ok(differ > 0, 'sampling in bf16 gave the fp32 picture');
    assert.ok(worst <= 8, `a pixel differs by ${worst} of 255 between bf16 and fp32 sampling`);
  });
});

describe('--precision where bf16 cannot run', () => {
  test('bf16 on the cpu backend fails in one line; auto trains in fp32 and says why', () => {
    const cwd = tempDir();
    const common = ['--dataset', 'fake', '--image-size', '16', '--ngf', '4', '--ndf', '4', '--nz', '8', '--batch-size', '4', '--steps', '1', '--backend', 'cpu'];
    const refused = dcgan(['train', ...common, '--precision', 'bf16', '--out', 'a'], { cwd });
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'dcgan: error: --precision bf16: bf16 runs on the native backend only, and this is cpu; use --precision fp32\n');
    const auto = dcgan(['train', ...common, '--out', 'b'], { cwd });
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stderr, /^dcgan: precision fp32: bf16 runs on the native backend only, and this is cpu$/m);
    assert.equal((JSON.parse(readFileSync(path.join(cwd, 'b', 'config.json'), 'utf8')) as { precision: string }).precision, 'fp32');
  });

  // ONEDNN_MAX_CPU_ISA caps what oneDNN uses: a CPU with bf16 instructions then runs as one without.
  test('bf16 on a CPU without bf16 instructions fails in one line', { skip: nativeSkip }, () => {
    const env = { ONEDNN_MAX_CPU_ISA: 'AVX512_CORE' };
    const r = dcgan(['sample', '--checkpoint', 'nowhere', '--backend', 'native', '--precision', 'bf16'], { cwd: tempDir(), env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'dcgan: error: --precision bf16: this CPU has no bf16 instructions (AVX512-BF16 or AMX-BF16); use --precision fp32\n');
  });
});
