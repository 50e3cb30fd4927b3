import { type DcganConfig, type Image8, type LogEntry, STATE_JSON, parseCheckpointStateBytes, unzipCheckpoint } from '@dcgan-ts/core';
import { saveBlob } from './download.js';
import { drawLossChart } from './lossChart.js';
import { drawProbabilityChart, thin, type ProbabilityPoint } from './probabilityChart.js';
import {
  BACKENDS,
  type FromWorker,
  IMAGE_SIZES,
  type ToWorker,
  type TrainData,
  type TrainSettings,
  type WorkerState,
  settingsFromQuery,
} from './trainProtocol.js';

/** Where `dcgan studio` serves MNIST's training images (packages/node/src/studio/studioServer.ts). */
const MNIST_URL = 'data/mnist/train-images';
const LOG_ROWS = 50;

interface Point extends ProbabilityPoint {
  lossD: number;
  lossG: number;
}

/** A checkpoint the user opened, waiting for Start to continue it. */
interface OpenedCheckpoint {
  bytes: ArrayBuffer;
  step: number;
  config: DcganConfig;
  dataset: string;
}

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * The Train view: trains a DCGAN in a Web Worker on MNIST (when the server provides it) or on images the user
 * drops, with the settings of the form (filled from the URL query), live sample grids on the run's fixed noise
 * (seeds 0..63, as `dcgan train` draws its grids), loss and D(x)/D(G(z)) curves, img/s, pause and continue, and
 * checkpoints downloaded and opened as .zip files that `dcgan sample` and `dcgan train --resume` read too.
 * `view.dataset` says what happens (state, step, backend, sample step) for watchers such as the end-to-end test.
 */
export function mountTrainView(onError: (message: string) => void): { autostart(): Promise<void> } {
  const view = byId('train-view');
  const form = byId<HTMLFormElement>('train-form');
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
  const message = byId('train-message');
  const startButton = byId<HTMLButtonElement>('train-start');
  const pauseButton = byId<HTMLButtonElement>('train-pause');
  const downloadButton = byId<HTMLButtonElement>('train-download');
  const openInput = byId<HTMLInputElement>('train-open-file');
  const mnistRadio = byId<HTMLInputElement>('train-data-mnist');
  const folderRadio = byId<HTMLInputElement>('train-data-folder');
  const mnistNote = byId('train-mnist-note');
  const filesNote = byId('train-files');
  const drop = byId('train-drop');
  const lossChart = byId('train-loss-chart');
  const probChart = byId('train-prob-chart');
  const gridCanvas = byId<HTMLCanvasElement>('train-grid');
  const gridCaption = byId('train-grid-caption');
  const stepLabel = byId('train-step');
  const speedLabel = byId('train-speed');
  const backendChip = byId('train-backend');
  const logBody = byId('train-log').querySelector('tbody')!;
  const checkpointNote = byId('train-checkpoint');

  let worker: Worker | null = null;
  let state: WorkerState | 'idle' = 'idle';
  let files: File[] = [];
  let mnistServed: boolean | null = null;
  let opened: OpenedCheckpoint | null = null;
  let points: Point[] = [];
  let stepTimes: { step: number; time: number }[] = [];
  let batchSize = 0;
  let drawPending = false;

  const say = (text: string, kind: 'ok' | 'error' = 'ok') => {
    message.textContent = text;
    message.classList.toggle('error', kind === 'error');
  };
  const setState = (s: typeof state) => {
    state = s;
    view.dataset.state = s;
    const started = s === 'running' || s === 'paused' || s === 'done' || s === 'loading';
    pauseButton.disabled = !(s === 'running' || s === 'paused' || s === 'done');
    pauseButton.textContent = s === 'running' ? 'Pause' : 'Continue';
    downloadButton.disabled = !(s === 'running' || s === 'paused' || s === 'done');
    startButton.textContent = started ? 'New run' : 'Start';
  };

  // The form: every setting from the URL query first.
  let query: ReturnType<typeof settingsFromQuery>;
  try {
    query = settingsFromQuery(new URLSearchParams(location.search));
  } catch (e) {
    say((e as Error).message, 'error');
    query = settingsFromQuery(new URLSearchParams());
  }
  const sizeSelect = field('size') as HTMLSelectElement;
  sizeSelect.replaceChildren(...IMAGE_SIZES.map((s) => new Option(`${s}×${s}`, String(s))));
  const backendSelect = field('backend') as HTMLSelectElement;
  backendSelect.replaceChildren(...BACKENDS.map((b) => new Option(b === 'auto' ? 'auto (webgpu › webgl › cpu)' : b, b)));
  const fillForm = (s: TrainSettings) => {
    field('size').value = String(s.imageSize);
    field('channels').value = String(s.channels);
    field('batch').value = String(s.batchSize);
    field('nz').value = String(s.nz);
    field('ngf').value = String(s.ngf);
    field('ndf').value = String(s.ndf);
    field('steps').value = s.steps === undefined ? '' : String(s.steps);
    field('epochs').value = s.epochs === undefined ? '' : String(s.epochs);
    field('seed').value = String(s.seed);
    field('backend').value = s.backend;
    (s.dataset === 'mnist' ? mnistRadio : folderRadio).checked = true;
  };
  fillForm(query.settings);
  const sampleEvery = query.settings.sampleEvery;
  // Steps and epochs exclude each other: typing one clears the other.
  field('steps').addEventListener('input', () => (field('epochs').value = ''));
  field('epochs').addEventListener('input', () => (field('steps').value = ''));

  const readForm = (): TrainSettings => {
    const int = (name: string, label: string) => {
      const v = Number(field(name).value);
      if (!Number.isInteger(v) || v < (name === 'seed' ? 0 : 1)) throw new Error(`${label} must be a whole number${name === 'seed' ? '' : ' above 0'}`);
      return v;
    };
    const epochsText = field('epochs').value.trim();
    const settings: TrainSettings = {
      dataset: folderRadio.checked ? 'folder' : 'mnist',
      imageSize: int('size', 'size'),
      channels: int('channels', 'channels'),
      batchSize: int('batch', 'batch'),
      nz: int('nz', 'nz'),
      ngf: int('ngf', 'ngf'),
      ndf: int('ndf', 'ndf'),
      seed: int('seed', 'seed'),
      backend: field('backend').value,
      sampleEvery,
    };
    if (epochsText !== '') {
      const epochs = Number(epochsText);
      if (!(epochs > 0)) throw new Error('epochs must be a positive number');
      settings.epochs = epochs;
    } else settings.steps = int('steps', 'steps');
    return settings;
  };

  const lockModelFields = (locked: boolean) => {
    for (const name of ['size', 'channels', 'batch', 'nz', 'ngf', 'ndf', 'seed', 'epochs']) field(name).disabled = locked;
    mnistRadio.disabled = locked || mnistServed !== true;
    folderRadio.disabled = locked;
  };

  // Data: MNIST when the server provides it, else images the user drops or picks.
  const describeFiles = () => {
    const zips = files.filter((f) => /\.zip$/i.test(f.name)).length;
    filesNote.textContent = files.length === 0 ? '' : `${files.length - zips} images${zips ? ` and ${zips} .zip` : ''} chosen`;
    drop.dataset.files = String(files.length);
  };
  const takeFiles = (list: Iterable<File>) => {
    files = [...list];
    describeFiles();
    if (files.length > 0 && opened?.dataset !== 'mnist') folderRadio.checked = true;
  };
  byId('train-pick-folder').addEventListener('click', () => byId<HTMLInputElement>('train-folder').click());
  byId('train-pick-zip').addEventListener('click', () => byId<HTMLInputElement>('train-zip').click());
  for (const id of ['train-folder', 'train-zip']) {
    const input = byId<HTMLInputElement>(id);
    input.addEventListener('change', () => takeFiles(input.files ?? []));
  }
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    void droppedFiles(e.dataTransfer).then(takeFiles);
  });

  const checkMnist = async (): Promise<boolean> => {
    try {
      const response = await fetch(MNIST_URL, { method: 'HEAD', cache: 'no-store' });
      mnistServed = response.ok;
    } catch {
      mnistServed = false;
    }
    view.dataset.mnist = String(mnistServed);
    mnistNote.textContent = mnistServed ? '60,000 digits from the studio server' : 'not served here (dcgan studio serves it): drop images instead';
    mnistRadio.disabled = !mnistServed || opened !== null;
    if (!mnistServed && mnistRadio.checked) folderRadio.checked = true;
    return mnistServed;
  };
  const mnistChecked = checkMnist();

  // The worker and what it reports.
  const send = (m: ToWorker, transfer: Transferable[] = []) => worker?.postMessage(m, transfer);
  const onMessage = (m: FromWorker) => {
    switch (m.type) {
      case 'status':
        say(m.text);
        break;
      case 'state':
        setState(m.state);
        break;
      case 'backend':
        view.dataset.backend = m.name;
        backendChip.textContent = m.description;
        backendChip.hidden = false;
        break;
      case 'ready': {
        batchSize = m.config.batchSize;
        view.dataset.totalSteps = String(m.config.steps);
        view.dataset.fromStep = String(m.fromStep);
        view.dataset.datasetSize = String(m.datasetSize);
        if (field('steps').value === '' || opened) field('steps').value = String(m.config.steps);
        const skipped = m.skipped ? ` (${m.skipped} files did not decode)` : '';
        checkpointNote.textContent = `${m.dataset}: ${m.datasetSize.toLocaleString('en')} images${skipped}, ${m.stepsPerEpoch} steps an epoch · ${m.config.imageSize}×${m.config.imageSize}×${m.config.channels}, ngf ${m.config.ngf}, ndf ${m.config.ndf}, batch ${m.config.batchSize}, seed ${m.config.seed}`;
        break;
      }
      case 'step':
        points.push({ step: m.step, ...m.metrics });
        stepTimes.push({ step: m.step, time: m.time });
        // img/s over the last 3 seconds, and over the last two steps at least (a slow backend steps less often).
        stepTimes = stepTimes.slice(-200);
        while (stepTimes.length > 2 && stepTimes[0]!.time < m.time - 3000) stepTimes.shift();
        view.dataset.step = String(m.step);
        stepLabel.textContent = `step ${m.step.toLocaleString('en')} / ${m.totalSteps.toLocaleString('en')} · epoch ${m.epoch.toFixed(2)} · loss D ${m.metrics.lossD.toFixed(3)} · loss G ${m.metrics.lossG.toFixed(3)}`;
        scheduleDraw();
        break;
      case 'log':
        addLogRow(m.entry);
        break;
      case 'sample':
        paintGrid(gridCanvas, m.grid);
        view.dataset.sampleStep = String(m.step);
        gridCaption.textContent = `G at step ${m.step} on fixed noise (seeds 0–63)`;
        break;
      case 'checkpoint':
        saveBlob(new Blob([m.bytes], { type: 'application/zip' }), m.name);
        view.dataset.downloadStep = String(m.step);
        say(`checkpoint of step ${m.step} saved as ${m.name}`);
        break;
      case 'error':
        say(m.message, 'error');
        onError(m.message);
        break;
    }
  };

  const scheduleDraw = () => {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      const shown = thin(points);
      drawLossChart(lossChart, shown);
      drawProbabilityChart(probChart, shown);
      const first = stepTimes[0];
      const last = stepTimes[stepTimes.length - 1];
      if (first && last && last.step > first.step) {
        const perSecond = ((last.step - first.step) * batchSize) / ((last.time - first.time) / 1000);
        speedLabel.textContent = `${perSecond.toFixed(perSecond < 10 ? 1 : 0)} img/s`;
        view.dataset.imgPerSec = perSecond.toFixed(2);
      }
    });
  };
  new ResizeObserver(scheduleDraw).observe(lossChart);

  const addLogRow = (e: LogEntry) => {
    const row = document.createElement('tr');
    Object.assign(row.dataset, { step: String(e.step), lossD: String(e.lossD), lossG: String(e.lossG), dx: String(e.dx), dgz: String(e.dgz1) });
    for (const v of [String(e.step), e.epoch.toFixed(2), e.lossD.toFixed(4), e.lossG.toFixed(4), e.dx.toFixed(3), `${e.dgz1.toFixed(3)} / ${e.dgz2.toFixed(3)}`, e.imgPerSec.toFixed(1)]) {
      row.append(Object.assign(document.createElement('td'), { textContent: v }));
    }
    logBody.prepend(row);
    while (logBody.rows.length > LOG_ROWS) logBody.lastElementChild!.remove();
  };

  const start = async () => {
    let settings: TrainSettings;
    try {
      settings = readForm();
    } catch (e) {
      say((e as Error).message, 'error');
      return;
    }
    await mnistChecked;
    const dataset = opened ? opened.dataset : settings.dataset;
    let data: TrainData;
    if (dataset === 'mnist') {
      if (!mnistServed) return say('MNIST is not served here: start the page with `dcgan studio`, or drop images', 'error');
      data = { kind: 'mnist', url: new URL(MNIST_URL, location.href).href };
    } else {
      if (files.length === 0) return say(opened ? `this checkpoint trained on ${dataset}: drop or pick the same images, then Start` : 'drop or pick images (a folder or a .zip) first', 'error');
      data = { kind: 'files', files };
    }
    if (opened && settings.steps !== undefined && settings.steps <= opened.step) {
      return say(`the checkpoint is at step ${opened.step}: set steps above it to continue`, 'error');
    }
    worker?.terminate();
    worker = new Worker(new URL('./trainWorker.ts', import.meta.url), { type: 'module', name: 'dcgan-train' });
    worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
    worker.onerror = (e) => {
      say(`the training worker failed: ${e.message}`, 'error');
      onError(e.message);
      setState('error');
    };
    points = [];
    stepTimes = [];
    logBody.replaceChildren();
    delete view.dataset.step;
    delete view.dataset.sampleStep;
    delete view.dataset.downloadStep;
    delete view.dataset.backend;
    setState('loading');
    // The page keeps its copy of an opened checkpoint, so that New run can start from it again.
    const checkpoint = opened ? opened.bytes.slice(0) : undefined;
    send({ type: 'start', settings, data, checkpoint }, checkpoint ? [checkpoint] : []);
  };

  startButton.addEventListener('click', () => void start());
  pauseButton.addEventListener('click', () => {
    if (state === 'running') {
      send({ type: 'pause' });
      say('pausing after this step…');
    } else if (state === 'paused' || state === 'done') {
      const steps = Number(field('steps').value);
      const at = Number(view.dataset.step ?? 0);
      if (state === 'done' && !(steps > at)) return say(`the run is at step ${at}: set steps above it to continue`, 'error');
      send({ type: 'continue', steps: Number.isInteger(steps) && steps > 0 ? steps : undefined });
    }
  });
  downloadButton.addEventListener('click', () => send({ type: 'download' }));
  byId('train-open').addEventListener('click', () => openInput.click());
  openInput.addEventListener('change', () => {
    const file = openInput.files?.[0];
    openInput.value = '';
    if (file) void openCheckpoint(file);
  });
  byId('train-forget').addEventListener('click', () => {
    opened = null;
    lockModelFields(false);
    byId('train-forget').hidden = true;
    checkpointNote.textContent = '';
    delete view.dataset.opened;
  });

  const openCheckpoint = async (file: File) => {
    try {
      const bytes = await file.arrayBuffer();
      const entries = unzipCheckpoint(new Uint8Array(bytes), file.name);
      const stateBytes = entries.get(STATE_JSON);
      if (!stateBytes) throw new Error(`${file.name} holds no ${STATE_JSON}`);
      const s = parseCheckpointStateBytes(stateBytes, file.name);
      const c = s.config;
      opened = { bytes, step: s.step, config: c, dataset: s.dataset.name };
      await mnistChecked;
      fillForm({
        dataset: s.dataset.name === 'mnist' ? 'mnist' : 'folder',
        imageSize: c.imageSize,
        channels: c.channels,
        batchSize: c.batchSize,
        nz: c.nz,
        ngf: c.ngf,
        ndf: c.ndf,
        seed: c.seed,
        steps: c.steps > s.step ? c.steps : s.step + c.steps,
        backend: field('backend').value,
      });
      if (!(IMAGE_SIZES as readonly number[]).includes(c.imageSize)) sizeSelect.append(new Option(`${c.imageSize}×${c.imageSize}`, String(c.imageSize), true, true));
      lockModelFields(true);
      byId('train-forget').hidden = false;
      view.dataset.opened = String(s.step);
      checkpointNote.textContent = `${file.name}: step ${s.step} of ${c.steps}, ${s.dataset.name} (${s.dataset.size.toLocaleString('en')} images), trained on ${s.backend}`;
      const ready = s.dataset.name === 'mnist' ? mnistServed : files.length > 0;
      say(ready ? `checkpoint of step ${s.step} opened: Start continues it` : `checkpoint of step ${s.step} opened: it trained on ${s.dataset.name}; ${s.dataset.name === 'mnist' ? 'MNIST is not served here' : 'drop the same images'}, then Start`);
    } catch (e) {
      say((e as Error).message, 'error');
    }
  };

  setState('idle');
  if (query.train) document.body.dataset.view = 'train';
  return {
    autostart: async () => {
      if (!query.autostart) return;
      await mnistChecked;
      if (query.settings.dataset === 'mnist' && !mnistServed) return say('autostart: MNIST is not served here; drop images and press Start', 'error');
      if (query.settings.dataset === 'folder' && files.length === 0) return say('autostart: drop or pick images, then press Start');
      await start();
    },
  };
}

function paintGrid(canvas: HTMLCanvasElement, grid: Image8): void {
  const image = new ImageData(grid.width, grid.height);
  const c = grid.channels;
  for (let p = 0; p < grid.width * grid.height; p++) {
    image.data[p * 4] = grid.data[p * c]!;
    image.data[p * 4 + 1] = grid.data[p * c + (c === 3 ? 1 : 0)]!;
    image.data[p * 4 + 2] = grid.data[p * c + (c === 3 ? 2 : 0)]!;
    image.data[p * 4 + 3] = 255;
  }
  if (canvas.width !== grid.width || canvas.height !== grid.height) [canvas.width, canvas.height] = [grid.width, grid.height];
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}

/** Files of a drop: plain files, and the files of dropped folders (walked through the entries API). */
async function droppedFiles(transfer: DataTransfer | null): Promise<File[]> {
  if (!transfer) return [];
  const entries = [...transfer.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return [...transfer.files];
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      out.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return out;
}
