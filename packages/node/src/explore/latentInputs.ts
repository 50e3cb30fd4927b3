import { DcganError, type LatentDistribution, latentForSeed } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';

/**
 * Latents named on the command line: a seed ("17", the z of `dcgan sample --seed 17`) or a JSON file saved by the
 * studio ({"z": [...]}), comma-separated: "3,17,42" or "3,smile.json".
 */
export async function parseLatentList(
  list: string,
  option: string,
  nz: number,
  distribution: LatentDistribution,
): Promise<Float32Array[]> {
  const tokens = list.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (tokens.length === 0) throw new DcganError(`${option}: give seeds or z files, e.g. ${option} 3,17,42`);
  return Promise.all(tokens.map((t) => (/^\d+$/.test(t) ? checkedSeed(t, option, nz, distribution) : readLatentFile(t, option, nz))));
}

function checkedSeed(token: string, option: string, nz: number, distribution: LatentDistribution): Float32Array {
  const seed = Number(token);
  if (seed > 0xffffffff) throw new DcganError(`${option}: seed ${token} is larger than 4294967295`);
  return latentForSeed(seed, nz, distribution);
}

/** A z saved as JSON: {"z": [nz numbers]} (what the studio downloads) or a bare array. */
export async function readLatentFile(file: string, option: string, nz: number): Promise<Float32Array> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    const why = e instanceof SyntaxError ? 'not valid JSON' : (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new DcganError(`${option}: "${file}" is neither a seed nor a readable z file (${why})`);
  }
  const values = Array.isArray(json) ? json : (json as { z?: unknown } | null)?.z;
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new DcganError(`${option}: ${file} holds no z (expected {"z": [numbers]})`);
  }
  if (values.length !== nz) throw new DcganError(`${option}: ${file} holds a z of ${values.length} values; this model's nz is ${nz}`);
  const z = Float32Array.from(values as number[]);
  // A double beyond float32's range (about 3.4e38) becomes Infinity here, and G would draw NaN.
  const outside = z.findIndex((v) => !Number.isFinite(v));
  if (outside !== -1) throw new DcganError(`${option}: ${file} holds z value ${outside}, ${values[outside]}, beyond float32's range`);
  return z;
}
