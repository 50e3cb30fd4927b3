import { zipCheckpoint } from '@dcgan-ts/core';
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { type StudioServer, startStudio } from '../src/studio/studioServer.js';
import { STUDIO_DIST } from '../src/studio/staticFiles.js';
import { dcgan, tempDir } from './cli.js';

/**
 * The studio's Train view end to end: `dcgan studio` without a checkpoint serves the page and MNIST, Chromium trains
 * a tiny DCGAN in a worker on WebGPU (SwiftShader, Chromium's software Vulkan) and on the JS cpu backend, and the
 * checkpoint it downloads samples in Node to the pictures the page showed. A straight Node run on the same settings
 * logs the same losses as the page's cpu run (the same MNIST images, initialisation and noise), and the built page
 * on a plain static file server trains on dropped images.
 */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// studio.test.ts's flags, plus WebGPU: with it, Chromium gives navigator.gpu a SwiftShader adapter (a fallback
// adapter, software Vulkan) even headless and with --disable-gpu.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu'];
/** Tiny on purpose: 40 steps take about 15 s on WebGPU under SwiftShader (2 cores), a few seconds on cpu. */
const SETTINGS = { size: 16, channels: 1, batch: 8, nz: 16, ngf: 8, ndf: 8, steps: 40, seed: 3 };
const QUERY = `train=mnist&size=${SETTINGS.size}&channels=1&batch=${SETTINGS.batch}&nz=${SETTINGS.nz}&ngf=${SETTINGS.ngf}&ndf=${SETTINGS.ndf}&steps=${SETTINGS.steps}&seed=${SETTINGS.seed}&autostart=1`;
const TILE = SETTINGS.size;
const PAD = 2;

let studio: StudioServer;
let browser: Browser;
const pageErrors: string[] = [];

before(async () => {
  studio = await startStudio({ port: 0, onWarning: (m) => pageErrors.push(`server: ${m}`) });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await studio?.close();
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // What is not served here (no model, and no MNIST on a static server) shows as failed loads: expected.
  page.on('console', (m) => m.type() === 'error' && !/status of 404/.test(m.text()) && pageErrors.push(m.text()));
  return page;
}

interface LogRow {
  step: number;
  lossD: number;
  lossG: number;
  dx: number;
}

async function logRows(page: Page): Promise<LogRow[]> {
  const rows = await page.$$eval('#train-log tbody tr', (trs) => trs.map((tr) => ({ ...(tr as HTMLElement).dataset })));
  return rows.map((r) => ({ step: Number(r.step), lossD: Number(r.lossD), lossG: Number(r.lossG), dx: Number(r.dx) })).sort((a, b) => a.step - b.step);
}

/** Tile i of a grid as gray bytes: the page's RGBA canvas (columns 8) or a PNG of `dcgan sample` (columns 2 for 4). */
function tile(rgba: ArrayLike<number>, width: number, columns: number, i: number): number[] {
  const x0 = PAD + (i % columns) * (TILE + PAD);
  const y0 = PAD + Math.floor(i / columns) * (TILE + PAD);
  const out: number[] = [];
  for (let y = 0; y < TILE; y++) for (let x = 0; x < TILE; x++) out.push(rgba[((y0 + y) * width + x0 + x) * 4]!);
  return out;
}

async function gridPixels(page: Page): Promise<{ width: number; data: number[] }> {
  return page.$eval('#train-grid', (c) => {
    const canvas = c as HTMLCanvasElement;
    return { width: canvas.width, data: Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data) };
  });
}

function maxDiff(a: readonly number[], b: readonly number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

/**
 * Trains on the page until done, checks it, downloads the checkpoint and samples it in Node: the first 4 seeds of
 * the page's last grid against `dcgan sample --n 4`'s grid. Returns the log and the checkpoint's path.
 */
async function trainAndCompare(query: string, backend: string): Promise<{ rows: LogRow[]; zip: string }> {
  const page = await newPage();
  try {
    const started = Date.now();
    await page.goto(`${studio.url}?${query}`);
    await page.waitForSelector('#train-view[data-state="done"]', { timeout: 180_000 });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(await page.getAttribute('body', 'data-model'), 'none', 'no model is served: the page opens on the Train view');
    assert.equal(await page.getAttribute('body', 'data-view'), 'train');
    assert.equal(await page.getAttribute('#train-view', 'data-backend'), backend, `the worker trains on ${backend}`);
    if (backend === 'webgpu') assert.match((await page.textContent('#train-backend'))!, /^webgpu/);
    assert.equal(await page.getAttribute('#train-view', 'data-step'), String(SETTINGS.steps));
    assert.equal(await page.getAttribute('#train-view', 'data-sample-step'), String(SETTINGS.steps));
    assert.ok(Number(await page.getAttribute('#train-view', 'data-img-per-sec')) > 0, 'img/s is shown');
    assert.equal(await page.locator('#train-loss-chart polyline').count(), 2, 'loss D and loss G');
    assert.equal(await page.locator('#train-prob-chart polyline').count(), 3, 'D(x), D(G(z)) before and after');

    const rows = await logRows(page);
    // The table shows the newest lines: a line a step (log every 1 for a run this short), ending at the last step.
    assert.ok(rows.length >= 10, `${rows.length} log lines shown`);
    assert.deepEqual(rows.map((r) => r.step), Array.from({ length: rows.length }, (_, i) => SETTINGS.steps - rows.length + i + 1), 'a log line a step');
    for (const r of rows) assert.ok([r.lossD, r.lossG, r.dx].every(Number.isFinite), `finite numbers at step ${r.step}`);
    assert.ok(new Set(rows.map((r) => r.lossD)).size > 1 && new Set(rows.map((r) => r.lossG)).size > 1, 'the losses move');

    const grid = await gridPixels(page);
    assert.equal(grid.width, 8 * (TILE + PAD) + PAD, 'a grid of 64 samples, 8 columns');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#train-download')]);
    assert.equal(download.suggestedFilename(), `dcgan-mnist16-step-${String(SETTINGS.steps).padStart(6, '0')}.zip`);
    const dir = tempDir();
    const zip = path.join(dir, download.suggestedFilename());
    await download.saveAs(zip);

    const out = path.join(dir, 'x.png');
    const sampled = dcgan(['sample', '--checkpoint', zip, '--n', '4', '--backend', 'cpu', '--out', out]);
    assert.equal(sampled.code, 0, sampled.stderr);
    const png = PNG.sync.read(readFileSync(out));
    for (let i = 0; i < 4; i++) {
      const inPage = tile(grid.data, grid.width, 8, i);
      const inNode = tile(png.data, png.width, 2, i);
      // Node's cpu and the page's backend round floats differently: a byte may move by one or two.
      assert.ok(maxDiff(inPage, inNode) <= 2, `seed ${i}: the page and dcgan sample differ by ${maxDiff(inPage, inNode)}`);
    }
    const seed0 = tile(grid.data, grid.width, 8, 0);
    const spread = Math.max(...seed0) - Math.min(...seed0);
    // 40 steps move batch norm's running statistics (momentum 0.9) near the activations' scale: G draws contrast
    // in inference mode, so the comparison above is between pictures, not flat grey squares.
    assert.ok(spread > 10, `seed 0 draws an image, not a flat square (spread ${spread})`);
    assert.ok(maxDiff(seed0, tile(grid.data, grid.width, 8, 1)) > 4, 'two seeds draw different images');
    console.log(`# ${backend}: ${SETTINGS.steps} steps trained and checked in ${seconds.toFixed(1)} s`);
    assert.deepEqual(pageErrors, []);
    return { rows, zip };
  } finally {
    await page.close();
  }
}

/** A GET (or another method) exactly as written, with an optional Host header. */
function rawRequest(rawPath: string, options: { method?: string; host?: string } = {}): Promise<{ status: number; body: Buffer }> {
  const { port } = new URL(studio.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: options.method ?? 'GET', headers: options.host ? { Host: options.host } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('dcgan studio without a checkpoint serves the page and MNIST\'s raw IDX images, read-only, and no model', async () => {
  const images = await rawRequest('/data/mnist/train-images');
  assert.equal(images.status, 200);
  assert.equal(images.body.length, 16 + 60000 * 28 * 28);
  assert.deepEqual([...images.body.subarray(0, 16)], [0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28], 'IDX header: 60,000 images of 28x28');
  assert.equal((await rawRequest('/data/mnist/train-images', { method: 'HEAD' })).status, 200);
  assert.equal((await rawRequest('/data/mnist/train-images', { method: 'POST' })).status, 405);
  assert.equal((await rawRequest('/data/mnist/train-images', { host: 'attacker.example' })).status, 403, 'DNS rebinding: foreign Host');
  for (const p of ['/data/mnist/../mnist/train-images', '/data/mnist/%2e%2e/x']) assert.equal((await rawRequest(p)).status, 403, p);
  for (const p of ['/data/mnist/train-labels', '/data/mnist/t10k-images', '/data/', '/model/manifest.json', '/api/log']) assert.equal((await rawRequest(p)).status, 404, p);
  assert.deepEqual(JSON.parse((await rawRequest('/api/status')).body.toString()), { modelStep: null, run: null });
  assert.deepEqual(studio.model(), { step: -1, checkpoint: '' });
});

test('the Train view trains MNIST on WebGPU in a worker, and its checkpoint samples in Node to the same pictures', async () => {
  const webgpu = await browser.newPage();
  try {
    await webgpu.goto(studio.url);
    const adapter = await webgpu.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return gpu ? (await gpu.requestAdapter()) !== null : false;
    });
    assert.ok(adapter, 'Chromium gives WebGPU an adapter (--enable-unsafe-webgpu, SwiftShader)');
  } finally {
    await webgpu.close();
  }
  // No backend asked: the worker tries webgpu first.
  await trainAndCompare(QUERY, 'webgpu');
});

let cpuRun: { rows: LogRow[]; zip: string };

test('on the cpu fallback the page logs what dcgan train logs on the same settings: the same MNIST images', async () => {
  cpuRun = await trainAndCompare(`${QUERY}&backend=cpu`, 'cpu');
  const out = path.join(tempDir(), 'run');
  const node = dcgan([
    'train', '--dataset', 'mnist', '--image-size', '16', '--channels', '1', '--batch-size', String(SETTINGS.batch), '--nz', String(SETTINGS.nz),
    '--ngf', String(SETTINGS.ngf), '--ndf', String(SETTINGS.ndf), '--steps', String(SETTINGS.steps), '--seed', String(SETTINGS.seed),
    '--log-every', '1', '--backend', 'cpu', '--out', out,
  ]);
  assert.equal(node.code, 0, node.stderr);
  const log = readFileSync(path.join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogRow);
  assert.deepEqual(log.map((e) => e.step), Array.from({ length: SETTINGS.steps }, (_, i) => i + 1));
  for (const r of cpuRun.rows) {
    const e = log[r.step - 1]!;
    for (const k of ['lossD', 'lossG', 'dx'] as const) assert.ok(Math.abs(e[k] - r[k]) < 1e-5, `step ${e.step} ${k}: Node ${e[k]}, page ${r[k]}`);
  }
});

test('an opened checkpoint continues training in the browser', async () => {
  assert.ok(cpuRun, 'the cpu run above');
  const page = await newPage();
  try {
    await page.goto(`${studio.url}?backend=cpu`);
    await page.setInputFiles('#train-open-file', cpuRun.zip);
    await page.waitForSelector(`#train-view[data-opened="${SETTINGS.steps}"]`);
    assert.equal(await page.inputValue('#train-form input[name="ngf"]'), String(SETTINGS.ngf), 'the form shows the checkpoint\'s settings');
    assert.equal(await page.isDisabled('#train-form input[name="ngf"]'), true, 'which a resume cannot change');
    await page.fill('#train-form input[name="steps"]', String(SETTINGS.steps + 4));
    await page.click('#train-start');
    await page.waitForSelector('#train-view[data-state="done"]', { timeout: 60_000 });
    assert.equal(await page.getAttribute('#train-view', 'data-from-step'), String(SETTINGS.steps));
    assert.equal(await page.getAttribute('#train-view', 'data-step'), String(SETTINGS.steps + 4));
    const rows = await logRows(page);
    assert.deepEqual(rows.map((r) => r.step), [1, 2, 3, 4].map((k) => SETTINGS.steps + k), 'the resumed run logs from the next step');
    // Node resumes the same .zip (dcgan train --resume FILE.zip) to the same numbers: one checkpoint format.
    const out = path.join(tempDir(), 'resumed');
    const node = dcgan(['train', '--resume', cpuRun.zip, '--out', out, '--steps', String(SETTINGS.steps + 4), '--log-every', '1', '--backend', 'cpu']);
    assert.equal(node.code, 0, node.stderr);
    const log = readFileSync(path.join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogRow);
    assert.deepEqual(log.map((e) => e.step), rows.map((r) => r.step));
    for (const [i, e] of log.entries()) {
      for (const k of ['lossD', 'lossG', 'dx'] as const) assert.ok(Math.abs(e[k] - rows[i]![k]) < 1e-5, `step ${e.step} ${k}: Node ${e[k]}, page ${rows[i]![k]}`);
    }

    // Pause and continue: a paused run stops between steps and goes on from the same in-memory trainer.
    await page.fill('#train-form input[name="steps"]', '100000');
    await page.click('#train-pause'); // Continue: the finished run goes on to 100,000 steps
    await page.waitForSelector('#train-view[data-state="running"]');
    await page.click('#train-pause');
    await page.waitForSelector('#train-view[data-state="paused"]', { timeout: 30_000 });
    const pausedAt = Number(await page.getAttribute('#train-view', 'data-step'));
    assert.ok(pausedAt > SETTINGS.steps + 4 && pausedAt < 100000, `paused at step ${pausedAt}`);
    await page.waitForTimeout(300);
    assert.equal(Number(await page.getAttribute('#train-view', 'data-step')), pausedAt, 'a paused run does not step');
    await page.click('#train-pause');
    await page.waitForFunction((at) => Number(document.getElementById('train-view')!.dataset.step) > at, pausedAt);
    await page.click('#train-pause');
    await page.waitForSelector('#train-view[data-state="paused"]', { timeout: 30_000 });
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
  }
});

/** The built page and nothing else, as any static file server would serve it. */
async function staticServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path.join(STUDIO_DIST, p === '/' ? 'index.html' : p);
    if (!file.startsWith(STUDIO_DIST + path.sep)) return res.writeHead(403).end();
    fs.readFile(file).then(
      (body) => res.writeHead(200, { 'Content-Type': /\.js$/.test(file) ? 'text/javascript' : /\.css$/.test(file) ? 'text/css' : /\.html$/.test(file) ? 'text/html' : 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

test('the built page on a plain static server: no model, no MNIST, trains on a dropped .zip of images', async () => {
  const site = await staticServer();
  const page = await newPage();
  try {
    await page.goto(`${site.url}?train=folder&size=16&channels=3&batch=4&nz=8&ngf=4&ndf=4&steps=3&backend=cpu`);
    await page.waitForSelector('#train-view[data-mnist="false"]');
    await page.waitForSelector('body[data-model="none"]');
    assert.equal(await page.isDisabled('#train-data-mnist'), true, 'MNIST is not offered');
    assert.equal(await page.isDisabled('#tab-explore'), true, 'nor the Explore view');
    // Twelve 24x20 PNGs in a folder of a .zip (colour stripes), and one file that is not an image.
    const files = new Map<string, Uint8Array>();
    for (let i = 0; i < 12; i++) {
      const png = new PNG({ width: 24, height: 20 });
      for (let p = 0; p < 24 * 20; p++) png.data.set([(p * 7 + i * 20) % 256, (i * 40) % 256, p % 24 < 12 ? 0 : 255, 255], p * 4);
      files.set(`pictures/${String(i).padStart(2, '0')}.png`, PNG.sync.write(png));
    }
    files.set('pictures/readme.txt', new TextEncoder().encode('not an image'));
    const zip = path.join(tempDir(), 'pictures.zip');
    await fs.writeFile(zip, zipCheckpoint(files));
    await page.setInputFiles('#train-zip', zip);
    await page.waitForSelector('#train-drop[data-files="1"]');
    await page.click('#train-start');
    await page.waitForSelector('#train-view[data-state="done"]', { timeout: 60_000 });
    assert.equal(await page.getAttribute('#train-view', 'data-dataset-size'), '12');
    assert.equal(await page.getAttribute('#train-view', 'data-step'), '3');
    const grid = await gridPixels(page);
    assert.equal(grid.width, 8 * 18 + 2);
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
    await site.close();
  }
});
