import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyConfig } from './helpers.js';
import {
  Rng,
  buildGenerator,
  downsampleMask,
  fitLogisticRegression,
  generatorActivations,
  generatorBlockWidth,
  initializeWeights,
  latentsForSeeds,
  probeFeatureMaps,
  rocAuc,
} from '../src/index.js';

test('logistic regression recovers the weights of the model that drew the labels; AUC closed forms', () => {
  const rng = Rng.derive(40);
  const n = 4000;
  const d = 3;
  const truth = [2, -1, 0];
  const x = Float64Array.from(rng.normals(n * d));
  const inside = Uint8Array.from({ length: n }, (_, i) => {
    const s = 0.5 + truth.reduce((a, w, k) => a + w * x[i * d + k]!, 0);
    return rng.uniform() < 1 / (1 + Math.exp(-s)) ? 1 : 0;
  });
  const model = fitLogisticRegression(x, inside, d, 1e-3);
  truth.forEach((w, k) => assert.ok(Math.abs(model.weights[k]! - w) < 0.2, `w${k} ${model.weights[k]} vs ${w}`));
  assert.ok(Math.abs(model.bias - 0.5) < 0.15, `bias ${model.bias}`);
  // A stronger L2 penalty shrinks the weights.
  assert.ok(Math.abs(fitLogisticRegression(x, inside, d, 1000).weights[0]!) < Math.abs(model.weights[0]!) / 2);
  assert.equal(rocAuc(Float64Array.from([1, 2, 3, 4]), Uint8Array.from([0, 0, 1, 1])), 1);
  assert.equal(rocAuc(Float64Array.from([4, 3, 2, 1]), Uint8Array.from([0, 0, 1, 1])), 0);
  assert.equal(rocAuc(Float64Array.from([1, 1, 1, 1]), Uint8Array.from([0, 1, 0, 1])), 0.5);
});

test('downsampleMask: a position is inside when half its pixels are', () => {
  const mask = new Uint8Array(16);
  mask.set([1, 1, 0, 0, 1, 0, 0, 0], 0); // rows 0-1 of a 4x4 image
  assert.deepEqual(Array.from(downsampleMask(mask, 4, 2)), [1, 0, 0, 0]);
  assert.deepEqual(Array.from(downsampleMask(mask, 4, 4)), [1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test("probe: masks drawn from one map's own activations rank that map first", () => {
  const config = tinyConfig({ ngf: 8 });
  const G = buildGenerator(config);
  initializeWeights(G, Rng.derive(41));
  const block = 2;
  const width = generatorBlockWidth(G, block);
  const seeds = Array.from({ length: 24 }, (_, i) => i);
  const acts = generatorActivations(G, latentsForSeeds(seeds, config.nz, config.z), config.nz, block);
  const [n, r, , c] = acts.shape;
  assert.deepEqual([n, c], [24, width]);
  const values = acts.dataSync() as Float32Array;
  acts.dispose();
  for (const chosen of [1, width - 2]) {
    // Inside = where the chosen map exceeds its median over all positions, drawn as image-sized masks (each position
    // a block of pixels), the way a user's boxes arrive.
    const own = Float64Array.from({ length: n * r * r }, (_, p) => values[p * c + chosen]!).sort();
    const threshold = own[Math.floor(own.length / 2)]!;
    const f = config.imageSize / r;
    const masks = seeds.map((_, i) => {
      const image = new Uint8Array(config.imageSize * config.imageSize);
      for (let y = 0; y < config.imageSize; y++) {
        for (let x = 0; x < config.imageSize; x++) {
          const p = (i * r + Math.floor(y / f)) * r + Math.floor(x / f);
          image[y * config.imageSize + x] = values[p * c + chosen]! > threshold ? 1 : 0;
        }
      }
      return downsampleMask(image, config.imageSize, r);
    });
    const result = probeFeatureMaps(values, masks, r, c, 0.1);
    assert.equal(result.ranking[0]!.map, chosen, JSON.stringify(result.ranking.slice(0, 3)));
    assert.ok(result.ranking[0]!.weight > 2 * Math.abs(result.ranking[1]!.weight), JSON.stringify(result.ranking.slice(0, 3)));
    assert.ok(result.auc > 0.99 && result.accuracy > 0.95, JSON.stringify(result));
  }
  G.dispose();
});
