import {
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  type DcganConfig,
  DcganError,
  DcganTrainer,
  type ImageDataset,
  Uint8ImageDataset,
  decodeCheckpointFiles,
  encodeCheckpointFiles,
  latentsForSeeds,
  makeGrid,
  runTrainingLoop,
  seedRange,
  unzipCheckpoint,
  validateModelConfig,
  validateTrainingConfig,
  zipCheckpoint,
} from '@dcgan-ts/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { version as PACKAGE_VERSION } from '../package.json';
import { decodeImages, imageBlobs } from './imageFiles.js';
import { type FromWorker, type ToWorker, type TrainData, type TrainSettings, checkpointFileName } from './trainProtocol.js';

/**
 * The Train view's worker: picks a backend (webgpu, then webgl, then cpu, or the one asked for), loads the data,
 * builds or resumes a DcganTrainer and runs core's training loop, reporting every step, log line and sample grid.
 * Pause, continue and "download checkpoint" act between two steps, so a checkpoint is always one whole step.
 */
interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

let trainer: DcganTrainer | null = null;
let sampleLatents: Float32Array | null = null;
let backendDescription = '';
let running = false;
let pauseRequested = false;
let downloadRequested = false;

scope.onmessage = (event) => {
  const message = event.data;
  const fail = (e: unknown) => {
    running = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    post({ type: 'state', state: 'error' });
  };
  switch (message.type) {
    case 'start':
      if (trainer || running) return fail(new Error('this worker already trains a run'));
      start(message.settings, message.data, message.checkpoint).catch(fail);
      break;
    case 'pause':
      if (running) pauseRequested = true;
      break;
    case 'continue':
      if (!trainer || running) return;
      if (message.steps !== undefined) setSteps(trainer, message.steps);
      train().catch(fail);
      break;
    case 'download':
      if (!trainer) return;
      if (running) downloadRequested = true;
      else sendCheckpoint().catch(fail);
      break;
  }
};

async function chooseBackend(asked: string): Promise<void> {
  const order = asked === 'auto' ? ['webgpu', 'webgl', 'cpu'] : [asked];
  const failures: string[] = [];
  for (const name of order) {
    try {
      // webgpu registers itself only where navigator.gpu exists; a null adapter makes setBackend throw.
      if (!tf.findBackendFactory(name)) throw new Error('not available in this browser');
      if (await tf.setBackend(name)) {
        await tf.ready();
        backendDescription = describe(name);
        post({ type: 'backend', name, description: backendDescription });
        return;
      }
      failures.push(`${name}: refused`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no TF.js backend works here (${failures.join('; ')})`);
}

/** The backend and, for WebGPU, its adapter: "webgpu (google swiftshader)". */
function describe(name: string): string {
  if (name !== 'webgpu') return name;
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  const parts = [info?.vendor, info?.architecture].filter((x) => x);
  return parts.length ? `webgpu (${parts.join(' ')})` : 'webgpu';
}

/** MNIST's 60,000 digits exactly as `dcgan train --dataset mnist` builds them (core's Uint8ImageDataset). */
async function loadMnist(url: string, size: number, channels: number): Promise<ImageDataset> {
  post({ type: 'status', text: 'fetching MNIST…' });
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch MNIST (${url}: HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 16 || view.getUint32(0) !== 0x00000803) throw new Error(`${url} is not an IDX image file`);
  const [count, rows, cols] = [view.getUint32(4), view.getUint32(8), view.getUint32(12)];
  if (bytes.byteLength !== 16 + count * rows * cols) throw new Error(`${url} is truncated: ${bytes.byteLength} bytes`);
  return new Uint8ImageDataset('mnist', { pixels: bytes.subarray(16), height: rows, width: cols, channels: 1 }, size, channels);
}

async function loadFolder(name: string, files: File[], size: number, channels: number): Promise<{ dataset: ImageDataset; skipped: number }> {
  post({ type: 'status', text: 'reading images…' });
  const blobs = await imageBlobs(files);
  if (blobs.length === 0) throw new Error('no images among the files given (PNG, JPEG, WebP, GIF, BMP or AVIF, or a .zip of them)');
  const decoded = await decodeImages(blobs, size, channels, (done, total) => post({ type: 'status', text: `decoding images ${done}/${total}…` }));
  if (decoded.count === 0) throw new Error(`none of the ${blobs.length} images decoded`);
  const dataset = new Uint8ImageDataset(name, { pixels: decoded.pixels, height: size, width: size, channels }, size, channels);
  return { dataset, skipped: decoded.skipped.length };
}

async function loadData(data: TrainData, dataset: string, size: number, channels: number): Promise<{ dataset: ImageDataset; skipped: number }> {
  if (dataset === 'mnist') {
    if (data.kind !== 'mnist') throw new Error('this run trains on MNIST, which this page cannot fetch here');
    return { dataset: await loadMnist(data.url, size, channels), skipped: 0 };
  }
  if (data.kind !== 'files') throw new Error(`this run trains on ${dataset}: drop or pick its images first`);
  // A checkpoint of another image set (Node's cifar10, ...) keeps its dataset name, for Node's --resume to check.
  return loadFolder(dataset, data.files, size, channels);
}

function configOf(settings: TrainSettings): Omit<DcganConfig, 'steps'> {
  const config = {
    ...DEFAULT_MODEL_CONFIG,
    ...DEFAULT_TRAINING_CONFIG,
    imageSize: settings.imageSize,
    channels: settings.channels,
    nz: settings.nz,
    ngf: settings.ngf,
    ndf: settings.ndf,
    batchSize: settings.batchSize,
    seed: settings.seed,
  };
  validateModelConfig(config);
  return config;
}

/** Steps of the run: asked, or epochs times the steps of one epoch (the last partial batch dropped, as in Node). */
function stepsOf(settings: TrainSettings, stepsPerEpoch: number): number {
  if (settings.epochs !== undefined) return Math.max(1, Math.round(settings.epochs * stepsPerEpoch));
  return settings.steps ?? DEFAULT_TRAINING_CONFIG.checkpointEvery;
}

function setSteps(t: DcganTrainer, steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive whole number, got ${steps}`);
  // The schedule may change on a resume, as `dcgan train --resume --steps N` may change it; the networks may not.
  (t.config as DcganConfig).steps = steps;
}

async function start(settings: TrainSettings, data: TrainData, checkpoint: ArrayBuffer | undefined): Promise<void> {
  post({ type: 'state', state: 'loading' });
  post({ type: 'status', text: 'starting the backend…' });
  await chooseBackend(settings.backend);

  let opened: Awaited<ReturnType<typeof decodeCheckpointFiles>> | null = null;
  if (checkpoint) {
    post({ type: 'status', text: 'opening the checkpoint…' });
    opened = await decodeCheckpointFiles(unzipCheckpoint(new Uint8Array(checkpoint), 'the checkpoint'), 'the checkpoint');
  }
  try {
    const base = opened ? opened.state.config : configOf(settings);
    const datasetName = opened ? opened.state.dataset.name : settings.dataset;
    const { dataset, skipped } = await loadData(data, datasetName, base.imageSize, base.channels);
    if (opened && datasetName === 'mnist' && dataset.size !== opened.state.dataset.size) {
      throw new DcganError(`the checkpoint trained on ${opened.state.dataset.size} MNIST images; this MNIST has ${dataset.size}`);
    }
    const stepsPerEpoch = Math.floor(dataset.size / base.batchSize);
    if (stepsPerEpoch < 1) throw new DcganError(`${dataset.size} images are fewer than one batch of ${base.batchSize}`);
    const steps = opened ? (settings.steps ?? opened.state.config.steps) : stepsOf(settings, stepsPerEpoch);
    // Live grids about 50 times a run (the checkpoint records this schedule; Node's --resume may change it).
    const sampleEvery = opened ? opened.state.config.sampleEvery : (settings.sampleEvery ?? Math.max(1, Math.min(100, Math.round(steps / 50))));
    const config: DcganConfig = { ...base, steps, sampleEvery, logEvery: opened ? base.logEvery : Math.min(base.logEvery, sampleEvery) };
    validateTrainingConfig(config);
    post({ type: 'status', text: opened ? `resuming at step ${opened.state.step}…` : 'building the networks…' });
    trainer = opened
      ? DcganTrainer.resume(config, dataset, opened.generator, opened.discriminator!, opened.trainerState!, { emaModel: opened.generatorEma })
      : DcganTrainer.create(config, dataset);
    opened = null; // the trainer owns the networks now
    sampleLatents = latentsForSeeds(seedRange(0, config.sampleCount), config.nz, config.z);
    post({ type: 'ready', config, dataset: dataset.name, datasetSize: dataset.size, stepsPerEpoch, fromStep: trainer.step, skipped });
  } finally {
    opened?.generator.dispose();
    opened?.discriminator?.dispose();
    opened?.generatorEma?.dispose();
  }
  await train();
}

/** Runs the loop until the run ends or a pause; a download request interrupts it, sends the zip and carries on. */
async function train(): Promise<void> {
  const t = trainer!;
  running = true;
  try {
    for (;;) {
      if (t.step >= t.config.steps) break;
      post({ type: 'state', state: 'running' });
      post({ type: 'status', text: `training on ${backendDescription}` });
      const { sampleCount, imageSize, channels } = t.config;
      const result = await runTrainingLoop(t, sampleLatents!, {
        onStep: (step, totalSteps, metrics) => post({ type: 'step', step, totalSteps, metrics, epoch: t.epochsDone, time: performance.now() }),
        onLog: (entry) => post({ type: 'log', entry }),
        onSample: async (step, images) => {
          const grid = makeGrid(await images.data<'float32'>(), sampleCount, imageSize, imageSize, channels);
          post({ type: 'sample', step, grid }, [grid.data.buffer]);
        },
        shouldStop: () => pauseRequested || downloadRequested,
      });
      if (downloadRequested) {
        downloadRequested = false;
        await sendCheckpoint();
      }
      if (!result.interrupted) break;
      if (pauseRequested) {
        pauseRequested = false;
        post({ type: 'state', state: 'paused' });
        post({ type: 'status', text: `paused at step ${t.step}` });
        return;
      }
    }
    pauseRequested = false;
    post({ type: 'state', state: 'done' });
    post({ type: 'status', text: `done: step ${t.step} on ${backendDescription}` });
  } finally {
    running = false;
  }
}

async function sendCheckpoint(): Promise<void> {
  const t = trainer!;
  const files = await encodeCheckpointFiles(t, { backend: `${backendDescription} (browser)`, datasetSize: t.dataset.size, packageVersion: PACKAGE_VERSION });
  const zip = zipCheckpoint(files);
  const bytes = zip.buffer.byteLength === zip.byteLength ? (zip.buffer as ArrayBuffer) : (zip.slice().buffer as ArrayBuffer);
  post({ type: 'checkpoint', step: t.step, bytes, name: checkpointFileName(t.dataset.name, t.config.imageSize, t.step) }, [bytes]);
}
