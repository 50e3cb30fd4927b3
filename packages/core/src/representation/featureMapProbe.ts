import { fitLogisticRegression, logisticScores, rocAuc } from './logisticRegression.js';

/**
 * The paper's section 6.3.1 probe: which of G's feature maps draw a chosen object ("windows")? Boxes are drawn on
 * generated images; a logistic regression predicts, from the activations of one G block at each spatial position
 * (one row per image and position, one column per feature map), whether that position lies inside a box. Maps with
 * large positive weights are the ones that fire on the object; `dcgan ablate` then drops them.
 * `block` counts G's ReLU blocks from 1 (the 4x4 projection), as in ablation.ts.
 */

/**
 * An image-sized mask (S, S), 1 = inside, brought to a block's resolution r (S divisible by r): a position is inside
 * when at least half of the S/r x S/r pixels it covers are.
 */
export function downsampleMask(mask: Uint8Array, imageSize: number, resolution: number): Uint8Array {
  const f = imageSize / resolution;
  if (!Number.isInteger(f)) throw new Error(`image size ${imageSize} is not a multiple of ${resolution}`);
  const out = new Uint8Array(resolution * resolution);
  for (let u = 0; u < resolution; u++) {
    for (let v = 0; v < resolution; v++) {
      let count = 0;
      for (let y = u * f; y < (u + 1) * f; y++) for (let x = v * f; x < (v + 1) * f; x++) count += mask[y * imageSize + x] ? 1 : 0;
      out[u * resolution + v] = 2 * count >= f * f ? 1 : 0;
    }
  }
  return out;
}

/** One feature map's weight in the probe's logistic regression: positive when the map fires inside the boxes. */
export interface MapWeight {
  map: number;
  /** Weight of the map's standardised activation (per standard deviation over all positions). */
  weight: number;
}

/**
 * What probeFeatureMaps returns: every map ranked by weight, and how well the fit tells inside from outside positions
 * (accuracy, ROC AUC).
 */
export interface ProbeResult {
  /** Every map, largest weight first. */
  ranking: MapWeight[];
  /** Of the fit on its own rows, at probability 0.5. */
  accuracy: number;
  auc: number;
  positions: number;
  /** Positions inside a box (at the block's resolution). */
  insidePositions: number;
}

/**
 * Fits the probe on activations (n, r, r, c) (float32, as a block's output) and each image's inside-mask at that
 * resolution (n masks of r * r). Activations are standardised per map so that the weights compare maps.
 */
export function probeFeatureMaps(activations: Float32Array, masks: readonly Uint8Array[], resolution: number, channels: number, lambda = 1): ProbeResult {
  const positions = masks.length * resolution * resolution;
  if (activations.length !== positions * channels) throw new Error(`activations hold ${activations.length} values, expected ${positions * channels}`);
  const inside = new Uint8Array(positions);
  masks.forEach((m, i) => inside.set(m, i * resolution * resolution));
  const x = Float64Array.from(activations);
  for (let c = 0; c < channels; c++) {
    let mean = 0;
    for (let i = 0; i < positions; i++) mean += x[i * channels + c]!;
    mean /= positions;
    let sq = 0;
    for (let i = 0; i < positions; i++) sq += (x[i * channels + c]! - mean) ** 2;
    const std = Math.sqrt(sq / positions);
    const inv = std > 1e-12 ? 1 / std : 0; // a map that never varies carries no information: weight 0
    for (let i = 0; i < positions; i++) x[i * channels + c] = (x[i * channels + c]! - mean) * inv;
  }
  const model = fitLogisticRegression(x, inside, channels, lambda);
  const scores = logisticScores(model, x, positions);
  let right = 0;
  scores.forEach((s, i) => {
    if ((s > 0 ? 1 : 0) === inside[i]) right++;
  });
  const ranking = Array.from(model.weights, (weight, map) => ({ map, weight })).sort((a, b) => b.weight - a.weight);
  return { ranking, accuracy: right / positions, auc: rocAuc(scores, inside), positions, insidePositions: inside.reduce((s, v) => s + v, 0) };
}
