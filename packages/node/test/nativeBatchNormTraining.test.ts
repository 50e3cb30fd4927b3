// The fused training-mode batch norm (DcganBatchNormTraining + Grad, through packages/core's op
// batchNormTraining) against TF.js's composite (tf.moments + tf.batchNorm and their gradients) on
// the cpu backend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import {
  FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL,
  FUSED_BATCH_NORM_TRAINING_KERNEL as DCGAN_BATCH_NORM_TRAINING,
  batchNormActivationTraining,
  batchNormTraining,
  batchNormTrainingComposite,
  leakyReluSavingOutput,
  reluSavingOutput,
} from '@dcgan-ts/core';

import { input, nativeSkip as skip, runOn, type Input } from './backends.js';

/** y, mean, variance, and the gradients w.r.t. x, scale, offset of sum(y * r). */
function withGrads(op: typeof batchNormTraining, eps: number) {
  return (x: tf.Tensor, s: tf.Tensor, o: tf.Tensor, r: tf.Tensor): tf.Tensor[] => {
    const { y, mean, variance } = op(x, s as tf.Tensor1D, o as tf.Tensor1D, eps);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.mul(op(a, b as tf.Tensor1D, c as tf.Tensor1D, eps).y, r)))([x, s, o]);
    return [y, mean, variance, ...grads];
  };
}

function assertClose(label: string, got: { data: Float32Array }[], want: { data: Float32Array }[], rtol: number): void {
  assert.equal(got.length, want.length);
  got.forEach((g, k) => {
    const w = want[k]!.data;
    const scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (let i = 0; i < w.length; i++) {
      // 1e-5 absolute: with one row per channel dx is exactly 0, the composite leaves rounding noise.
      if (!(Math.abs(g.data[i]! - w[i]!) <= rtol * (scale + Math.abs(w[i]!)) + 1e-5)) {
        assert.fail(`${label}: output ${k}[${i}] fused ${g.data[i]} vs composite ${w[i]} (max |.| ${scale})`);
      }
    }
  });
}

describe('fused training-mode batch norm', { skip }, () => {
  const cases: [string, number[], number][] = [
    ['NHWC 4x5x5x6', [4, 5, 5, 6], 1e-3],
    ['rank 2', [7, 3], 1e-5],
    ['DCGAN-like 16x8x8x64 with an offset mean', [16, 8, 8, 64], 1e-5],
    ['one row per channel set', [1, 1, 1, 5], 1e-3],
  ];
  for (const [name, shape, eps] of cases) {
    test(`${name}: forward, statistics and gradients match the composite on cpu`, () => {
      const C = shape[shape.length - 1]!;
      const x: Input = name.includes('offset')
        ? { shape, data: input(shape, 1).data.map((v) => 3 + 2 * v) }
        : input(shape, 1);
      const ins = [x, input([C], 2, 0.5, 1.5), input([C], 3), input(shape, 4)];
      const fused = runOn('native', ins, (a, b, c, d) => withGrads(batchNormTraining, eps)(a!, b!, c!, d!));
      const composite = runOn('cpu', ins, (a, b, c, d) => withGrads(batchNormTrainingComposite, eps)(a!, b!, c!, d!));
      assertClose(name, fused, composite, 2e-5);
    });
  }

  test('runs the fused kernels on native, the composite elsewhere', async () => {
    assert.ok(tf.getKernel(DCGAN_BATCH_NORM_TRAINING, 'native') !== undefined);
    assert.equal(tf.getKernel(DCGAN_BATCH_NORM_TRAINING, 'cpu'), undefined);
    const kernels = async (backend: string) => {
      tf.setBackend(backend);
      const info = await tf.profile(() => tf.tidy(() => {
        batchNormTraining(tf.ones([2, 2, 2, 3]), tf.ones([3]), tf.zeros([3]), 1e-3);
      }));
      return info.kernels.map((k) => k.name);
    };
    assert.ok((await kernels('native')).includes(DCGAN_BATCH_NORM_TRAINING));
    const cpu = await kernels('cpu');
    assert.ok(!cpu.includes(DCGAN_BATCH_NORM_TRAINING) && cpu.includes('FusedBatchNorm'), cpu.join());
  });

  // Batch norm + (leaky) ReLU as one kernel each way, against the two ops apart on native: the same bits.
  for (const alpha of [0, 0.2]) {
    test(`fused with ${alpha === 0 ? 'ReLU' : `LeakyReLU ${alpha}`}: forward, statistics and gradients are the bits of the two ops apart`, () => {
      const shape = [5, 3, 3, 7], C = 7, eps = 1e-5;
      const ins = [input(shape, 5), input([C], 6, 0.5, 1.5), input([C], 7), input(shape, 8)];
      const act = alpha === 0 ? reluSavingOutput : leakyReluSavingOutput(alpha);
      const apartOp: typeof batchNormTraining = (x, s, o, e) => {
        const r = batchNormTraining(x, s, o, e);
        return { ...r, y: act(r.y) };
      };
      const fusedOp: typeof batchNormTraining = (x, s, o, e) => batchNormActivationTraining(x, s, o, e, alpha);
      const apart = runOn('native', ins, (a, b, c, d) => withGrads(apartOp, eps)(a!, b!, c!, d!));
      const fused = runOn('native', ins, (a, b, c, d) => withGrads(fusedOp, eps)(a!, b!, c!, d!));
      const y = apart[0]!.data;
      assert.ok(alpha === 0 ? y.some((v) => v === 0) && !y.some((v) => v < 0) : y.some((v) => v < 0), 'the activation acted');
      fused.forEach((f, k) => assert.deepEqual(new Uint32Array(f.data.buffer), new Uint32Array(apart[k]!.data.buffer), `output ${k}`));
    });
  }

  test('bad inputs fail with the kernel name, not a crash', () => {
    tf.setBackend('native');
    assert.throws(() => tf.tidy(() => tf.engine().runKernel(FUSED_BATCH_NORM_ACTIVATION_TRAINING_KERNEL,
      { x: tf.ones([2, 3]), scale: tf.ones([3]), offset: tf.ones([3]) }, { varianceEpsilon: 1e-3, alpha: -1 })), /DcganBatchNormActivationTraining: alpha must be >= 0, got -1/);
    tf.setBackend('native');
    assert.throws(() => tf.tidy(() => tf.engine().runKernel(DCGAN_BATCH_NORM_TRAINING,
      { x: tf.ones([2, 3]), scale: tf.ones([4]) }, { varianceEpsilon: 1e-3 })), /DcganBatchNormTraining: scale must be float32 \[3\]/);
  });
});
