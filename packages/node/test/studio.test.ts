import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, latentForSeed } from '@dcgan-ts/core';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { loadLayersModel, resolveCheckpointDir, saveLayersModel } from '../src/index.js';
import { parseRequestPath } from '../src/studio/requestPath.js';
import { CLI, TINY, dcgan, tempDir } from './cli.js';

/**
 * `dcgan studio` end to end: a real run, the real CLI serving it, the built page in Debian's Chromium. A 20-step tiny
 * run is trained first and resumed to 30 while the studio watches it, so following a live run is tested too. A
 * class-conditional run gets a studio of its own.
 */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// A fixed seed: the same model every run, so thresholds on pixel differences cannot hit an unlucky draw.
const RUN_OPTIONS = ['--seed', '7', '--log-every', '5', '--sample-every', '10', '--checkpoint-every', '10'];

/**
 * A tiny G a few steps old draws near-flat grey in inference mode (its running variances are still ~1 while its
 * activations are ~1e-3), so pixel comparisons would hinge on rounding. Setting the running statistics near the
 * activations' true scale (as export.test.ts does) makes G draw full-contrast images; training resumes from it fine.
 */
async function giveGeneratorContrast(runDir: string): Promise<void> {
  await tf.setBackend('cpu');
  const dir = path.join(await resolveCheckpointDir(runDir), 'generator');
  const generator = await loadLayersModel(dir);
  const rng = Rng.derive(99);
  for (const w of generator.weights) {
    if (w.originalName.endsWith('moving_variance')) w.write(tf.tensor(rng.uniforms(w.shape.reduce((a, b) => a! * b!, 1)!, 2e-4, 2e-3), w.shape as number[]));
    if (w.originalName.endsWith('moving_mean')) w.write(tf.tensor(rng.uniforms(w.shape.reduce((a, b) => a! * b!, 1)!, -0.01, 0.01), w.shape as number[]));
  }
  await saveLayersModel(generator, dir, 'studio.test');
  generator.dispose();
}

let run: string;
let studio: { process: ChildProcess; url: string; port: number; stderr: () => string };
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

function startStudio(args: string[]): Promise<typeof studio> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'studio', ...args], { env: { ...process.env, DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      const m = /at (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(stdout);
      if (m) resolve({ process: child, url: m[1]!, port: Number(m[2]), stderr: () => stderr });
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('exit', (code) => reject(new Error(`dcgan studio exited (${code}) before printing its URL: ${stderr}`)));
  });
}

/** A request exactly as written: http.request sends the path unnormalized (browsers and fetch would resolve ..). */
function rawGet(port: number, rawPath: string, options: { method?: string; host?: string } = {}): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: options.method ?? 'GET', headers: options.host ? { Host: options.host } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function pixels(selector: string, on: Page = page): Promise<number[]> {
  return on.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
  });
}

function maxDiff(a: number[], b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function spread(rgba: number[]): number {
  const grey = rgba.filter((_, i) => i % 4 !== 3);
  return Math.max(...grey) - Math.min(...grey);
}

before(async () => {
  run = path.join(tempDir(), 'run');
  const trained = dcgan(['train', ...TINY, '--steps', '20', ...RUN_OPTIONS, '--out', run]);
  assert.equal(trained.code, 0, trained.stderr);
  await giveGeneratorContrast(run);
  studio = await startStudio(['--checkpoint', run, '--port', '0']);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
});

after(async () => {
  await browser?.close();
  studio?.process.kill('SIGTERM');
});

test('the page loads the run\'s model and draws the sample grid', async () => {
  await page.goto(studio.url);
  await page.waitForSelector('#grid[data-ready="true"]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-model-step'), '20');
  assert.ok(['webgl', 'cpu'].includes((await page.getAttribute('body', 'data-backend'))!));
  assert.equal(await page.locator('#grid .cell canvas').count(), 64);

  const seed0 = await pixels('.cell[data-seed="0"] canvas');
  assert.equal(seed0.length, 16 * 16 * 4);
  assert.ok(spread(seed0) > 100, `seed 0 draws an image, not a flat square (spread ${spread(seed0)})`);
  assert.ok(maxDiff(seed0, await pixels('.cell[data-seed="1"] canvas')) > 4, 'two seeds draw different images');

  // The same seed draws the same picture in the browser as `dcgan sample` draws in Node (the shared latentForSeed
  // and inference-mode batch norm); WebGL float rounding may move a byte by one.
  const separate = tempDir();
  const sampled = dcgan(['sample', '--checkpoint', run, '--n', '2', '--seed', '0', '--separate', separate]);
  assert.equal(sampled.code, 0, sampled.stderr);
  const png = PNG.sync.read(readFileSync(path.join(separate, 'seed-000000.png')));
  assert.ok(maxDiff(seed0, png.data) <= 2, `seed 0 in the studio differs from dcgan sample by ${maxDiff(seed0, png.data)}`);

  // The fallback backend draws the same pictures.
  const cpuPage = await browser.newPage();
  try {
    await cpuPage.goto(`${studio.url}?backend=cpu`);
    await cpuPage.waitForSelector('#grid[data-ready="true"]', { timeout: 60_000 });
    assert.equal(await cpuPage.getAttribute('body', 'data-backend'), 'cpu');
    const onCpu = await cpuPage.$eval('.cell[data-seed="0"] canvas', (c) => {
      const canvas = c as HTMLCanvasElement;
      return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
    });
    assert.ok(maxDiff(seed0, onCpu) <= 2, `cpu and ${await page.getAttribute('body', 'data-backend')} differ by ${maxDiff(seed0, onCpu)}`);
  } finally {
    await cpuPage.close();
  }
  assert.deepEqual(pageErrors, []);
});

test('the truncation field redraws the grid with truncated z, as dcgan sample --truncation draws them; off again restores it', async () => {
  const before = await pixels('.cell[data-seed="5"] canvas');
  await page.fill('#truncation', '0.5');
  await page.dispatchEvent('#truncation', 'change');
  await page.waitForSelector('#grid[data-truncation="0.5"]');
  const separate = tempDir();
  const sampled = dcgan(['sample', '--checkpoint', run, '--n', '1', '--seed', '5', '--separate', separate, '--truncation', '0.5']);
  assert.equal(sampled.code, 0, sampled.stderr);
  const png = PNG.sync.read(readFileSync(path.join(separate, 'seed-000005.png')));
  let truncated: number[] = [];
  for (let tries = 0; tries < 50; tries++) {
    truncated = await pixels('.cell[data-seed="5"] canvas');
    if (maxDiff(truncated, png.data) <= 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(maxDiff(truncated, png.data) <= 2, `seed 5 at psi 0.5 differs from dcgan sample --truncation 0.5 by ${maxDiff(truncated, png.data)}`);
  assert.ok(maxDiff(truncated, before) > 2, 'truncation changes the image');
  await page.fill('#truncation', '');
  await page.dispatchEvent('#truncation', 'change');
  await page.waitForSelector('#grid[data-truncation=""]');
  let restored: number[] = [];
  for (let tries = 0; tries < 50; tries++) {
    restored = await pixels('.cell[data-seed="5"] canvas');
    if (maxDiff(restored, before) <= 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(maxDiff(restored, before) <= 1, 'off draws the plain seed again');
  assert.deepEqual(pageErrors, []);
});

test('picking two samples and moving the interpolation slider changes the image; t = 0 and 1 are the picks', async () => {
  await page.click('#group-select button[data-group="A"]');
  await page.click('.cell[data-seed="1"]');
  await page.click('.cell[data-seed="2"]');
  assert.equal(await page.locator('#interp-from option').count(), 2);
  await page.fill('#interp-slider', '0');
  await page.waitForSelector('#interp-canvas[data-t="0"]');
  const start = await pixels('#interp-canvas');
  await page.fill('#interp-slider', '0.5');
  await page.waitForSelector('#interp-canvas[data-t="0.5"]');
  const middle = await pixels('#interp-canvas');
  await page.fill('#interp-slider', '1');
  await page.waitForSelector('#interp-canvas[data-t="1"]');
  const end = await pixels('#interp-canvas');
  assert.ok(maxDiff(start, middle) > 2 && maxDiff(middle, end) > 2, 'the slider moves the image');
  assert.ok(maxDiff(start, await pixels('.cell[data-seed="1"] canvas')) <= 1, 't = 0 draws the first pick');
  assert.ok(maxDiff(end, await pixels('.cell[data-seed="2"] canvas')) <= 1, 't = 1 draws the second pick');
});

test('A - B + C is drawn from the averaged groups', async () => {
  // A = {1, 2}; with B = C = {3}, mean(A) - mean(B) + mean(C) is mean(A): the result must draw A's mean image.
  await page.click('#group-select button[data-group="B"]');
  await page.click('.cell[data-seed="3"]');
  await page.keyboard.press('3'); // key 3 selects group C
  await page.click('.cell[data-seed="3"]');
  await page.waitForSelector('#arith-result[data-picks="A1,A2,B3,C3"][data-ready="true"]');
  assert.equal(await page.locator('#arith-result canvas').count(), 9, 'the result and its 8 neighbours');
  const result = await pixels('#arith-result canvas.result');
  const meanA = await pixels('.group-row[data-group="A"] .mean canvas');
  assert.ok(maxDiff(result, meanA) <= 1, `A - B + B draws mean(A) (differs by ${maxDiff(result, meanA)})`);
  assert.ok(maxDiff(result, await pixels('.cell[data-seed="1"] canvas')) > 2, 'mean(A) is not either exemplar');

  await page.click('.cell[data-seed="4"]'); // C = {3, 4}: the result moves
  await page.waitForSelector('#arith-result[data-picks="A1,A2,B3,C3,C4"]');
  assert.ok(maxDiff(result, await pixels('#arith-result canvas.result')) > 2, 'a new exemplar in C changes the result');
  const neighbour = await pixels('#arith-result canvas.neighbour');
  assert.ok(maxDiff(neighbour, await pixels('#arith-result canvas.result')) > 0, 'neighbours are noisy copies');
});

test('the focused z downloads as JSON that dcgan arithmetic reads, and the image as PNG', async () => {
  await page.click('.cell[data-seed="5"]'); // adds to C and focuses seed 5
  await page.waitForFunction(() => document.getElementById('focus-label')?.textContent === 'seed 5');
  const [zDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-z')]);
  const zFile = path.join(tempDir(), 'z.json');
  await zDownload.saveAs(zFile);
  const json = JSON.parse(readFileSync(zFile, 'utf8'));
  assert.equal(json.seed, 5);
  assert.deepEqual(Float32Array.from(json.z), latentForSeed(5, 8, 'normal'), 'the z of seed 5, exactly');
  const cli = dcgan(['arithmetic', '--checkpoint', run, '--a', zFile, '--b', '3', '--c', '4', '--out', path.join(tempDir(), 'a.png')]);
  assert.equal(cli.code, 0, cli.stderr);

  const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-png')]);
  const pngFile = path.join(tempDir(), 'seed-5.png');
  await pngDownload.saveAs(pngFile);
  const png = PNG.sync.read(readFileSync(pngFile));
  assert.deepEqual([png.width, png.height], [256, 256], '16x16 upscaled 16x, nearest neighbour');
  assert.equal(pngDownload.suggestedFilename(), 'seed-5.png');
  const focused = await pixels('#focus-canvas');
  assert.equal(png.data[0], focused[0], 'the PNG holds the focused image');

  // The z sliders edit a copy of the focused z and redraw it: every coordinate pushed to the far end of its slider.
  const z5 = latentForSeed(5, 8, 'normal');
  for (let d = 0; d < 8; d++) await page.fill(`#z-sliders input[data-dim="${d}"]`, z5[d]! > 0 ? '-3' : '3');
  await page.waitForFunction(() => document.getElementById('focus-label')?.textContent === 'seed 5, edited');
  await page.waitForFunction(
    (before) => {
      const c = document.getElementById('focus-canvas') as HTMLCanvasElement;
      const now = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      return now.some((v, i) => Math.abs(v - before[i]!) > 2);
    },
    focused,
  );
});

/** Root mean squared difference of two RGBA pixel arrays over their colour bytes, in 0..255. */
function rmseRgb(a: number[], b: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    sum += (a[i]! - b[i]!) ** 2;
    n++;
  }
  return Math.sqrt(sum / n);
}

/** Projects `image` in `on`'s page with `steps` steps and waits for the result: the page's RMSE and that of its best start. */
async function projectInPage(on: Page, image: string, steps: number): Promise<{ rmse: number; startRmse: number }> {
  await on.setInputFiles('#project-file', image);
  await on.fill('#project-steps', String(steps));
  await on.click('#project-run');
  await on.waitForSelector('#projection[data-state="running"], #projection[data-state="done"]');
  await on.waitForSelector('#projection[data-state="done"]', { timeout: 120_000 });
  return { rmse: Number(await on.getAttribute('#projection', 'data-rmse')), startRmse: Number(await on.getAttribute('#projection', 'data-start-rmse')) };
}

test('project an image: the page finds a z that redraws a dcgan sample image far better than its best random start; z.json reads back', async () => {
  const separate = tempDir();
  const sampled = dcgan(['sample', '--checkpoint', run, '--n', '1', '--seed', '11', '--separate', separate]);
  assert.equal(sampled.code, 0, sampled.stderr);
  const image = path.join(separate, 'seed-000011.png');
  const { rmse, startRmse } = await projectInPage(page, image, 100);
  assert.equal(await page.getAttribute('#projection', 'data-loss'), 'features', "the studio serves D: the projector uses its features");
  assert.equal(await page.getAttribute('#projection', 'data-step'), '100', 'the progress reached the last step');
  assert.ok(rmse < startRmse / 2, `the projection (RMSE ${rmse}) beats the best random start (${startRmse}) by far`);
  // The target is the PNG as it was fed (16x16 in, nothing to resize), and the reconstruction shown is the one
  // measured: its bytes are G(z) rounded, so the RMSE measured on the canvases is the page's within rounding.
  const png = PNG.sync.read(readFileSync(image));
  assert.equal(maxDiff(await pixels('#project-target'), png.data), 0);
  const shown = rmseRgb(await pixels('#project-canvas'), png.data);
  assert.ok(Math.abs(shown - rmse) < 1, `the reconstruction shown (RMSE ${shown}) is the one reported (${rmse})`);
  assert.match((await page.textContent('#project-progress'))!, /^done: RMSE [\d.]+ of 255 \(best random start: [\d.]+\) · start \d of 8 · pixels \+ D's features$/);

  // z.json as `dcgan project` writes it, which the CLI reads; `dcgan arithmetic --a z.json --b 3 --c 3` draws z itself.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#project-download')]);
  const zFile = path.join(tempDir(), 'z.json');
  await download.saveAs(zFile);
  const json = JSON.parse(readFileSync(zFile, 'utf8'));
  assert.deepEqual(Object.keys(json), ['z', 'image']);
  assert.equal(json.image, 'seed-000011.png');
  assert.equal(json.z.length, 8);
  const out = path.join(tempDir(), 'arith.png');
  const cli = dcgan(['arithmetic', '--checkpoint', run, '--a', zFile, '--b', '3', '--c', '3', '--out', out]);
  assert.equal(cli.code, 0, cli.stderr);

  // The found z joins the active group as a pick with no seed (its tag in the picks' signature has no number).
  const picks = (await page.getAttribute('#arith-result', 'data-picks')) ?? '';
  const active = (await page.getAttribute('#group-select button.on', 'data-group'))!;
  await page.click('#project-pick');
  await page.waitForSelector(`#arith-result[data-picks="${picks ? `${picks},${active}` : active}"]`);
  assert.equal(await page.textContent('#focus-label'), 'projection of seed-000011.png');
  assert.deepEqual(pageErrors, []);
});

test('project an image where no D is served: pixels alone, and the page says so; a file that is no image is one clear message', async () => {
  // A copy of the checkpoint without D: G is served, the projector has no features.
  const copy = path.join(tempDir(), 'step-g-only');
  cpSync(await resolveCheckpointDir(run), copy, { recursive: true });
  rmSync(path.join(copy, 'discriminator'), { recursive: true });
  const gOnly = await startStudio(['--checkpoint', copy, '--port', '0']);
  const other = await browser.newPage();
  const errors: string[] = [];
  other.on('pageerror', (e) => errors.push(e.message));
  try {
    assert.equal((await rawGet(gOnly.port, '/model/discriminator/model.json')).status, 404);
    await other.goto(gOnly.url);
    await other.waitForSelector('#grid[data-ready="true"]', { timeout: 60_000 });
    const notImage = path.join(tempDir(), 'notes.png');
    writeFileSync(notImage, 'not a picture');
    await other.setInputFiles('#project-file', notImage);
    await other.click('#project-run');
    await other.waitForFunction(() => document.getElementById('project-progress')?.textContent === 'cannot read notes.png as an image');
    assert.equal(await other.getAttribute('#projection', 'data-state'), null, 'nothing ran');

    const separate = tempDir();
    assert.equal(dcgan(['sample', '--checkpoint', copy, '--n', '1', '--seed', '12', '--separate', separate]).code, 0);
    const { rmse, startRmse } = await projectInPage(other, path.join(separate, 'seed-000012.png'), 40);
    assert.equal(await other.getAttribute('#projection', 'data-loss'), 'pixels');
    assert.match((await other.textContent('#project-progress'))!, /· pixels only: no D is served with this model$/);
    assert.ok(rmse < startRmse, `pixels alone still improve on the best start (${rmse} vs ${startRmse})`);
    assert.deepEqual(errors, []);
  } finally {
    await other.close();
    gOnly.process.kill('SIGTERM');
  }
});

test('the server refuses paths outside the page, the model and the run endpoints', async () => {
  for (const p of ['/../package.json', '/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/model/..%2f..%2fstate.json', '/assets/%252e%252e/x', '//etc/passwd', '/model/..\\state.json']) {
    assert.equal((await rawGet(studio.port, p)).status, 403, p);
  }
  for (const p of ['/etc/passwd', '/model/state.json', '/model/adam.bin', '/package.json', '/config.json', '/log.jsonl', '/checkpoints/latest']) {
    assert.equal((await rawGet(studio.port, p)).status, 404, p);
  }
  assert.equal((await rawGet(studio.port, 'http://example.com/')).status, 403, 'absolute-form request target');
  assert.equal((await rawGet(studio.port, '/model/manifest.json', { method: 'POST' })).status, 405);
  assert.equal((await rawGet(studio.port, '/', { host: 'attacker.example:80' })).status, 403, 'DNS rebinding: foreign Host');
  const manifest = await rawGet(studio.port, '/model/manifest.json');
  assert.equal(manifest.status, 200);
  assert.equal(JSON.parse(manifest.body.toString()).format, 'dcgan-ts-generator');
  // D is served beside G for the projector, under discriminator/ only; nothing else of the checkpoint.
  assert.equal((await rawGet(studio.port, '/model/discriminator/model.json')).status, 200);
  assert.equal((await rawGet(studio.port, `/model/${manifest.headers['x-dcgan-export']}/discriminator/weights.bin`)).status, 200);
  for (const p of ['/model/discriminator/adam.bin', '/model/generator/model.json', '/model/discriminator/x/model.json']) assert.equal((await rawGet(studio.port, p)).status, 404, p);
});

test('the log and latest-sample endpoints answer, and the studio follows the run as it trains', async () => {
  const log = JSON.parse((await rawGet(studio.port, '/api/log')).body.toString());
  const onDisk = readFileSync(path.join(run, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(log, onDisk);
  assert.deepEqual(log.map((e: { step: number }) => e.step), [5, 10, 15, 20]);
  const sample = await rawGet(studio.port, '/api/sample.png');
  assert.equal(sample.status, 200);
  assert.equal(sample.headers['content-type'], 'image/png');
  assert.equal(sample.headers['x-dcgan-step'], '20');
  assert.deepEqual(sample.body, readFileSync(path.join(run, 'samples', 'step-000020.png')));
  await page.waitForSelector('#training[data-log-lines="4"][data-sample-step="20"]:not([hidden])');
  assert.equal(await page.locator('#loss-chart polyline').count(), 2, 'loss D and loss G');

  const resumed = dcgan(['train', '--resume', '--out', run, '--steps', '30', '--backend', 'cpu']);
  assert.equal(resumed.code, 0, resumed.stderr);
  await page.waitForSelector('body[data-model-step="30"]', { timeout: 30_000 });
  await page.waitForSelector('#training[data-log-lines="6"][data-sample-step="30"]', { timeout: 10_000 });
  const status = JSON.parse((await rawGet(studio.port, '/api/status')).body.toString());
  assert.equal(status.modelStep, 30);
  assert.deepEqual([status.run.logLines, status.run.sampleStep], [6, 30]);
  assert.ok(status.run.secondsSinceUpdate >= 0 && status.run.secondsSinceUpdate < 60);
  assert.equal(status.run.live, true, 'a run that just logged counts as live');
  assert.equal(await page.textContent('#training-live'), 'live');
  await page.waitForSelector('#grid[data-ready="true"]');
  assert.deepEqual(pageErrors, []);
});

test('eval lines in the log (dcgan train --eval-every) draw one chart per metric beside the loss curves', async () => {
  // The studio's run trains on `fake`, which has no reference split to score against: the lines are written as
  // `dcgan train --eval-every` writes them (metricsTrain.test.ts checks that side).
  const line = (step: number, fid: number) =>
    JSON.stringify({ step, epoch: step / 50, eval: { fid, kid: fid / 100, kidStd: 0.01, is: 1 + step / 30, isStd: 0.1, precision: step / 60, recall: step / 90 }, floor: { fid: 2, kid: 0.01, kidStd: 0, is: 3.7, isStd: 0.1, precision: 0.9, recall: 0.9 }, evalN: 64, extractor: 'test', seconds: 0.1 });
  assert.equal(await page.locator('#metric-charts figure').count(), 0, 'no eval lines, no metric charts');
  assert.equal(await page.isHidden('#metric-charts'), true);
  const logFile = path.join(run, 'log.jsonl');
  writeFileSync(logFile, readFileSync(logFile, 'utf8') + line(20, 150) + '\n' + line(30, 90) + '\n');
  await page.waitForSelector('#training[data-eval-lines="2"] #metric-charts:not([hidden])', { timeout: 10_000 });
  const metrics = await page.$$eval('#metric-charts figure', (fs) => fs.map((f) => (f as HTMLElement).dataset.metric));
  assert.deepEqual(metrics, ['fid', 'kid', 'is', 'precision', 'recall'], 'one chart per plotted metric, spreads (kidStd) folded in');
  assert.equal(await page.locator('#metric-charts figure[data-metric="fid"] circle').count(), 2, 'a dot per evaluation');
  assert.equal(await page.locator('#metric-charts figure[data-metric="fid"] line.floor').count(), 1, 'the real-data floor');
  assert.match((await page.textContent('#metric-charts figure[data-metric="fid"] figcaption'))!, /^FID 90\.00 · lower is better · real 2\.00$/);
  // The loss chart and its label still come from the per-step lines only.
  assert.equal(await page.locator('#loss-chart polyline').count(), 2);
  assert.match((await page.textContent('#training-step'))!, /^step 30 · loss D [\d.]+ · loss G [\d.]+$/);
  assert.deepEqual(pageErrors, []);
});

test('a class-conditional model: the page picks the class, draws (seed, class) as dcgan sample --class does, in every panel', async () => {
  const condRun = path.join(tempDir(), 'conditional');
  const trained = dcgan(['train', '--dataset', 'mnist', '--image-size', '16', '--ngf', '8', '--ndf', '8', '--nz', '8', '--batch-size', '4', '--backend', 'cpu', '--seed', '2', '--conditional', '--steps', '4', '--checkpoint-every', '4', '--out', condRun]);
  assert.equal(trained.code, 0, trained.stderr);
  await giveGeneratorContrast(condRun);
  // MNIST names no classes; a folder of class subfolders would (recipes.test.ts): give this checkpoint names, as such
  // a run's state.json records them, so that the picker and `dcgan sample --class NAME` show they follow them.
  const names = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  const statePath = path.join(await resolveCheckpointDir(condRun), 'state.json');
  const state = JSON.parse(readFileSync(statePath, 'utf8'));
  writeFileSync(statePath, JSON.stringify({ ...state, config: { ...state.config, classNames: names } }, null, 2));
  const condStudio = await startStudio(['--checkpoint', condRun, '--port', '0']);
  const condPage = await browser.newPage({ acceptDownloads: true });
  const errors: string[] = [];
  condPage.on('pageerror', (e) => errors.push(e.message));
  try {
    assert.equal(JSON.parse((await rawGet(condStudio.port, '/model/manifest.json')).body.toString()).classes, 10);
    await condPage.goto(condStudio.url);
    await condPage.waitForSelector('#grid[data-ready="true"][data-class="0"]', { timeout: 60_000 });
    assert.equal(await condPage.isVisible('#class-pick'), true);
    assert.deepEqual(await condPage.$$eval('#class-pick option', (os) => os.map((o) => (o as HTMLOptionElement).value)), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(await condPage.$$eval('#class-pick option', (os) => os.map((o) => o.textContent)), names.map((n, i) => `${i}: ${n}`));
    await condPage.selectOption('#class-pick', '3');
    await condPage.waitForSelector('#grid[data-class="3"]');

    const sampleClass = (cls: number) => {
      const separate = tempDir();
      const sampled = dcgan(['sample', '--checkpoint', condRun, '--n', '2', '--seed', '0', '--class', names[cls]!, '--separate', separate]);
      assert.equal(sampled.code, 0, sampled.stderr);
      return [0, 1].map((seed) => PNG.sync.read(readFileSync(path.join(separate, `seed-00000${seed}.png`))).data);
    };
    const three = sampleClass(3);
    const five = sampleClass(5);
    for (const seed of [0, 1]) {
      const cell = await pixels(`.cell[data-seed="${seed}"] canvas`, condPage);
      assert.ok(spread(cell) > 100, `seed ${seed} draws an image (spread ${spread(cell)})`);
      assert.ok(maxDiff(cell, three[seed]!) <= 2, `seed ${seed}, class 3 differs from dcgan sample --class 3 by ${maxDiff(cell, three[seed]!)}`);
      assert.ok(maxDiff(cell, five[seed]!) > 2, `seed ${seed}: class 5 draws another image than class 3`);
    }

    // Arithmetic in the picked class: A = {1}, B = C = {2} draws seed 1's z; a new class redraws it in that class.
    await condPage.click('.cell[data-seed="1"]');
    await condPage.click('#group-select button[data-group="B"]');
    await condPage.click('.cell[data-seed="2"]');
    await condPage.click('#group-select button[data-group="C"]');
    await condPage.click('.cell[data-seed="2"]');
    await condPage.waitForSelector('#arith-result[data-picks="A1,B2,C2"][data-ready="true"]');
    const result3 = await pixels('#arith-result canvas.result', condPage);
    assert.ok(maxDiff(result3, await pixels('.cell[data-seed="1"] canvas', condPage)) <= 1, 'A - B + B is A, in class 3');
    // The interpolation between the newest picks (2 and 2) is seed 2 in class 3 at every t.
    const seed2 = await pixels('.cell[data-seed="2"] canvas', condPage);
    let walked: number[] = [];
    for (let tries = 0; tries < 50; tries++) {
      walked = await pixels('#interp-canvas', condPage);
      if (walked.length === seed2.length && maxDiff(walked, seed2) <= 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(walked.length === seed2.length && maxDiff(walked, seed2) <= 1, 'the walk is drawn in class 3');
    await condPage.selectOption('#class-pick', '5');
    await condPage.waitForSelector('#grid[data-class="5"]');
    assert.ok(maxDiff(await pixels('.cell[data-seed="0"] canvas', condPage), five[0]!) <= 2, 'class 5 draws as dcgan sample --class 5');
    await condPage.waitForFunction((before) => {
      const c = document.querySelector('#arith-result canvas.result') as HTMLCanvasElement;
      const now = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      return now.some((v, i) => Math.abs(v - before[i]!) > 2);
    }, result3);
    assert.ok(maxDiff(await pixels('#arith-result canvas.result', condPage), await pixels('.cell[data-seed="1"] canvas', condPage)) <= 1, 'the result follows to class 5');

    // Projection searches in the picked class, with the conditional D's features; z.json records the class.
    await condPage.selectOption('#class-pick', '3');
    const separate = tempDir();
    const sampled = dcgan(['sample', '--checkpoint', condRun, '--n', '1', '--seed', '11', '--class', '3', '--separate', separate]);
    assert.equal(sampled.code, 0, sampled.stderr);
    const { rmse, startRmse } = await projectInPage(condPage, path.join(separate, 'seed-000011.png'), 60);
    assert.equal(await condPage.getAttribute('#projection', 'data-loss'), 'features');
    assert.ok(rmse < startRmse / 2, `the projection (RMSE ${rmse}) beats the best random start (${startRmse}) by far`);
    const [download] = await Promise.all([condPage.waitForEvent('download'), condPage.click('#project-download')]);
    const zFile = path.join(tempDir(), 'z.json');
    await download.saveAs(zFile);
    assert.equal(JSON.parse(readFileSync(zFile, 'utf8')).class, 3);
    assert.deepEqual(errors, []);
  } finally {
    await condPage.close();
    condStudio.process.kill('SIGTERM');
  }
});

test('request paths: traversal in any spelling is refused before routing', () => {
  for (const p of ['/a/../b', '/..', '/%2e%2e/x', '/%2E%2e%2Fetc', '/x/.%2e/y', '/%252e%252e/x', '/a\\b', '/a%5cb', '/a%00b', '//host/x', 'x', '', '/./a', 'http://h/']) {
    assert.deepEqual(parseRequestPath(p), { ok: false, status: 403 }, p);
  }
  assert.deepEqual(parseRequestPath('/%zz'), { ok: false, status: 400 });
  assert.deepEqual(parseRequestPath('/model/model.json?x=../..'), { ok: true, path: '/model/model.json' }, 'the query is not part of the path');
  assert.deepEqual(parseRequestPath('/assets/index-1.js'), { ok: true, path: '/assets/index-1.js' });
  assert.deepEqual(parseRequestPath('/seed%20one..png'), { ok: true, path: '/seed one..png' }, 'dots inside a name are fine');
});

test('dcgan studio: a port in use or a bad checkpoint is one clear line', async () => {
  const busy = dcgan(['studio', '--checkpoint', run, '--port', String(studio.port)]);
  assert.equal(busy.code, 1);
  assert.equal(busy.stderr, `dcgan: error: port ${studio.port} on 127.0.0.1 is in use; choose another with --port\n`);
  const missing = dcgan(['studio', '--checkpoint', path.join(run, 'nope'), '--port', '0']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^dcgan: error: no checkpoint at .*nope: no such file or directory\n$/);
  const badPort = dcgan(['studio', '--checkpoint', run, '--port', '70000']);
  assert.notEqual(badPort.code, 0);
  assert.match(badPort.stderr, /must be from 0 to 65535/);
  assert.equal(studio.stderr(), '', 'the running studio reported no problem');

  // A corrupt `latest` (a path instead of a step name) is reported once, and the served model stays.
  const pointer = path.join(run, 'checkpoints', 'latest');
  const good = readFileSync(pointer, 'utf8');
  writeFileSync(pointer, '../../../etc\n');
  try {
    await new Promise((r) => setTimeout(r, 3500)); // three polls of the server
    assert.equal(studio.stderr(), `dcgan studio: ${pointer} is corrupt: it names "../../../etc"\n`);
    assert.equal(JSON.parse((await rawGet(studio.port, '/api/status')).body.toString()).modelStep, 30);
  } finally {
    writeFileSync(pointer, good);
  }

  // A run whose log stopped two hours ago is shown as stopped, not live.
  const twoHoursAgo = new Date(Date.now() - 7200_000);
  utimesSync(path.join(run, 'log.jsonl'), twoHoursAgo, twoHoursAgo);
  await page.waitForFunction(() => document.getElementById('training-live')?.textContent === 'last log 2 h ago');
});
