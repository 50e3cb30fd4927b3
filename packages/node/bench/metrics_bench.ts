// Metric and classifier math: the matrix-product implementations (core: kid.ts, neighbours.ts, linearSvm.ts) beside
// the float64 loops they replaced (core/test/metricsReference.ts), side by side in one run on the chosen backend.
//
//   npm run bench:metrics -w @dcgan-ts/node [-- --backend native|cpu --quick]
//
// Workloads (what `dcgan eval` and `dcgan classify` run):
//   KID       5,000 + 5,000 rows of 128-d features (the metrics' classifier), subsets of 1,000; the loops run 10 of
//             the 100 subsets and are scaled to 100 (their cost is linear in the subsets)
//   P&R       5,000 real and 5,000 fake rows of 128-d features, k = 3
//   NN        sample-to-training-set distances in pixel space, 32x32 MNIST (1,024-d) against 60,000 training images
//   SVM       the random-weight D's section-5 features of 32x32 MNIST (7,168-d): C in {0.001, 0.01, 0.1, 1} on 80% of
//             100 labels per class (both implementations), then the fast one at 1,000 per class (8,000 rows, and the
//             refit on 10,000)
// Features for KID / P&R are Gaussian: the cost does not depend on the values. Ratios are what to read: this machine
// is shared and absolute times drift.
import * as tf from '@tensorflow/tfjs-core';
import {
  DEFAULT_MODEL_CONFIG,
  type LinearSvmModel,
  Rng,
  Standardizer,
  accuracy,
  buildDiscriminator,
  discriminatorFeatures,
  gatherImages,
  initializeWeights,
  kernelInceptionDistance,
  nearestDistances,
  precisionRecall,
  predictLinearSvm,
  trainLinearSvm,
  trainLinearSvmPath,
} from '@dcgan-ts/core';
import { type BackendChoice, selectBackend } from '../src/backend.js';
import { drawPerClass, loadLabelledSplit } from '../src/representation/labelledSplits.js';

/** The reference loops, compiled with core's tests (not part of any package's exports). */
interface Reference {
  kernelInceptionDistanceLoops: (...args: Parameters<typeof kernelInceptionDistance>) => Awaited<ReturnType<typeof kernelInceptionDistance>>;
  precisionRecallLoops: (...args: Parameters<typeof precisionRecall>) => Awaited<ReturnType<typeof precisionRecall>>;
  nearestDistancesLoops: (q: Float64Array, nq: number, r: Float64Array, nr: number, d: number) => Awaited<ReturnType<typeof nearestDistances>>;
  trainLinearSvmDualCd(x: Float32Array, labels: ArrayLike<number>, d: number, classes: number, opts: { C: number; maxPasses?: number }, rng: Rng): LinearSvmModel;
  primalObjectives(model: LinearSvmModel, x: Float32Array, labels: ArrayLike<number>, C: number): number[];
}
const ref = (await import(new URL('../../../core/dist/test/metricsReference.js', import.meta.url).href)) as Reference;

const args = process.argv.slice(2);
const backendArg = (args[args.indexOf('--backend') + 1] ?? 'native') as BackendChoice;
const quick = args.includes('--quick');
const backend = await selectBackend(args.includes('--backend') ? backendArg : 'native');

async function time<T>(fn: () => T | Promise<T>): Promise<{ value: T; s: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, s: (performance.now() - t0) / 1000 };
}

const rows: { workload: string; loops: number | null; fast: number; note: string }[] = [];
function report(workload: string, loops: number | null, fast: number, note: string): void {
  rows.push({ workload, loops, fast, note });
  const ratio = loops === null ? '' : `  ratio ${(loops / fast).toFixed(0)}x`;
  console.log(`${workload.padEnd(44)} loops ${loops === null ? '   -   ' : `${loops.toFixed(2)} s`.padStart(9)}  fast ${`${fast.toFixed(2)} s`.padStart(8)}${ratio}  ${note}`);
}

const rng = Rng.derive(1);
const gaussian = (n: number, d: number, shift = 0) => Float64Array.from(rng.normals(n * d), (v) => v + shift);

// KID
{
  const n = quick ? 2000 : 5000;
  const d = 128;
  const x = gaussian(n, d);
  const y = gaussian(n, d, 0.05);
  const loopSubsets = quick ? 2 : 10;
  const loops = await time(() => ref.kernelInceptionDistanceLoops(x, n, y, n, d, Rng.derive(2), loopSubsets, 1000));
  const fastSame = await time(() => kernelInceptionDistance(x, n, y, n, d, Rng.derive(2), loopSubsets, 1000));
  const fast = await time(() => kernelInceptionDistance(x, n, y, n, d, Rng.derive(2), 100, 1000));
  report(
    `KID ${n}+${n} x ${d}, 100 subsets of 1000`,
    (loops.s * 100) / loopSubsets,
    fast.s,
    `(loops: ${loopSubsets} subsets x ${100 / loopSubsets}); same ${loopSubsets} subsets: mean ${loops.value.mean.toExponential(6)} vs ${fastSame.value.mean.toExponential(6)}`,
  );
}

// Precision / recall
{
  const m = quick ? 2000 : 5000;
  const d = 128;
  const real = gaussian(m, d);
  const fake = gaussian(m, d, 0.1);
  const loops = await time(() => ref.precisionRecallLoops(real, m, fake, m, d, 3));
  const fast = await time(() => precisionRecall(real, m, fake, m, d, 3));
  const same = loops.value.precision === fast.value.precision && loops.value.recall === fast.value.recall;
  report(`P&R k=3, ${m} real + ${m} fake x ${d}`, loops.s, fast.s, `precision ${fast.value.precision} recall ${fast.value.recall}, ${same ? 'identical' : 'DIFFERENT'}`);
}

const train = await loadLabelledSplit('mnist', undefined, 'train', 32, 1);

// Nearest training image (pixels)
{
  const nr = train.labels.length;
  const d = 32 * 32;
  const all = Float64Array.from(gatherImages(train.dataset, Uint32Array.from({ length: nr }, (_, i) => i)));
  const queries = quick ? 20 : 100;
  const q = Float64Array.from(gaussian(queries, d, 0), (v) => Math.tanh(v));
  const loops = await time(() => ref.nearestDistancesLoops(q, queries, all, nr, d));
  const fast = await time(() => nearestDistances(q, queries, all, nr, d));
  const same = loops.value.distances.every((v, i) => v === fast.value.distances[i]);
  const fast500 = quick ? null : await time(() => nearestDistances(Float64Array.from(gaussian(500, d), Math.tanh), 500, all, nr, d));
  report(`NN ${queries} queries vs ${nr} x ${d}`, loops.s, fast.s, `${same ? 'identical distances' : 'DIFFERENT'}${fast500 ? `; 500 queries (eval's default): ${fast500.s.toFixed(2)} s` : ''}`);
}

// L2-SVM on D's features
{
  const config = { ...DEFAULT_MODEL_CONFIG, imageSize: 32, channels: 1 };
  const D = buildDiscriminator(config);
  initializeWeights(D, Rng.derive(3));
  const features = async (indices: Uint32Array) => {
    const images = tf.tensor4d(gatherImages(train.dataset, indices), [indices.length, 32, 32, 1]);
    const f = await discriminatorFeatures(D, images);
    images.dispose();
    return f;
  };
  const cValues = [0.001, 0.01, 0.1, 1];
  const order = Rng.derive(4).permutation(train.labels.length);
  const split = async (perClass: number) => {
    const idx = drawPerClass(train.labels, 10, perClass, order);
    const x = await features(idx);
    const d = x.length / idx.length;
    const y = Uint16Array.from(idx, (i) => train.labels[i]!);
    const fitRows = Rng.derive(5).permutation(idx.length).subarray(0, Math.floor(0.8 * idx.length));
    const fitX = new Float32Array(fitRows.length * d);
    fitRows.forEach((r, i) => fitX.set(x.subarray(r * d, (r + 1) * d), i * d));
    const fitY = Uint16Array.from(fitRows, (r) => y[r]!);
    return { x, y, d, fitX: Standardizer.fit(fitX, fitRows.length, d).apply(fitX, fitRows.length), fitY };
  };
  const small = await split(quick ? 20 : 100);
  const n = small.fitY.length;
  const loops = await time(() => cValues.map((C) => ref.trainLinearSvmDualCd(small.fitX, small.fitY, small.d, 10, { C, maxPasses: 100 }, Rng.derive(6))));
  const fast = await time(() => trainLinearSvmPath(small.fitX, small.fitY, small.d, 10, cValues));
  const objectives = cValues.map((C, i) => {
    const a = ref.primalObjectives(loops.value[i]!, small.fitX, small.fitY, C).reduce((s, v) => s + v, 0);
    const b = ref.primalObjectives(fast.value[i]!, small.fitX, small.fitY, C).reduce((s, v) => s + v, 0);
    return `C ${C}: ${(b / a).toFixed(4)}`;
  });
  report(`SVM ${n} x ${small.d}, 10 classes, 4 C values`, loops.s, fast.s, `objective fast/loops ${objectives.join(', ')}`);
  if (!quick) {
    const big = await split(1000);
    const path = await time(() => trainLinearSvmPath(big.fitX, big.fitY, big.d, 10, cValues));
    const acc: string[] = [];
    for (const m of path.value) acc.push(accuracy(await predictLinearSvm(m, big.fitX, big.fitY.length), big.fitY).toFixed(3));
    report(`SVM ${big.fitY.length} x ${big.d}, 10 classes, 4 C values`, null, path.s, `training accuracy ${acc.join(' / ')}`);
    const all = Standardizer.fit(big.x, big.y.length, big.d).apply(big.x, big.y.length);
    const refit = await time(() => trainLinearSvm(all, big.y, big.d, 10, { C: 0.01 }));
    report(`SVM ${big.y.length} x ${big.d}, 10 classes, C 0.01`, null, refit.s, 'the refit on all labels');
  }
  D.dispose();
}

console.log(JSON.stringify({ backend: backend.name, rows }));
