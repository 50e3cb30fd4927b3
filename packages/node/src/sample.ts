import * as tf from '@tensorflow/tfjs-core';
import {
  resolveClass,
  checkTruncation,
  generatorInputWidth,
  seedInputs,
  DcganError,
  generate,
  generateSpatial,
  latentMap,
  latentForSeed,
  latentsForSeeds,
  makeGrid,
  seedRange,
  toImages,
  type ModelConfig,
  type Truncation,
} from '@dcgan-ts/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeRemovedLeftover, removeLeftovers } from './io/leftovers.js';
import { pictureFormat } from './io/pictureFormat.js';
import { writePng } from './io/png.js';
import { withGenerator } from './run/checkpoints.js';
import { describeFsError } from './run/runDirectory.js';

/**
 * What `dcgan sample` draws: from which checkpoint, how many images from which seed, and where they go (a grid PNG, one
 * PNG per image, or one spatial image).
 */
export interface SampleRequest {
  /** A run directory (its latest checkpoint) or a checkpoint directory. */
  checkpoint: string;
  /** false: G's own weights where the checkpoint also holds their moving average (--no-ema). Default true. */
  ema?: boolean;
  n?: number;
  /** Image i is drawn from the latent of seed `seed + i` (the seeds of the studio and `dcgan interpolate`). */
  seed?: number;
  /** Grid PNG; written unless only `separate` is given. */
  out?: string;
  /** Folder for one PNG per image, named seed-NNNNNN.png. */
  separate?: string;
  /** Draw one large image from a K x K map of the latents of seeds seed..seed+K*K-1 (G is fully convolutional). */
  spatial?: number;
  /** The truncation trick: each seed's z truncated (core's latent/truncation.ts). */
  truncation?: Truncation;
  /** A class-conditional model: draw every image in this class, an index or one of its names (default: seed i in class i mod K). */
  class?: number | string;
  /** Images written to `separate` so far, after every batch. */
  onProgress?(done: number, total: number): void;
  /** One line for what the user should know (a leftover of an interrupted run removed). */
  onNotice?(line: string): void;
}

/** What `sample` wrote: the checkpoint it read, that checkpoint's training step, and the files. */
export interface SampleResult {
  checkpoint: string;
  step: number;
  /** Whether the images came from the moving average of G's weights (a run with --ema) rather than G itself. */
  ema: boolean;
  /** The grid first (when drawn), then one file per image of `separate` in seed order. */
  files: string[];
}

/** A grid holds at most this many images (100 x 100 tiles: 3,200 pixels a side at 32x32, 6,400 at 64x64). */
export const SAMPLE_GRID_MAX = 10_000;
/** `--separate` alone streams up to this many (the standard evaluation draws 50,000). */
export const SAMPLE_SEPARATE_MAX = 1_000_000;
/**
 * Images generated, encoded and written per round of `--separate`: memory stays at one batch of G's output
 * (256 x 64 x 64 x 3 float32 = 12 MiB) whatever `--n` is.
 */
const SEPARATE_BATCH = 256;
/** PNG writes in flight at once: enough to hide the file system's latency behind encoding. */
const WRITES_IN_FLIGHT = 16;

function checkCount(request: SampleRequest, n: number, first: number): void {
  const gridWanted = request.out !== undefined || request.separate === undefined;
  const max = gridWanted ? SAMPLE_GRID_MAX : SAMPLE_SEPARATE_MAX;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    const more = gridWanted && Number.isInteger(n) && n > max && n <= SAMPLE_SEPARATE_MAX
      ? `; for more, write one file per image with --separate DIR and no --out`
      : '';
    throw new DcganError(`--n must be an integer from 1 to ${max}${gridWanted ? ' for a grid' : ''}, got ${n}${more}`);
  }
  if (first + n - 1 > 0xffffffff) throw new DcganError(`--seed ${first} with --n ${n} runs past the last seed, 4294967295`);
}

/** `dcgan sample` as a library call. */
export async function sample(request: SampleRequest): Promise<SampleResult> {
  const n = request.n ?? 64;
  const first = request.seed ?? 0;
  // The grid is a PNG whatever its name says: a name that promises another format is refused before any work.
  if (request.out !== undefined) pictureFormat(request.out, ['png']);
  if (request.spatial !== undefined) return sampleSpatial(request, request.spatial);
  checkCount(request, n, first);
  return withGenerator(request, async (loaded) => {
    if (request.truncation) checkTruncation(request.truncation, loaded.state.config.z);
    const resolved = { ...request, class: resolveClass(loaded.state.config, request.class) };
    const files: string[] = [];
    if (request.separate) files.push(...(await writeSeparate(loaded.generator, loaded.state.config, request.separate, first, n, resolved)));
    if (request.out || !request.separate) files.unshift(await writeGrid(loaded.generator, loaded.state.config, request.out ?? 'grid.png', first, n, resolved));
    return { checkpoint: loaded.dir, step: loaded.state.step, ema: loaded.averaged, files };
  });
}

/** A request whose --class is the model's class index (resolveClass), no longer a name. */
type ClassResolved = Omit<SampleRequest, 'class'> & { class?: number };

type GeneratorConfig = Pick<ModelConfig, 'nz' | 'z' | 'imageSize' | 'channels' | 'classes'>;

/** G's images of `seeds` (n, S, S, C): truncated z where asked, in `--class` or each seed's class where conditional. */
function seedImages(generator: tfl.LayersModel, config: GeneratorConfig, seeds: number[], request: ClassResolved): tf.Tensor4D {
  const latents = latentsForSeeds(seeds, config.nz, config.z, request.truncation);
  return generate(generator, seedInputs(config, latents, seeds, request.class), generatorInputWidth(config), SEPARATE_BATCH);
}

/** The file of seed `seed` in a `--separate` folder: seed-000042.png (six digits, more for larger seeds). */
export function separateFileName(seed: number): string {
  return `seed-${String(seed).padStart(6, '0')}.png`;
}

/** The images of seeds first..first+n-1 as one grid PNG. */
async function writeGrid(generator: tfl.LayersModel, config: GeneratorConfig, file: string, first: number, n: number, request: ClassResolved): Promise<string> {
  const { imageSize: s, channels: c } = config;
  const images = seedImages(generator, config, seedRange(first, n), request);
  try {
    const values = await images.data<'float32'>();
    for (const removed of await removeLeftoversOf(file)) request.onNotice?.(describeRemovedLeftover(removed));
    await writePng(file, makeGrid(values, n, s, s, c));
  } catch (e) {
    if (e instanceof DcganError) throw e;
    throw new DcganError(`cannot write ${file}: ${describeFsError(e)}`);
  } finally {
    tf.dispose(images);
  }
  return file;
}

async function removeLeftoversOf(file: string) {
  return removeLeftovers(path.dirname(file), { of: path.basename(file) }).catch(() => []);
}

/**
 * One PNG per image into `dir`, streamed: a batch of SEPARATE_BATCH images is generated, read back and written
 * before the next is drawn, so `--n 50000` needs no more memory than `--n 256`. Each file is written under a
 * temporary name and renamed into place (a kill leaves finished files and at most a few dot-named leftovers, which
 * the next `dcgan sample` into the same folder removes); the files are not flushed to disk one by one, since a
 * sample is redrawn exactly from its seed and 50,000 fsyncs would cost more than drawing them.
 */
async function writeSeparate(generator: tfl.LayersModel, config: GeneratorConfig, dir: string, first: number, n: number, request: ClassResolved): Promise<string[]> {
  const { imageSize: s, channels: c } = config;
  try {
    await fs.mkdir(dir, { recursive: true });
    for (const removed of await removeLeftovers(dir)) request.onNotice?.(describeRemovedLeftover(removed));
  } catch (e) {
    throw new DcganError(`cannot create ${dir}: ${describeFsError(e)}`);
  }
  const files: string[] = [];
  for (let start = 0; start < n; start += SEPARATE_BATCH) {
    const seeds = seedRange(first + start, Math.min(SEPARATE_BATCH, n - start));
    const images = seedImages(generator, config, seeds, request);
    let values: Float32Array;
    try {
      values = await images.data<'float32'>();
    } finally {
      tf.dispose(images);
    }
    const singles = toImages(values, seeds.length, s, s, c);
    const batchFiles = seeds.map((seed) => path.join(dir, separateFileName(seed)));
    try {
      await forEachLimited(batchFiles.length, WRITES_IN_FLIGHT, (i) => writePng(batchFiles[i]!, singles[i]!, { durable: false }));
    } catch (e) {
      throw new DcganError(`cannot write into ${dir}: ${describeFsError(e)}`);
    }
    files.push(...batchFiles);
    request.onProgress?.(files.length, n);
  }
  return files;
}

/** Runs task(0..count-1) with at most `limit` at a time; the first failure is thrown once the others have settled. */
async function forEachLimited(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const lane = async () => {
    while (next < count && failure === null) {
      const i = next++;
      await task(i).catch((e: unknown) => (failure ??= e));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  if (failure !== null) throw failure;
}

/** `dcgan sample --spatial K`: one (K + 3) * S / 4 pixel image from a K x K map of latents (dcgan.torch's trick). */
async function sampleSpatial(request: SampleRequest, k: number): Promise<SampleResult> {
  if (!Number.isInteger(k) || k < 1 || k > 32) throw new DcganError(`--spatial must be an integer from 1 to 32, got ${k}`);
  if (request.separate) throw new DcganError('--spatial draws one image; --separate does not apply');
  return withGenerator(request, async (loaded) => {
    const { config } = loaded.state;
    const { nz, z, channels: c } = config;
    if (request.truncation) checkTruncation(request.truncation, z);
    const cls = resolveClass(config, request.class);
    // Each position's G input: its seed's z, with the class where the model is conditional.
    const inputs = seedRange(request.seed ?? 0, k * k).map((seed) => seedInputs(config, latentForSeed(seed, nz, z, request.truncation), [seed], cls));
    const image = generateSpatial(loaded.generator, latentMap(inputs, k), k, generatorInputWidth(config));
    const side = image.shape[1];
    const file = request.out ?? 'spatial.png';
    try {
      await writePng(file, toImages(await image.data<'float32'>(), 1, side, side, c)[0]!);
    } catch (e) {
      throw new DcganError(`cannot write ${file}: ${describeFsError(e)}`);
    } finally {
      tf.dispose(image);
    }
    return { checkpoint: loaded.dir, step: loaded.state.step, ema: loaded.averaged, files: [file] };
  });
}
