import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BestScore,
  buildDiscriminator,
  resolveClass,
  walkClass,
  countTrainableParameters,
  discriminatorInput,
  discriminatorInputChannels,
  discriminatorLogits,
  initializeWeights,
  referenceParameterCounts,
  RngStream,
  validateModelConfig,
  classAccuracy,
  conditionImages,
  generatorInputs,
  generatorInputWidth,
  oneHotLabels,
  seedClasses,
  COLLAPSE_EVALUATIONS,
  CollapseWatch,
  DcganError,
  DcganTrainer,
  diffAugment,
  type EvalEntry,
  GeneratorEma,
  latentForSeed,
  parseAugmentPolicies,
  parseSelectBy,
  projectImage,
  Rng,
  STUCK_WINDOW,
  truncateLatent,
  validateTrainingConfig,
} from '../src/index.js';
import { randomDataset, tinyConfig } from './helpers.js';

const values = (v: tf.Tensor | tf.Variable) => Array.from(v.dataSync() as Float32Array);

test('--ema: the average follows the ramp, then the decay, and copies batch norm\'s running statistics', () => {
  assert.equal(GeneratorEma.decayAt(0.999, 1), 2 / 11);
  assert.equal(GeneratorEma.decayAt(0.999, 100), 101 / 110);
  assert.equal(GeneratorEma.decayAt(0.9, 100), 0.9);
  const trainer = DcganTrainer.create(tinyConfig({ ema: 0.9 }), randomDataset(16, 16, 1));
  const ema = trainer.ema!;
  // At step 0 the average is G.
  trainer.generator.weights.forEach((w, i) => assert.deepEqual(values(w.read()), values(ema.model.weights[i]!.read()), w.name));
  const before = ema.model.trainableWeights.map((w) => values(w.read()));
  trainer.trainStep();
  const d = Math.fround(GeneratorEma.decayAt(0.9, 1));
  ema.model.trainableWeights.forEach((w, i) => {
    const trained = values(trainer.generator.trainableWeights[i]!.read());
    const want = before[i]!.map((e, k) => Math.fround(Math.fround(e * d) + Math.fround(trained[k]! * Math.fround(1 - d))));
    const got = values(w.read());
    got.forEach((g, k) => assert.ok(Math.abs(g - want[k]!) <= 1e-7 * Math.max(1, Math.abs(want[k]!)), `${w.name}[${k}]: ${g} vs ${want[k]}`));
    assert.notDeepEqual(got, trained, `${w.name} is G's weight, not an average`);
  });
  trainer.generator.nonTrainableWeights.forEach((w, i) => assert.deepEqual(values(ema.model.nonTrainableWeights[i]!.read()), values(w.read()), w.name));
  assert.equal(trainer.sampler, ema.model);
  trainer.dispose();
});

test('--ema and --augment leave no tensors behind; a run without them samples from G', () => {
  const trainer = DcganTrainer.create(tinyConfig({ ema: 0.99, augment: 'color,translation,cutout' }), randomDataset(16, 16, 1));
  trainer.trainStep();
  const tensors = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) trainer.trainStep();
  assert.equal(tf.memory().numTensors, tensors);
  trainer.dispose();
  const plain = DcganTrainer.create(tinyConfig(), randomDataset(16, 16, 1));
  assert.equal(plain.ema, null);
  assert.equal(plain.sampler, plain.generator);
  plain.dispose();
});

test('--augment changes what D sees, not the data: a run with it takes other steps, the same seed the same ones', () => {
  const run = (augment?: string) => {
    const trainer = DcganTrainer.create(tinyConfig(augment ? { augment } : {}), randomDataset(16, 16, 1));
    const m = [trainer.trainStep(), trainer.trainStep()];
    trainer.dispose();
    return m;
  };
  assert.deepEqual(run('translation,cutout'), run('translation,cutout'));
  assert.notDeepEqual(run('translation,cutout'), run());
});

test('--augment: the policies parse into one canonical order; bad lists are one clear error', () => {
  assert.equal(parseAugmentPolicies('cutout, translation,color'), 'color,translation,cutout');
  assert.throws(() => parseAugmentPolicies('translation,zoom'), /unknown policy "zoom"/);
  assert.throws(() => parseAugmentPolicies('cutout,cutout'), /twice/);
  assert.throws(() => parseAugmentPolicies(' , '), /comma-separated list/);
  assert.throws(() => validateTrainingConfig({ ...tinyConfig(), ema: 1 }), DcganError);
  assert.throws(() => validateTrainingConfig({ ...tinyConfig(), augment: 'blur' }), DcganError);
});

test('DiffAugment translation shifts each image by whole pixels with zeros shifted in, and passes gradients back', () => {
  const [n, s] = [6, 16];
  const x = tf.tensor4d(Float32Array.from({ length: n * s * s }, (_, i) => 1 + (i % 97)), [n, s, s, 1]);
  const y = diffAugment(x, ['translation'], Rng.derive(3));
  const xs = x.arraySync();
  const ys = y.arraySync();
  const shiftsFound: [number, number][] = [];
  for (let b = 0; b < n; b++) {
    // Find the shift by the first non-zero pixel's match, then check every pixel against it.
    let found: [number, number] | null = null;
    for (let dy = -2; dy <= 2 && !found; dy++) {
      for (let dx = -2; dx <= 2 && !found; dx++) {
        const ok = ys[b]!.every((row, i) => row.every((v, j) => {
          const [si, sj] = [i - dy, j - dx];
          const want = si >= 0 && si < s && sj >= 0 && sj < s ? xs[b]![si]![sj]![0]! : 0;
          return v[0] === want;
        }));
        if (ok) found = [dy, dx];
      }
    }
    assert.ok(found, `image ${b} is not x shifted by at most 2 pixels (S/8)`);
    shiftsFound.push(found);
  }
  assert.ok(new Set(shiftsFound.map((f) => f.join())).size > 1, `every image got the same shift: ${shiftsFound.join(' ')}`);
  // d sum(T(x) * w) / dx = T^-1(w) on the pixels that stayed in: non-zero, and the same total where nothing fell out.
  const w = tf.randomUniform([n, s, s, 1]);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(diffAugment(v as tf.Tensor4D, ['translation'], Rng.derive(3)), w)))(x);
  assert.ok(values(g).some((v) => v !== 0));
  assert.ok(Math.abs(tf.sum(g).dataSync()[0]! - tf.sum(tf.mul(w, tf.cast(tf.notEqual(y, 0), 'float32'))).dataSync()[0]!) < 1e-3);
  tf.dispose([x, y, w, g]);
});

test('DiffAugment cutout zeroes a square of at most half the side per image; color moves brightness per image', () => {
  const [n, s] = [8, 16];
  const x = tf.ones([n, s, s, 3]) as tf.Tensor4D;
  const cut = diffAugment(x, ['cutout'], Rng.derive(5)).arraySync();
  for (const image of cut) {
    const zeros = image.flat().filter((px) => px[0] === 0).length;
    assert.ok(zeros > 0 && zeros <= (s / 2) * (s / 2), `${zeros} zeroed pixels`);
    assert.ok(image.flat().every((px) => px.every((c) => c === px[0])), 'cutout cuts every channel of a pixel');
  }
  const coloured = diffAugment(x, ['color'], Rng.derive(5));
  const means = values(tf.mean(coloured, [1, 2, 3]));
  assert.ok(new Set(means.map((m) => m.toFixed(4))).size > 1, 'each image gets its own brightness');
  assert.ok(means.every((m) => m >= 0.5 && m <= 1.5));
  tf.dispose([x, coloured]);
});

function evalEntry(step: number, fid: number, is = 5): EvalEntry {
  return { step, epoch: step / 100, eval: { fid, is }, floor: {}, evalN: 10, extractor: 'test', seconds: 0 };
}

test('best checkpoint: the lowest FID (or highest IS) wins; a long bad stretch warns once', () => {
  const fid = new BestScore('fid');
  assert.equal(fid.consider(evalEntry(100, 50))?.isBest, true);
  assert.equal(fid.consider(evalEntry(200, 40))?.isBest, true);
  assert.equal(fid.consider(evalEntry(300, 45))?.isBest, false);
  assert.deepEqual(fid.best, { step: 200, value: 40 });
  const verdicts = [400, 500, 600, 700].map((step) => fid.consider(evalEntry(step, 60)));
  assert.equal(verdicts.filter((v) => v?.warning).length, 1, 'one warning per bad stretch');
  assert.match(verdicts[COLLAPSE_EVALUATIONS - 1]!.warning!, /possible collapse: FID 60\.00 at step 600 .* best, 40\.00 at step 200/);
  // A resume replays the log without warning again.
  const resumed = new BestScore('fid');
  resumed.replay([200, 400, 500, 600].map((step) => evalEntry(step, step === 200 ? 40 : 60)));
  assert.equal(resumed.consider(evalEntry(700, 61))?.warning, undefined);
  const is = new BestScore('is');
  is.consider(evalEntry(100, 50, 3));
  assert.equal(is.consider(evalEntry(200, 50, 4))?.isBest, true);
  assert.equal(parseSelectBy('kid', ['fid', 'kid']), 'kid');
  assert.throws(() => parseSelectBy('kid', ['fid']), /needs the metric kid in --eval-metrics/);
  assert.throws(() => parseSelectBy('loss', ['fid']), /unknown score "loss"/);
});

test('collapse watch: D(G(z)) averaging under 0.01 over the window warns once, and again after a recovery', () => {
  const watch = new CollapseWatch();
  const m = (dgz1: number) => ({ lossD: 0, lossG: 0, dx: 1, dgz1, dgz2: dgz1 });
  let warnings = 0;
  for (let step = 1; step <= STUCK_WINDOW; step++) warnings += watch.observe(step, m(0.3)) ? 1 : 0;
  for (let step = 1; step <= 2 * STUCK_WINDOW; step++) warnings += watch.observe(step, m(0.001)) ? 1 : 0;
  assert.equal(warnings, 1);
  for (let step = 1; step <= STUCK_WINDOW; step++) watch.observe(step, m(0.5));
  for (let step = 1; step <= STUCK_WINDOW; step++) warnings += watch.observe(step, m(0.0001)) ? 1 : 0;
  assert.equal(warnings, 2);
});

test('truncation: resample keeps every value under psi and is a function of the seed; scale multiplies', () => {
  const z = latentForSeed(7, 512, 'normal');
  const t = { psi: 0.5, mode: 'resample' as const };
  const a = truncateLatent(z, 7, t, 'normal');
  assert.ok(a.every((v) => Math.abs(v) <= 0.5));
  assert.deepEqual(a, truncateLatent(z, 7, t, 'normal'));
  assert.deepEqual(a.filter((_v, i) => Math.abs(z[i]!) <= 0.5), z.filter((v) => Math.abs(v) <= 0.5), 'values inside are kept');
  assert.deepEqual(latentForSeed(7, 512, 'normal', t), a);
  assert.deepEqual(truncateLatent(z, 7, { psi: 0.7, mode: 'scale' }, 'normal'), z.map((v) => v * 0.7));
});

test('projection: from random starts to the z of a target G can draw, far closer than any start', async () => {
  // A G whose image depends strongly on z: z (8) -> dense -> tanh -> (8, 8, 1).
  const nz = 8;
  const input = tfl.input({ shape: [nz] });
  const dense = tfl.layers.dense({ units: 64, activation: 'tanh', kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.5, seed: 1 }) });
  const out = tfl.layers.reshape({ targetShape: [8, 8, 1] }).apply(dense.apply(input)) as tfl.SymbolicTensor;
  const g = tfl.model({ inputs: input, outputs: out });
  const target = g.predict(tf.tensor2d(latentForSeed(99, nz, 'normal'), [1, nz])) as tf.Tensor4D;
  const snapshots: number[] = [];
  const result = await projectImage(g, null, target, nz, 'normal', {
    steps: 300,
    starts: 4,
    seed: 0,
    onSnapshot: { every: 100, take: (step, z, losses) => void snapshots.push(step, z.length, losses.length) },
  });
  assert.deepEqual(snapshots, [100, 4 * nz, 4, 200, 4 * nz, 4, 300, 4 * nz, 4]);
  assert.equal(result.z.length, nz);
  assert.ok(result.startPixelError > 0.05, `the starts are far from the target: ${result.startPixelError}`);
  assert.ok(result.pixelError < 0.02 * result.startPixelError, `projected ${result.pixelError} vs best start ${result.startPixelError}`);
  const back = g.predict(tf.tensor2d(result.z, [1, nz])) as tf.Tensor;
  assert.ok(tf.mean(tf.squaredDifference(back, target)).dataSync()[0]! - result.pixelError < 1e-6);
  tf.dispose([target, back]);
  g.dispose();
});

test('conditional: G takes [z | one-hot], D the image with K class maps; a step trains on the given classes', () => {
  const config = tinyConfig({ classes: 3 });
  assert.deepEqual(Array.from(generatorInputs(config, Float32Array.from({ length: 16 }, (_, i) => i), [2, 0])), [
    ...[0, 1, 2, 3, 4, 5, 6, 7], 0, 0, 1,
    ...[8, 9, 10, 11, 12, 13, 14, 15], 1, 0, 0,
  ]);
  assert.equal(generatorInputWidth(config), 11);
  assert.deepEqual(Array.from(seedClasses([0, 1, 2, 3, 7], 3)), [0, 1, 2, 0, 1]);
  const maps = conditionImages(tf.zeros([2, 4, 4, 1]) as tf.Tensor4D, oneHotLabels([2, 0], 3));
  assert.deepEqual(maps.shape, [2, 4, 4, 4]);
  assert.deepEqual(Array.from(tf.slice(maps, [0, 3, 3, 0], [1, 1, 1, 4]).dataSync()), [0, 0, 0, 1]);
  assert.deepEqual(Array.from(tf.slice(maps, [1, 0, 0, 0], [1, 1, 1, 4]).dataSync()), [0, 1, 0, 0]);
  maps.dispose();
  // The gradient reaches the images as the first C channels of dy, exactly; none goes to the class maps.
  const x = tf.randomNormal([2, 4, 4, 2]) as tf.Tensor4D;
  const w = tf.randomNormal([2, 4, 4, 5]);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(conditionImages(v as tf.Tensor4D, oneHotLabels([2, 0], 3)), w)))(x);
  assert.deepEqual(Array.from(g.dataSync()), Array.from(tf.slice(w, [0, 0, 0, 0], [2, 4, 4, 2]).dataSync()));
  tf.dispose([x, w, g]);
  assert.throws(() => resolveClass(config, 3), /--class must be from 0 to 2/);
  assert.throws(() => resolveClass(tinyConfig(), 0), /not class-conditional/);
  // --class by index or, where the data named its classes, by name; a number is always the index (a folder may be
  // called "2" and sort elsewhere: the picker and the one-hot input number by index).
  assert.equal(resolveClass(config, '2'), 2);
  assert.throws(() => resolveClass(config, 'cat'), /--class cat: this model's classes have no names \(its data named none\); pass an index from 0 to 2/);
  const named = { ...config, classNames: ['cat', 'dog', '0'] };
  validateModelConfig(named);
  assert.deepEqual([resolveClass(named, 'dog'), resolveClass(named, '0'), resolveClass(named, '1'), resolveClass(named, 1)], [1, 0, 1, 1]);
  assert.throws(() => resolveClass(config, '-1'), /--class must be from 0 to 2 for this model, got -1/);
  assert.throws(() => resolveClass(config, '1.5'), /--class must be from 0 to 2 for this model, got 1\.5/);
  assert.throws(() => resolveClass(named, 'cow'), /--class cow: not one of this model's classes \(cat, dog, 0\), nor an index from 0 to 2/);
  assert.throws(() => walkClass(named, undefined), /pass --class K \(0 to 2, or a name: cat, dog, 0\)/);
  assert.throws(() => validateModelConfig({ ...config, classNames: ['cat', 'dog'] }), /classNames must list 3 names/);
  assert.throws(() => validateModelConfig({ ...config, classNames: ['cat', 'cat', 'dog'] }), /repeats a name/);
  assert.throws(() => validateModelConfig({ ...config, classNames: ['cat', '', 'dog'] }), /non-empty strings/);
  assert.throws(() => validateModelConfig({ ...tinyConfig(), classNames: ['a', 'b'] }), /needs a class-conditional model/);

  const data = randomDataset(16, 16, 1);
  assert.throws(() => DcganTrainer.create(config, data), /needs the class of each of the 16 images/);
  assert.throws(() => DcganTrainer.create(config, data, new Uint16Array(16).fill(3)), /class 3, but the model has 3 classes/);
  const labels = Uint16Array.from({ length: 16 }, (_, i) => i % 3);
  const trainer = DcganTrainer.create(config, data, labels);
  assert.deepEqual(trainer.generator.inputs[0]!.shape, [null, 11]);
  assert.deepEqual(trainer.discriminator.inputs[0]!.shape, [null, 16, 16, 4]);
  const first = trainer.trainStep();
  const other = DcganTrainer.create(config, data, Uint16Array.from({ length: 16 }, (_, i) => (i + 1) % 3));
  assert.notDeepEqual(other.trainStep(), first, 'the labels reach D');
  trainer.dispose();
  other.dispose();
  const accuracy = classAccuracy([0.9, 0.1, 0.2, 0.8, 0.6, 0.4], 2, [0, 1, 1]);
  assert.deepEqual(accuracy, { accuracy: 2 / 3, perClass: [1, 0.5], samples: 3 });
});

test('--conditional-d projection: D reads the image alone; its logit is w.h + e_y.h by hand; gradients reach the embedding', () => {
  const config = tinyConfig({ classes: 3, conditionalD: 'projection', ngf: 8, ndf: 8 });
  const D = buildDiscriminator(config);
  initializeWeights(D, Rng.derive(4, RngStream.init));
  assert.deepEqual(D.inputs[0]!.shape, [null, 16, 16, 1], 'no class maps');
  assert.deepEqual(D.outputs[0]!.shape, [null, 4], 'w.h and one e_k.h per class');
  // The unconditional body, and K embeddings of h's size (4 x 4 x 16) more.
  const unconditional = referenceParameterCounts(tinyConfig({ ngf: 8, ndf: 8 })).discriminator;
  assert.equal(countTrainableParameters(D), unconditional + 3 * 4 * 4 * 16);
  assert.equal(referenceParameterCounts(config).discriminator, countTrainableParameters(D));

  // h: D's last feature map, the tensor its final 4x4 convolution reads; that convolution's kernel holds w (filter 0)
  // and the class embeddings e_k (filter 1 + k).
  const last = D.layers[D.layers.length - 2]!; // d_conv2, before d_logit
  assert.equal(last.name, 'd_conv2');
  const body = tfl.model({ inputs: D.inputs, outputs: D.getLayer('d_lrelu1').output as tfl.SymbolicTensor });
  const x = tf.tensor4d(Rng.derive(5, RngStream.init).normals(2 * 16 * 16, 0, 1), [2, 16, 16, 1]);
  const labels = [2, 0];
  const oneHot = oneHotLabels(labels, 3);
  const h = Array.from((body.predict(x) as tf.Tensor).dataSync()); // (2, 4, 4, 16)
  const kernel = Array.from(last.getWeights()[0]!.dataSync()); // (4, 4, 16, 4): [position][filter]
  const dot = (i: number, filter: number) => {
    let s = 0;
    for (let j = 0; j < 256; j++) s += h[i * 256 + j]! * kernel[j * 4 + filter]!;
    return s;
  };
  const logits = discriminatorLogits(config, D.predict(x) as tf.Tensor2D, oneHot);
  assert.deepEqual(logits.shape, [2, 1]);
  const byHand = labels.map((y, i) => dot(i, 0) + dot(i, 1 + y));
  Array.from(logits.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - byHand[i]!) < 1e-5, `image ${i}: ${v} vs ${byHand[i]} by hand`));
  assert.ok(Math.abs(byHand[0]! - dot(0, 0) - dot(0, 2)) > 1e-4, 'another class gives another logit');
  assert.equal(discriminatorInput(config, x, oneHot), x, 'the images go in as they are');

  // d(sum of logits)/d(kernel): filter 0 (w) gets h_0 + h_1; filter 1 + y gets the h of the images of class y; the
  // embedding of class 1, which no image has, gets exactly nothing.
  const variable = D.getLayer('d_conv2').trainableWeights[0]!.read() as tf.Variable;
  const { value, grads } = tf.variableGrads(() => tf.sum(discriminatorLogits(config, D.apply(x, { training: false }) as tf.Tensor2D, oneHot)) as tf.Scalar, [variable]);
  const g = Array.from(grads[variable.name]!.dataSync());
  const column = (filter: number) => Array.from({ length: 256 }, (_, j) => g[j * 4 + filter]!);
  const close = (a: number[], b: number[]) => a.every((v, j) => Math.abs(v - b[j]!) < 1e-5);
  assert.ok(close(column(0), h.slice(0, 256).map((v, j) => v + h[256 + j]!)), 'w: both images');
  assert.ok(close(column(3), h.slice(0, 256)), 'e_2: image 0');
  assert.ok(close(column(1), h.slice(256)), 'e_0: image 1');
  assert.ok(column(2).every((v) => v === 0), 'e_1: no image of class 1');
  assert.ok(column(3).some((v) => v !== 0));
  tf.dispose([x, oneHot, logits, value, ...Object.values(grads)]);
  D.dispose();

  assert.throws(() => validateModelConfig(tinyConfig({ conditionalD: 'projection' })), /conditionalD projection needs a class-conditional model/);
  assert.throws(() => validateModelConfig(tinyConfig({ classes: 3, conditionalD: 'dot' as 'projection' })), /conditionalD must be one of concat, projection, got "?dot"?/);
  assert.equal(discriminatorInputChannels(tinyConfig({ classes: 3 })), 4, 'absent: concat, as every checkpoint before the option');
});

test('--conditional-d projection: a step trains the embeddings of the batch\'s classes, takes the labels, leaks nothing', () => {
  const config = tinyConfig({ classes: 3, conditionalD: 'projection', ngf: 8, ndf: 8 });
  const data = randomDataset(16, 16, 1);
  const labels = Uint16Array.from({ length: 16 }, (_, i) => (i % 2) * 2); // classes 0 and 2 only
  const trainer = DcganTrainer.create(config, data, labels);
  const kernel = () => Array.from(trainer.discriminator.getLayer('d_conv2').getWeights()[0]!.dataSync());
  const before = kernel();
  const first = trainer.trainStep();
  const tensors = tf.memory().numTensors;
  trainer.trainStep();
  assert.equal(tf.memory().numTensors, tensors, 'a step leaves no tensors behind');
  const after = kernel();
  const moved = (filter: number) => before.some((v, j) => j % 4 === filter && v !== after[j]);
  assert.ok(moved(0) && moved(1) && moved(3), 'w, e_0 and e_2 learn');
  assert.ok(!moved(2), 'e_1: no image of class 1, no gradient (Adam moves nothing while its moments stay zero)');
  const other = DcganTrainer.create(config, data, Uint16Array.from({ length: 16 }, (_, i) => ((i % 2) * 2 + 1) % 3));
  assert.notDeepEqual(other.trainStep(), first, 'the labels reach D');
  trainer.dispose();
  other.dispose();
});
