import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import './helpers.js';
import {
  BilinearResizer,
  type Rng,
  fitGaussian,
  frechetDistance,
  inceptionScore,
  kernelInceptionDistance,
  kthNeighbourRadii,
  precisionRecall,
} from '../src/index.js';

// Golden numbers: the metrics and the resize on fixed inputs against the reference implementations' arithmetic
// (pytorch-fid / scipy, torch-fidelity, torchvision), written by test/golden/make_golden.py, whose header says which
// formula and which version each expected number follows. The fixtures are sources: this file runs from
// dist/test, so they are read from ../../test/golden.

const GOLDEN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/golden');

interface FidCase {
  name: string;
  x: { set: 'X' | 'Y'; rows: [number, number] };
  y: { set: 'X' | 'Y'; rows: [number, number] };
  exact: number;
  pytorch_fid: number;
  torch_fidelity: number;
  traceSum: number;
}
interface KidStats {
  perSubset: number[];
  mean: number;
  std: number;
}
interface KidCase {
  name: string;
  seed: number;
  subsets: number;
  subsetSize: number;
  float64: KidStats;
  torch_fidelity_float32: KidStats;
  exact?: KidStats;
}
interface ResizeCase {
  name: string;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  channels: number;
  inputOffset: number;
  outputOffset: number;
  info: { float64TieIndices: number[] };
}
interface Golden {
  features: { file: string; rows: number; dims: number };
  featuresQuantized: { file: string; scale: number };
  fid: FidCase[];
  kid: { permutations: { file: string }; float32Features: KidCase; quantizedFeatures: KidCase };
  inceptionScore: { file: string; rows: number; classes: number; cases: { splits: number; mean: number; std: number; perSplit: number[] }[] };
  precisionRecall: { k: number; precision: number; recall: number; realRadii: number[]; fakeRadii: number[] };
  resize: { file: string; cases: ResizeCase[] };
}

const golden = JSON.parse(readFileSync(path.join(GOLDEN, 'golden.json'), 'utf8')) as Golden;
const bytes = (file: string) => {
  const b = readFileSync(path.join(GOLDEN, file));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};
/** Little-endian float32 / float64 files, read through a DataView (independent of the host's byte order). */
function floats(file: string, width: 4 | 8): Float64Array {
  const b = bytes(file);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Float64Array.from({ length: b.byteLength / width }, (_, i) => (width === 4 ? view.getFloat32(i * width, true) : view.getFloat64(i * width, true)));
}

const { rows: N, dims: D } = golden.features;
const all = floats(golden.features.file, 4);
const sets = { X: all.subarray(0, N * D), Y: all.subarray(N * D, 2 * N * D) };
const allQ = new Int8Array(bytes(golden.featuresQuantized.file).slice().buffer);
const setsQ = {
  X: Float64Array.from(allQ.subarray(0, N * D), (v) => v * golden.featuresQuantized.scale),
  Y: Float64Array.from(allQ.subarray(N * D, 2 * N * D), (v) => v * golden.featuresQuantized.scale),
};

/** |got - want| <= tol, with both in the message. */
function close(got: number, want: number, tol: number, what: string): void {
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want}, |diff| ${Math.abs(got - want)} > ${tol}`);
}

test('golden FID: frechetDistance(fitGaussian) against 40-digit arithmetic, pytorch-fid (scipy sqrtm) and torch-fidelity (eigvals)', (t) => {
  // FID's round-off scales with the traces it cancels (Tr S1 + Tr S2 - 2 Tr sqrt), so tolerances are multiples of
  // traceSum. Full rank: float64 round-off, measured <= 7.2e-14 traceSum against the exact value and <= 8.8e-14
  // against scipy / eigvals (whose own error it is: ours is closer to the exact value than either reference).
  // Rank deficient (48 rows in 64 dims, 17 zero eigenvalues): sqrt turns each zero eigenvalue's ~1e-15 round-off
  // into ~3e-8, measured 2.0e-9 traceSum from the exact value (pytorch-fid 4.5e-9, torch-fidelity 5.1e-9 off it).
  for (const c of golden.fid) {
    const [x0, x1] = c.x.rows;
    const [y0, y1] = c.y.rows;
    const a = fitGaussian(sets[c.x.set].slice(x0 * D, x1 * D), x1 - x0, D);
    const b = fitGaussian(sets[c.y.set].slice(y0 * D, y1 * D), y1 - y0, D);
    const fid = frechetDistance(a, b);
    const rankDeficient = x1 - x0 <= D || y1 - y0 <= D;
    const tol = (rankDeficient ? 1e-8 : 1e-12) * c.traceSum;
    close(fid, c.exact, tol, `${c.name} vs exact`);
    close(fid, c.pytorch_fid, tol, `${c.name} vs pytorch-fid`);
    close(fid, c.torch_fidelity, tol, `${c.name} vs torch-fidelity`);
    const worst = Math.max(...[c.exact, c.pytorch_fid, c.torch_fidelity].map((r) => Math.abs(fid - r)));
    t.diagnostic(`${c.name}: FID ${fid}, max |diff| ${worst.toExponential(2)} = ${(worst / c.traceSum).toExponential(2)} traceSum (tol ${tol.toExponential(2)})`);
  }
});

/** An Rng whose permutation() replays the given permutations in order (the subsets torch-fidelity draws). */
function replay(perms: readonly Uint32Array[]): { rng: Rng; used: () => number } {
  let next = 0;
  const rng = {
    permutation(n: number): Uint32Array {
      const p = perms[next++];
      assert.ok(p, `kernelInceptionDistance drew more than the ${perms.length} stored permutations`);
      assert.equal(p.length, n, 'kernelInceptionDistance asked for a permutation of another size');
      return Uint32Array.from(p);
    },
  };
  return { rng: rng as unknown as Rng, used: () => next };
}

/** Per subset: [permutation of X's rows, permutation of Y's rows], in torch-fidelity's draw order. */
const kidPerms = (() => {
  const b = bytes(golden.kid.permutations.file);
  return Array.from({ length: golden.kid.float32Features.subsets }, (_, s) => [
    Uint32Array.from(b.subarray(2 * s * N, (2 * s + 1) * N)),
    Uint32Array.from(b.subarray((2 * s + 1) * N, (2 * s + 2) * N)),
  ]);
})();

test('golden KID: each subset, the mean and the std on torch-fidelity subsets', async (t) => {
  // Our Gram matrices are float32 products (kid.ts), the cube and the sums float64. On k/8 features every float32
  // Gram entry is exact, so the result must equal the exact rational value to float64 summation round-off (measured
  // 3.3e-16). On general float32 features the Gram's float32 round-off shows: measured 1.5e-9 per subset, 1.6e-10 on
  // the mean, 7.4e-10 on the std (KID ~ 0.26), against 7.9e-8 for torch-fidelity's own all-float32 arithmetic.
  for (const [c, data, ref, tol] of [
    [golden.kid.quantizedFeatures, setsQ, golden.kid.quantizedFeatures.exact!, 1e-12],
    [golden.kid.float32Features, sets, golden.kid.float32Features.float64, 1e-8],
  ] as const) {
    let maxDiff = 0;
    for (let s = 0; s < c.subsets; s++) {
      const { rng, used } = replay(kidPerms[s]!);
      const r = await kernelInceptionDistance(data.X, N, data.Y, N, D, rng, 1, c.subsetSize);
      assert.equal(used(), 2, 'one subset takes one permutation of each set');
      assert.equal(r.subsetSize, c.subsetSize);
      close(r.mean, ref.perSubset[s]!, tol, `${c.name}, subset ${s}`);
      maxDiff = Math.max(maxDiff, Math.abs(r.mean - ref.perSubset[s]!));
    }
    const { rng, used } = replay(kidPerms.flat());
    const r = await kernelInceptionDistance(data.X, N, data.Y, N, D, rng, c.subsets, c.subsetSize);
    assert.equal(used(), 2 * c.subsets, 'every stored permutation is drawn');
    close(r.mean, ref.mean, tol, `${c.name}, mean`);
    close(r.std, ref.std, tol, `${c.name}, std`);
    t.diagnostic(
      `${c.name}: KID ${r.mean} ± ${r.std}; max |diff| per subset ${maxDiff.toExponential(2)}, mean ${Math.abs(r.mean - ref.mean).toExponential(2)}, std ${Math.abs(r.std - ref.std).toExponential(2)} (tol ${tol})`,
    );
  }
});

test("golden inception score: torch-fidelity's isc (shuffle off) on softmax probabilities, 10, 7 and 1 splits", (t) => {
  // Both float64; ours takes log(p) where torch-fidelity takes log_softmax: measured <= 1.4e-15 relative.
  const g = golden.inceptionScore;
  const probs = floats(g.file, 8);
  for (const c of g.cases) {
    const r = inceptionScore(probs, g.rows, g.classes, c.splits);
    close(r.mean, c.mean, 1e-12 * c.mean, `IS, ${c.splits} splits, mean`);
    close(r.std, c.std, 1e-12 * c.mean, `IS, ${c.splits} splits, std`);
    t.diagnostic(`${c.splits} splits: IS ${r.mean} ± ${r.std}; |diff| mean ${Math.abs(r.mean - c.mean).toExponential(2)}, std ${Math.abs(r.std - c.std).toExponential(2)}`);
  }
});

test("golden precision / recall: torch-fidelity's calculate_precision_recall_full, k = 3, float64 distances", async (t) => {
  // The radii are float64 distances (kthvalue of the k + 1 smallest, the row itself and its duplicates included):
  // measured identical to torch.cdist's direct float64 differences; the counts must be equal.
  const g = golden.precisionRecall;
  let worst = 0;
  for (const [data, want, what] of [
    [sets.X, g.realRadii, 'real'],
    [sets.Y, g.fakeRadii, 'fake'],
  ] as const) {
    const radii = await kthNeighbourRadii(data, N, D, g.k);
    for (let i = 0; i < N; i++) {
      close(radii[i]!, want[i]!, 1e-14 * want[i]!, `${what} radius ${i}`);
      worst = Math.max(worst, Math.abs(radii[i]! - want[i]!) / want[i]!);
    }
  }
  const r = await precisionRecall(sets.X, N, sets.Y, N, D, g.k);
  assert.equal(r.precision, g.precision);
  assert.equal(r.recall, g.recall);
  t.diagnostic(`precision ${r.precision}, recall ${r.recall}; radii max relative diff ${worst}`);
});

test('golden resize: BilinearResizer against torchvision 0.14 Resize(antialias=True) on uint8 tensors', (t) => {
  // Every output byte must equal torchvision's, except where the exact filter value is k + 1/2 (float64TieIndices):
  // there torchvision's torch.round rounds half to even and BilinearResizer's Math.round rounds half up, so ours is
  // one level higher wherever k is even (18 of the 34 ties in these cases). A known discrepancy of the rounding
  // convention, not of the filter: at those entries one level either way is accepted.
  const blob = bytes(golden.resize.file);
  for (const c of golden.resize.cases) {
    const out = new BilinearResizer(c.inH, c.inW, c.outH, c.outW, c.channels).resize(blob, c.inputOffset);
    assert.equal(out.length, c.outH * c.outW * c.channels);
    const want = blob.subarray(c.outputOffset, c.outputOffset + out.length);
    const ties = new Set(c.info.float64TieIndices);
    let offTies = 0;
    let atTies = 0;
    for (let i = 0; i < out.length; i++) {
      const diff = Math.abs(out[i]! - want[i]!);
      if (ties.has(i)) {
        assert.ok(diff <= 1, `${c.name}: entry ${i} (a k + 1/2 tie): got ${out[i]}, torchvision ${want[i]}`);
        if (diff) atTies++;
      } else {
        assert.equal(out[i], want[i], `${c.name}: entry ${i}: got ${out[i]}, torchvision ${want[i]}`);
        if (diff) offTies++;
      }
    }
    t.diagnostic(`${c.name}: ${out.length - offTies - atTies}/${out.length} equal; ${atTies} of ${ties.size} half-way ties one level up (half-up vs half-to-even)`);
  }
});
