import { DcganError, type Image8, composeRows, linspace, sweepDimension } from '@dcgan-ts/core';
import { withGenerator } from '../run/checkpoints.js';
import { parseLatentList } from './latentInputs.js';
import { pictureFormat } from '../io/pictureFormat.js';
import { renderLatents, writePicture } from './render.js';

/**
 * What `dcgan sweep` varies: one latent dimension or all, over `steps` values from -range to range (default 2, 1 for
 * uniform z), around a base latent.
 */
export interface SweepRequest {
  checkpoint: string;
  /** false: G's own weights where the checkpoint also holds their moving average (--no-ema). Default true. */
  ema?: boolean;
  /** A class-conditional model: the class every image is drawn in (required there): an index, or one of its names. */
  class?: number | string;
  /** The base latent: a seed or a z file (default: seed 0). */
  seed?: string;
  /** One dimension, or 'all' for a row per dimension. */
  dim: number | 'all';
  /** Values per dimension, evenly spaced over [-range, range]. */
  steps?: number;
  range?: number;
  /** sweep.png (rows: dimensions, columns: values) or sweep.gif (frames: values). */
  out?: string;
}

/** What sweep wrote: the file, the number of dimensions swept, and the values each took. */
export interface SweepResult {
  file: string;
  dims: number;
  values: number[];
}

/** `dcgan sweep`: what each latent dimension does, one at a time (DCGAN-tensorflow's visualisation). */
export async function sweep(request: SweepRequest): Promise<SweepResult> {
  const out = request.out ?? 'sweep.png';
  const format = pictureFormat(out);
  const steps = request.steps ?? 9;
  if (!Number.isInteger(steps) || steps < 2 || steps > 64) throw new DcganError(`--steps must be from 2 to 64, got ${steps}`);
  return withGenerator(request, async (loaded) => {
    const { nz, z: distribution } = loaded.state.config;
    const range = request.range ?? (distribution === 'uniform' ? 1 : 2);
    const [base] = await parseLatentList(request.seed ?? '0', '--seed', nz, distribution);
    const dims = request.dim === 'all' ? Array.from({ length: nz }, (_, i) => i) : [request.dim];
    if (dims.some((d) => !Number.isInteger(d) || d < 0 || d >= nz)) {
      throw new DcganError(`--dim must be all or a dimension from 0 to ${nz - 1}, got ${request.dim}`);
    }
    const values = linspace(-range, range, steps);
    const images = await renderLatents(loaded, dims.flatMap((d) => sweepDimension(base!, d, values)), request.class);
    const rows: Image8[][] = dims.map((_, r) => images.slice(r * steps, (r + 1) * steps));
    const picture =
      format === 'gif'
        ? values.map((_, k) => (rows.length === 1 ? rows[0]![k]! : composeRows(squareRows(rows.map((row) => row[k]!)))))
        : composeRows(rows);
    await writePicture(out, picture, 120);
    return { file: out, dims: dims.length, values };
  });
}

/** Arranges images into a near-square grid of rows. */
function squareRows(images: Image8[]): Image8[][] {
  const columns = Math.ceil(Math.sqrt(images.length));
  const rows: Image8[][] = [];
  for (let i = 0; i < images.length; i += columns) rows.push(images.slice(i, i + columns));
  return rows;
}
