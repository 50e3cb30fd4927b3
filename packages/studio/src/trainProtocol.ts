import type { DcganConfig, Image8, LogEntry, StepMetrics } from '@dcgan-ts/core';

/**
 * What the Train view asks of its worker (trainWorker.ts) and what the worker reports back. Everything crosses as
 * structured clones; large buffers (MNIST's IDX file, a checkpoint .zip, sample grids) are transferred.
 */

/** The user's settings: the Train view's form, filled from the URL query first. */
export interface TrainSettings {
  /** 'mnist': the IDX file `dcgan studio` serves; 'folder': images the user dropped or picked (a folder or a .zip). */
  dataset: 'mnist' | 'folder';
  imageSize: number;
  channels: number;
  batchSize: number;
  nz: number;
  ngf: number;
  ndf: number;
  /** Total steps of the run, or, when `epochs` is given, derived from it and the dataset's size. */
  steps?: number;
  epochs?: number;
  seed: number;
  /** Live sample grid every N steps (default: about 50 grids a run). */
  sampleEvery?: number;
  /** 'auto' (webgpu, then webgl, then cpu) or one backend forced. */
  backend: string;
}

/** The training images, as the page hands them over. */
export type TrainData =
  /** URL of MNIST's raw IDX training images (train-images-idx3-ubyte), fetched by the worker. */
  | { kind: 'mnist'; url: string }
  /** Image files (a picked folder, dropped files) or a .zip of images. */
  | { kind: 'files'; files: File[] };

export type ToWorker =
  | { type: 'start'; settings: TrainSettings; data: TrainData; checkpoint?: ArrayBuffer }
  /** Stop after the current step; `continue` carries on with the same networks and optimizer moments. */
  | { type: 'pause' }
  /** Continue a paused run, or a finished one up to `steps`. */
  | { type: 'continue'; steps?: number }
  /** A checkpoint .zip of the current step (taken between two steps when training). */
  | { type: 'download' };

export type WorkerState = 'loading' | 'running' | 'paused' | 'done' | 'error';

export type FromWorker =
  | { type: 'status'; text: string }
  | { type: 'state'; state: WorkerState }
  | { type: 'backend'; name: string; description: string }
  | { type: 'ready'; config: DcganConfig; dataset: string; datasetSize: number; stepsPerEpoch: number; fromStep: number; skipped: number }
  | { type: 'step'; step: number; totalSteps: number; metrics: StepMetrics; epoch: number; time: number }
  | { type: 'log'; entry: LogEntry }
  | { type: 'sample'; step: number; grid: Image8 }
  | { type: 'checkpoint'; step: number; bytes: ArrayBuffer; name: string }
  | { type: 'error'; message: string };

export const DEFAULT_SETTINGS: TrainSettings = {
  dataset: 'mnist',
  imageSize: 32,
  channels: 1,
  batchSize: 64,
  nz: 100,
  ngf: 64,
  ndf: 64,
  steps: 500,
  seed: 1,
  backend: 'auto',
};

export const IMAGE_SIZES = [16, 32, 64] as const;
export const BACKENDS = ['auto', 'webgpu', 'webgl', 'cpu'] as const;

/**
 * Settings from a URL query such as `?train=mnist&size=32&batch=64&steps=200&seed=1&autostart=1` (also `channels`,
 * `ngf`, `ndf`, `nz`, `epochs`, `sample-every`, `backend`). Throws on a value that is not one a setting takes.
 */
export function settingsFromQuery(query: URLSearchParams): { settings: TrainSettings; train: boolean; autostart: boolean } {
  const s: TrainSettings = { ...DEFAULT_SETTINGS };
  const int = (name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    const raw = query.get(name);
    if (raw === null || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`?${name}=${raw}: must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
    return n;
  };
  const train = query.get('train');
  if (train !== null && train !== '' && train !== 'mnist' && train !== 'folder') throw new Error(`?train=${train}: must be mnist or folder`);
  if (train === 'folder') s.dataset = 'folder';
  const size = int('size', 16, 64);
  if (size !== undefined && !(IMAGE_SIZES as readonly number[]).includes(size)) throw new Error(`?size=${size}: must be 16, 32 or 64`);
  s.imageSize = size ?? s.imageSize;
  const channels = int('channels', 1, 3);
  if (channels === 2) throw new Error('?channels=2: must be 1 or 3');
  s.channels = channels ?? s.channels;
  s.batchSize = int('batch', 1, 4096) ?? s.batchSize;
  s.nz = int('nz', 1, 4096) ?? s.nz;
  s.ngf = int('ngf', 1, 1024) ?? s.ngf;
  s.ndf = int('ndf', 1, 1024) ?? s.ndf;
  s.seed = int('seed', 0, 0xffffffff) ?? s.seed;
  s.sampleEvery = int('sample-every', 1);
  const steps = int('steps', 1);
  const epochsRaw = query.get('epochs');
  if (epochsRaw !== null && epochsRaw !== '') {
    const epochs = Number(epochsRaw);
    if (!(epochs > 0) || !Number.isFinite(epochs)) throw new Error(`?epochs=${epochsRaw}: must be a positive number`);
    if (steps !== undefined) throw new Error('give steps or epochs, not both');
    s.epochs = epochs;
    delete s.steps;
  } else if (steps !== undefined) s.steps = steps;
  const backend = query.get('backend');
  if (backend !== null && backend !== '') {
    if (!(BACKENDS as readonly string[]).includes(backend)) throw new Error(`?backend=${backend}: must be one of ${BACKENDS.join(', ')}`);
    s.backend = backend;
  }
  return { settings: s, train: train !== null, autostart: query.get('autostart') === '1' };
}

/** The name a downloaded checkpoint gets: dcgan-mnist32-step-000200.zip. */
export function checkpointFileName(dataset: string, imageSize: number, step: number): string {
  return `dcgan-${dataset}${imageSize}-step-${String(step).padStart(6, '0')}.zip`;
}
