// Data-loading benchmark: JPEG decode + resize to 64x64 RGB (what `dcgan prepare` and an in-memory folder do), and
// what a training batch costs to read afterwards, from memory and from a packed file.
//
//   npm run bench:data -w @dcgan-ts/node [-- --files 300 --width 178 --height 218 --size 64]
//
// The JPEGs are made here with sharp (CelebA's aligned size by default, quality 90, textured so they do not compress
// to nothing). Decode rates are images per second for the whole machine, one line per thread setup.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { type DecodeOptions, decodeFiles, listImageFiles, openDataset, prepareFolder } from '../src/index.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const files = arg('files', 300);
const width = arg('width', 178);
const height = arg('height', 218);
const size = arg('size', 64);

async function makeJpegs(dir: string): Promise<void> {
  for (let i = 0; i < files; i++) {
    const px = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 3;
        px[o] = (x * 3 + i * 7 + ((x * y) % 23)) & 255;
        px[o + 1] = (y * 2 + ((x ^ y) & 31) + i) & 255;
        px[o + 2] = (((x + i) * (y + 1)) >> 4) & 255;
      }
    }
    await sharp(px, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toFile(path.join(dir, `${String(i).padStart(6, '0')}.jpg`));
  }
}

/** Wall seconds of `fn`; also adds its CPU seconds (this process, every thread: workers and libvips) to `cpu`. */
const cpu: Record<string, number> = {};
async function timeIt(fn: () => Promise<void>, label?: string): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const used = process.cpuUsage(c0);
  if (label) cpu[label] = (used.user + used.system) / 1e6;
  return (performance.now() - t0) / 1000;
}

const dir = mkdtempSync(path.join(tmpdir(), 'dcgan-bench-'));
try {
  await makeJpegs(path.join(dir));
  const list = await listImageFiles(dir);
  const absolute = list.files.map((f) => path.join(dir, f));
  const options: DecodeOptions = { imageSize: size, channels: 3, background: [255, 255, 255] };
  const results: Record<string, number> = {};
  // Warm the page cache and sharp's first-use setup.
  await decodeFiles(absolute.slice(0, 20), options, () => {}, { workers: 0 });
  for (const workers of [0, 1, 2]) {
    const label = `decode img/s, ${workers === 0 ? 'main thread' : `${workers} worker thread(s)`}`;
    const s = await timeIt(() => decodeFiles(absolute, options, () => {}, { workers }), label);
    results[label] = files / s;
  }
  const out = path.join(dir, 'set.dcgan');
  const prep = await timeIt(async () => void (await prepareFolder(dir, out, { ...options, pool: { workers: 2 } })));
  results['dcgan prepare img/s (2 workers, incl. writing)'] = files / prep;

  // Reading training batches of 128 (random order), as the trainer does every step.
  const batch = 128;
  const read = async (loaded: Awaited<ReturnType<typeof openDataset>>) => {
    const buffer = new Float32Array(batch * size * size * 3);
    const n = loaded.dataset.size;
    const reps = 20;
    const t = await timeIt(async () => {
      for (let r = 0; r < reps; r++) {
        const idx = Array.from({ length: batch }, (_, k) => (r * 7919 + k * 104729) % n);
        loaded.dataset.fillBatch(idx, buffer);
      }
    });
    return (reps * batch) / t;
  };
  results['batch read img/s, packed file (page cache)'] = await read(await openDataset({ dataset: 'packed', data: out, imageSize: size, channels: 3, seed: 0 }));
  results['batch read img/s, in memory'] = await read(await openDataset({ dataset: 'folder', data: dir, imageSize: size, channels: 3, seed: 0 }));
  console.log(JSON.stringify({ files, source: `${width}x${height} JPEG q90`, size, cores: availableParallelism(), node: process.version, sharp: sharp.versions.sharp, libvips: sharp.versions.vips }));
  // img/s as measured (wall clock, on a machine that may be shared), and img per CPU-second: on an idle machine, the
  // decode rate with all cores busy is about cores x that.
  for (const [k, v] of Object.entries(results)) {
    const perCpu = cpu[k] ? `   (${(files / cpu[k]).toFixed(0)} img per CPU-second)` : '';
    console.log(`${k.padEnd(50)} ${v.toFixed(0)}${perCpu}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
