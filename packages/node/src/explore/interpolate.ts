import { DcganError, type Image8, type InterpolationMode, composeRows, walk } from '@dcgan-ts/core';
import { withGenerator } from '../run/checkpoints.js';
import { parseLatentList } from './latentInputs.js';
import { pictureFormat } from '../io/pictureFormat.js';
import { renderLatents, writePicture } from './render.js';

/**
 * What `dcgan interpolate` walks: the checkpoint, the points (seeds or z files), frames per segment, lerp or slerp
 * (default), and the output.
 */
export interface InterpolateRequest {
  checkpoint: string;
  /** false: G's own weights where the checkpoint also holds their moving average (--no-ema). Default true. */
  ema?: boolean;
  /** A class-conditional model: the class every image is drawn in (required there): an index, or one of its names. */
  class?: number | string;
  /** Seeds or z files, comma-separated (default: 9 points, seeds 0..8, as the paper's Figure 4 walks). */
  seeds?: string;
  /** Frames per segment between two points. */
  steps?: number;
  mode?: InterpolationMode;
  /** walk.png (one row per segment) or walk.gif (the whole walk, animated). */
  out?: string;
  /** GIF frame time. */
  delayMs?: number;
}

/** What interpolate wrote: the file, its frames, and the points walked through. */
export interface InterpolateResult {
  file: string;
  frames: number;
  points: number;
}

/** `dcgan interpolate`: a walk through latent points (paper section 6.1, Figure 4). */
export async function interpolate(request: InterpolateRequest): Promise<InterpolateResult> {
  const steps = request.steps ?? 8;
  const out = request.out ?? 'walk.png';
  const format = pictureFormat(out);
  if (!Number.isInteger(steps) || steps < 1 || steps > 256) throw new DcganError(`--steps must be from 1 to 256, got ${steps}`);
  return withGenerator(request, async (loaded) => {
    const { nz, z } = loaded.state.config;
    const points = await parseLatentList(request.seeds ?? '0,1,2,3,4,5,6,7,8', '--seeds', nz, z);
    if (points.length < 2) throw new DcganError('--seeds: a walk needs at least two points');
    const path = walk(points, steps, request.mode ?? 'slerp');
    const latents = Array.from({ length: path.length / nz }, (_, i) => path.subarray(i * nz, (i + 1) * nz));
    const frames = await renderLatents(loaded, latents, request.class);
    if (format === 'gif') {
      await writePicture(out, frames, request.delayMs ?? 80);
    } else {
      // Row s: point s to point s+1 inclusive, so each row reads as one interpolation.
      const rows: Image8[][] = [];
      for (let s = 0; s + 1 < points.length; s++) rows.push(frames.slice(s * steps, s * steps + steps + 1));
      await writePicture(out, composeRows(rows));
    }
    return { file: out, frames: frames.length, points: points.length };
  });
}
