import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildDiscriminator,
  buildGenerator,
  applyChainInTraining,
  initializeWeights,
  recordForward,
  Rng,
  variableGradsFreeing,
} from '../src/index.js';
import { tinyConfig } from './helpers.js';

/** Runs a loss through tf.variableGrads and variableGradsFreeing; returns both gradient lists as arrays. */
function bothWays(loss: () => tf.Scalar, vars: tf.Variable[]): { ours: Float32Array[]; tfjs: Float32Array[]; values: number[] } {
  const theirs = tf.variableGrads(loss, vars);
  const mine = variableGradsFreeing(loss, vars);
  const out = {
    ours: mine.grads.map((g) => g.dataSync() as Float32Array),
    tfjs: vars.map((v) => theirs.grads[v.name]!.dataSync() as Float32Array),
    values: [mine.value.dataSync()[0]!, theirs.value.dataSync()[0]!],
  };
  tf.dispose([mine.value, mine.grads, theirs.value, Object.values(theirs.grads)]);
  return out;
}

test('the same gradients as tf.variableGrads, bit for bit: a DCGAN discriminator in training mode', () => {
  const config = tinyConfig();
  const d = buildDiscriminator(config);
  initializeWeights(d, Rng.derive(3));
  const vars = d.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomUniform([4, 16, 16, 1], -1, 1, 'float32', 7);
  const loss = () => tf.mean(tf.softplus(d.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
  const r = bothWays(loss, vars);
  assert.equal(r.values[0], r.values[1]);
  r.ours.forEach((g, i) => assert.deepEqual(g, r.tfjs[i], `gradient of ${vars[i]!.name}`));
  tf.dispose(x);
  d.dispose();
});

test('the same gradients for repeated inputs, broadcasting, multi-output ops and custom gradients', () => {
  const a = tf.variable(tf.tensor2d([[1, -2, 3], [0.5, 4, -1]]));
  const b = tf.variable(tf.tensor1d([0.3, -0.7, 2]));
  const clipped = tf.customGrad((x) => ({ value: tf.clipByValue(x as tf.Tensor, -1, 1), gradFunc: (dy: tf.Tensor) => tf.mul(dy, 3) }));
  const loss = () => {
    const sq = tf.mul(a, a); // a twice as the same node's inputs
    const [left, right] = tf.split(tf.add(sq, b), [1, 2], 1); // broadcasting; two outputs, both used
    const { mean, variance } = tf.moments(tf.mul(a, b), 0); // b reached along a second path
    return tf.sum(tf.add(tf.sum(left!), tf.add(tf.sum(clipped(right!) as tf.Tensor), tf.sum(tf.mul(mean, variance))))) as tf.Scalar;
  };
  const r = bothWays(loss, [a, b]);
  assert.equal(r.values[0], r.values[1]);
  assert.deepEqual(r.ours, r.tfjs);
  tf.dispose([a, b]);
});

test('frees activations and gradients during the backward pass, and leaks nothing', () => {
  const w = tf.variable(tf.randomNormal([64, 64, 16], 0, 1, 'float32', 1)); // 256 KiB
  // The first op of a chain of 12 is the last of the backward pass: what is still held when its gradient runs is
  // what the pass keeps. TF.js: all 12 saved activations and 12 gradients; freed as it goes: the current gradient.
  let heldAtLastNode = 0;
  let baseline = 0;
  const probe = tf.customGrad((x) => ({
    value: tf.clone(x as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => {
      heldAtLastNode = tf.memory().numBytes - baseline;
      return tf.clone(dy);
    },
  }));
  const loss = () => {
    let h = probe(w);
    for (let i = 0; i < 12; i++) h = i % 2 === 0 ? tf.tanh(h) : tf.mul(h, 1.5);
    return tf.sum(h) as tf.Scalar;
  };
  const held = (run: () => tf.Tensor[]) => {
    const before = tf.memory().numTensors;
    baseline = tf.memory().numBytes;
    tf.dispose(run());
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    return heldAtLastNode;
  };
  const theirs = held(() => { const r = tf.variableGrads(loss, [w]); return [r.value, ...Object.values(r.grads)]; });
  const ours = held(() => { const r = variableGradsFreeing(loss, [w]); return [r.value, ...r.grads]; });
  assert.ok(theirs > 20 * w.size * 4, `tf.variableGrads held ${theirs} bytes`);
  assert.ok(ours < 0.2 * theirs, `held at the last node: ours ${ours} bytes, tf.variableGrads ${theirs}`);
  w.dispose();
});

test('a variable that the loss does not reach is an error, and the tape is released', () => {
  const used = tf.variable(tf.scalar(2));
  const unused = tf.variable(tf.scalar(3));
  const before = tf.memory().numTensors;
  assert.throws(() => variableGradsFreeing(() => tf.square(used) as tf.Scalar, [used, unused]), /no gradient reaches/);
  assert.equal(tf.memory().numTensors, before);
  const ok = variableGradsFreeing(() => tf.square(used) as tf.Scalar, [used]);
  assert.deepEqual(Array.from(ok.grads[0]!.dataSync()), [4]);
  tf.dispose([ok.value, ok.grads, used, unused]);
});

test("G's step through a recorded forward pass, with D updated in between: the gradients of a fresh tape", () => {
  const config = tinyConfig();
  const [g, d] = [buildGenerator(config), buildDiscriminator(config)];
  initializeWeights(g, Rng.derive(1));
  initializeWeights(d, Rng.derive(2));
  const gVars = g.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = d.trainableWeights.map((w) => w.read() as tf.Variable);
  const z = tf.randomNormal([4, config.nz], 0, 1, 'float32', 3);
  const before = tf.memory().numTensors;

  // As the trainer does: G once, recorded; D's update on its output; G's loss through the updated D.
  const { output: fake, recorded } = recordForward(() => applyChainInTraining(g, z));
  const dStep = variableGradsFreeing(() => tf.mean(tf.softplus(applyChainInTraining(d, fake))) as tf.Scalar, dVars);
  tf.tidy(() => dVars.forEach((v, i) => v.assign(tf.sub(v, tf.mul(dStep.grads[i]!, 0.5))))); // a large step: D really changes
  const gStep = variableGradsFreeing(() => tf.mean(tf.softplus(tf.neg(applyChainInTraining(d, fake)))) as tf.Scalar, gVars, recorded);
  const ours = gStep.grads.map((t) => t.dataSync() as Float32Array);
  tf.dispose([fake, dStep.value, dStep.grads, gStep.value, gStep.grads]);
  assert.equal(tf.memory().numTensors, before, 'the recorded pass was not freed');

  // The reference: G run again (same weights and z, so the same batch statistics) on one tape with D's new weights.
  const reference = tf.variableGrads(() => tf.mean(tf.softplus(tf.neg(d.apply(g.apply(z, { training: true }), { training: true }) as tf.Tensor))) as tf.Scalar, gVars);
  gVars.forEach((v, i) => assert.deepEqual(ours[i], reference.grads[v.name]!.dataSync(), v.name));
  tf.dispose([z, reference.value, Object.values(reference.grads)]);
  g.dispose();
  d.dispose();
});

test('a gradient function that returns one tensor for two inputs gives each its own', () => {
  const a = tf.variable(tf.tensor1d([1, 2, 3]));
  const b = tf.variable(tf.tensor1d([4, 5, 6]));
  const both = tf.customGrad((x, y) => ({
    value: tf.add(x as tf.Tensor, y as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => [dy, dy], // the same object for both inputs
  }));
  // a and b each reach `both` through an op of their own, whose gradients run after `both`'s.
  const loss = () => tf.sum(tf.mul(both(tf.mul(a, 2), tf.mul(b, 3)), tf.tensor1d([1, 10, 100]))) as tf.Scalar;
  const r = variableGradsFreeing(loss, [a, b]);
  assert.deepEqual(Array.from(r.grads[0]!.dataSync()), [2, 20, 200]);
  assert.deepEqual(Array.from(r.grads[1]!.dataSync()), [3, 30, 300]);
  tf.dispose([r.value, r.grads, a, b]);
});

test('a forward pass that throws leaves no kept tensors behind', () => {
  const w = tf.variable(tf.tensor1d([1, 2]));
  const before = tf.memory().numTensors;
  const failing = () => {
    tf.tanh(w); // saves its output on the tape
    throw new Error('boom');
  };
  assert.throws(() => recordForward(failing), /boom/);
  assert.throws(() => variableGradsFreeing(failing as () => tf.Scalar, [w]), /boom/);
  assert.equal(tf.memory().numTensors, before);
  w.dispose();
});
