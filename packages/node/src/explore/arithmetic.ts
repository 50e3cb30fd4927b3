import { DcganError, type Image8, Rng, RngStream, composeRows, latentArithmetic, latentNeighbours, meanLatent } from '@dcgan-ts/core';
import { withGenerator } from '../run/checkpoints.js';
import { parseLatentList } from './latentInputs.js';
import { pictureFormat } from '../io/pictureFormat.js';
import { renderLatents, writePicture } from './render.js';

/**
 * `dcgan arithmetic`: the checkpoint, three exemplar groups A, B, C (seeds or z files) for A - B + C, the output, and
 * the noise of the result's neighbours.
 */
export interface ArithmeticRequest {
  checkpoint: string;
  /** false: G's own weights where the checkpoint also holds their moving average (--no-ema). Default true. */
  ema?: boolean;
  /** A class-conditional model: the class every image is drawn in (required there): an index, or one of its names. */
  class?: number | string;
  /** Exemplar groups as seeds or z files, e.g. "3,17,42" (the paper averages 3 per concept). */
  a: string;
  b: string;
  c: string;
  out?: string;
  /** Uniform noise added to the result z for its neighbours (Figure 7: 0.25). */
  radius?: number;
  /** Seed of the neighbours' noise. */
  seed?: number;
}

/** What arithmetic wrote, and the result z. */
export interface ArithmeticResult {
  file: string;
  /** The result z, mean(A) - mean(B) + mean(C), for reuse. */
  z: number[];
}

/**
 * `dcgan arithmetic`: A - B + C on averaged z (paper section 6.3.2, Figure 7). The picture: one row per group,
 * its exemplars then (after a gap) their average's image; to the right a 3x3 block with the result's image at its
 * centre and 8 neighbours (result z + U(-radius, radius)) around it.
 */
export async function arithmetic(request: ArithmeticRequest): Promise<ArithmeticResult> {
  const out = request.out ?? 'arithmetic.png';
  pictureFormat(out, ['png']);
  const radius = request.radius ?? 0.25;
  if (!(radius >= 0)) throw new DcganError(`--radius must be >= 0, got ${radius}`);
  return withGenerator(request, async (loaded) => {
    const { nz, z } = loaded.state.config;
    const groups = [
      await parseLatentList(request.a, '--a', nz, z),
      await parseLatentList(request.b, '--b', nz, z),
      await parseLatentList(request.c, '--c', nz, z),
    ];
    const result = latentArithmetic(groups[0]!, groups[1]!, groups[2]!);
    const neighbours = latentNeighbours(result, 8, radius, Rng.derive(request.seed ?? 0, RngStream.unnamed));
    const width = Math.max(...groups.map((g) => g.length));
    const images = await renderLatents(loaded, [...groups.flat(), ...groups.map(meanLatent), result, ...neighbours], request.class);
    let next = 0;
    const take = (n: number) => {
      const part = images.slice(next, next + n);
      next += n;
      return part;
    };
    const exemplars = groups.map((g) => take(g.length));
    const means = take(3);
    const [resultImage, ...around] = images.slice(next);
    // The 3x3 block, row-major, result in the middle.
    const block: Image8[] = [...around.slice(0, 4), resultImage!, ...around.slice(4)];
    const rows = exemplars.map((ex, r) => [
      ...ex,
      ...Array<Image8 | null>(width - ex.length).fill(null),
      means[r]!,
      ...block.slice(3 * r, 3 * r + 3),
    ]);
    await writePicture(out, composeRows(rows, { gapsAfter: [width - 1, width] }));
    return { file: out, z: Array.from(result) };
  });
}
