import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  DcganError,
  type Image8,
  downsampleMask,
  generatorActivations,
  generatorBlockWidth,
  generatorBlocks,
  latentsForSeeds,
  probeFeatureMaps,
  type MapWeight,
  refuseConditional,
} from '@dcgan-ts/core';
import { decodePng } from '../io/png.js';
import { withGenerator } from '../run/checkpoints.js';
import { checkBlock } from './inside.js';

/**
 * `dcgan probe`: the paper's section 6.3.1 probe of G's feature maps against boxes a user drew on G's own samples.
 * Masks come as either
 *   - a folder of PNGs named like `dcgan sample --separate` names the images (seed-000042.png), white (>= 128) =
 *     inside, each the size of G's images: copy the samples, paint the boxes white and the rest black; or
 *   - a JSON file {"42": [[x0, y0, x1, y1], ...], ...}: boxes per seed in image pixels, x1 and y1 exclusive.
 */
export interface ProbeRequest {
  checkpoint: string;
  /** false: G's own weights where the checkpoint also holds their moving average (--no-ema). Default true. */
  ema?: boolean;
  /** G block, 1-based (1: the 4x4 projection). */
  layer: number;
  masks: string;
  /** Seeds to use (default: every seed that has a mask). */
  seeds?: number[];
  /** Maps the suggested `dcgan ablate` drops: the top K with positive weight (default 5). */
  top?: number;
  /** L2 strength of the logistic regression (default 1). */
  l2?: number;
}

/**
 * What probe found: the protocol, how well the maps predict the boxes (accuracy, ROC AUC), every map ranked, and the
 * maps to drop with the `dcgan ablate` command that drops them.
 */
export interface ProbeReport {
  protocol: {
    checkpoint: string;
    step: number;
    layer: number;
    resolution: number;
    maps: number;
    seeds: number[];
    positions: number;
    insidePositions: number;
    classifier: string;
  };
  accuracy: number;
  auc: number;
  /** Every map, largest weight first. */
  ranking: MapWeight[];
  /** The top K maps with positive weight, and the command that drops them. */
  drop: number[];
  ablate: string;
}

const SEED_PNG = /^seed-(\d+)\.png$/;

/** Image-sized masks (S * S, 1 = inside) per seed from a folder of PNGs. */
async function masksFromFolder(dir: string, imageSize: number): Promise<Map<number, Uint8Array>> {
  const names = (await fs.readdir(dir)).filter((n) => SEED_PNG.test(n)).sort();
  if (names.length === 0) throw new DcganError(`${dir} has no masks named seed-NNNNNN.png (as dcgan sample --separate names its images)`);
  const out = new Map<number, Uint8Array>();
  for (const name of names) {
    const file = path.join(dir, name);
    let image: Image8;
    try {
      image = decodePng(await fs.readFile(file));
    } catch (e) {
      throw new DcganError(`${file}: not a PNG (${(e as Error).message})`);
    }
    if (image.width !== imageSize || image.height !== imageSize) {
      throw new DcganError(`${file} is ${image.width}x${image.height}; masks must be the size of G's images, ${imageSize}x${imageSize}`);
    }
    const mask = new Uint8Array(imageSize * imageSize);
    for (let p = 0; p < mask.length; p++) mask[p] = image.data[p * image.channels]! >= 128 ? 1 : 0;
    out.set(Number(SEED_PNG.exec(name)![1]), mask);
  }
  return out;
}

/** Image-sized masks per seed from a JSON file of boxes. */
async function masksFromBoxes(file: string, imageSize: number): Promise<Map<number, Uint8Array>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new DcganError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DcganError(`${file}: expected {"<seed>": [[x0, y0, x1, y1], ...], ...}`);
  }
  const out = new Map<number, Uint8Array>();
  for (const [key, boxes] of Object.entries(parsed as Record<string, unknown>)) {
    if (!/^\d+$/.test(key)) throw new DcganError(`${file}: "${key}" is not a seed`);
    if (!Array.isArray(boxes)) throw new DcganError(`${file}: seed ${key}: expected a list of [x0, y0, x1, y1] boxes`);
    const mask = new Uint8Array(imageSize * imageSize);
    for (const box of boxes) {
      const ok = Array.isArray(box) && box.length === 4 && box.every((v) => Number.isInteger(v));
      const [x0, y0, x1, y1] = (ok ? box : [0, 0, 0, 0]) as number[];
      if (!ok || x0! < 0 || y0! < 0 || x1! > imageSize || y1! > imageSize || x0! >= x1! || y0! >= y1!) {
        throw new DcganError(`${file}: seed ${key}: box ${JSON.stringify(box)} must be [x0, y0, x1, y1] with 0 <= x0 < x1 <= ${imageSize}, same for y`);
      }
      for (let y = y0!; y < y1!; y++) mask.fill(1, y * imageSize + x0!, y * imageSize + x1!);
    }
    out.set(Number(key), mask);
  }
  return out;
}

/**
 * `dcgan probe` (paper section 6.3.1): fits a logistic regression from G's activations at one block to the boxes drawn
 * on its samples, and ranks the block's feature maps by weight.
 */
export async function probe(request: ProbeRequest): Promise<ProbeReport> {
  const stat = await fs.stat(request.masks).catch(() => null);
  if (!stat) throw new DcganError(`--masks ${request.masks}: no such file or folder`);
  const top = request.top ?? 5;
  if (!Number.isInteger(top) || top < 1) throw new DcganError(`--top must be a positive integer, got ${top}`);
  return withGenerator(request, async (loaded) => {
    refuseConditional(loaded.state.config, 'dcgan probe');
    const G = loaded.generator;
    checkBlock(request.layer, generatorBlocks(G), 'G');
    const { nz, z, imageSize } = loaded.state.config;
    const all = stat.isDirectory() ? await masksFromFolder(request.masks, imageSize) : await masksFromBoxes(request.masks, imageSize);
    const seeds = request.seeds ?? [...all.keys()].sort((a, b) => a - b);
    const missing = seeds.filter((s) => !all.has(s));
    if (missing.length > 0) throw new DcganError(`no mask for seed${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in ${request.masks}`);
    if (seeds.length === 0) throw new DcganError(`${request.masks} has no masks`);
    const width = generatorBlockWidth(G, request.layer);
    const activations = generatorActivations(G, latentsForSeeds(seeds, nz, z), nz, request.layer); // (n, r, r, width)
    const resolution = activations.shape[1];
    const values = (await activations.data()) as Float32Array;
    activations.dispose();
    const masks = seeds.map((s) => downsampleMask(all.get(s)!, imageSize, resolution));
    const inside = masks.reduce((sum, m) => sum + m.reduce((a, v) => a + v, 0), 0);
    const positions = seeds.length * resolution * resolution;
    if (inside === 0) throw new DcganError(`no position of block ${request.layer} (${resolution}x${resolution}) is inside a box: draw larger boxes or probe a finer block`);
    if (inside === positions) throw new DcganError(`every position of block ${request.layer} is inside a box: the probe needs outside positions too`);
    const l2 = request.l2 ?? 1;
    const fit = probeFeatureMaps(values, masks, resolution, width, l2);
    const drop = fit.ranking.filter((m) => m.weight > 0).slice(0, top).map((m) => m.map);
    return {
      protocol: {
        checkpoint: loaded.dir,
        step: loaded.state.step,
        layer: request.layer,
        resolution,
        maps: width,
        seeds,
        positions,
        insidePositions: inside,
        classifier: `L2 logistic regression (lambda ${l2}) on each position's standardised activations of block ${request.layer}; a position is inside when half its pixels are`,
      },
      accuracy: fit.accuracy,
      auc: fit.auc,
      ranking: fit.ranking,
      drop,
      ablate: drop.length > 0 ? `dcgan ablate --checkpoint ${request.checkpoint} --layer ${request.layer} --maps ${drop.join(',')}` : '',
    };
  });
}
