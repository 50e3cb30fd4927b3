import './style.css';
import type { StudioStatus } from '@dcgan-ts/core';
import { mountArithmetic } from './arithmetic.js';
import { chooseBackend } from './backend.js';
import { mountClassPicker } from './classPicker.js';
import { NoModelError, loadGenerator } from './generator.js';
import { mountInspector } from './inspector.js';
import { mountInterpolation } from './interpolation.js';
import { mountProjection } from './projection.js';
import { mountSampleGrid } from './sampleGrid.js';
import { StudioState } from './state.js';
import { mountTraining } from './training.js';
import { mountTrainView } from './trainView.js';

/** How often the page asks the server whether the run moved on (new log lines, sample grid or checkpoint). */
const POLL_MS = 2000;

const statusLine = document.getElementById('status')!;
const info = document.getElementById('model-info')!;

function say(text: string, kind: 'ok' | 'busy' | 'error' = 'ok'): void {
  statusLine.textContent = text;
  statusLine.className = `status ${kind}`;
}

type View = 'explore' | 'train';
const tabs = Array.from(document.querySelectorAll<HTMLButtonElement>('#tabs button'));

function showView(view: View): void {
  document.body.dataset.view = view;
  tabs.forEach((t) => t.classList.toggle('on', t.dataset.view === view));
}

/**
 * The page: the Explore view on the model the server serves (samples, arithmetic, interpolation, the run's curves)
 * and the Train view (training in the browser). Without a served model (a static file server, or `dcgan studio`
 * started for training only) the Train view is the page.
 */
async function main(): Promise<void> {
  tabs.forEach((t) => t.addEventListener('click', () => showView(t.dataset.view as View)));
  const train = mountTrainView((m) => console.warn(`train: ${m}`));
  showView(document.body.dataset.view === 'train' ? 'train' : 'explore');
  const explored = explore().catch((e: unknown) => {
    if (!(e instanceof NoModelError)) throw e;
    document.body.dataset.model = 'none';
    byTab('explore').disabled = true;
    byTab('explore').title = 'no model is served here: train one, or start dcgan studio --checkpoint RUN';
    info.replaceChildren();
    say('no model served: train one in the browser');
    showView('train');
  });
  await Promise.all([explored, train.autostart()]);
}

function byTab(view: View): HTMLButtonElement {
  return tabs.find((t) => t.dataset.view === view)!;
}

async function explore(): Promise<void> {
  const backend = await chooseBackend();
  document.body.dataset.backend = backend;
  const state = new StudioState();
  mountClassPicker(state);
  mountSampleGrid(state);
  mountInspector(state);
  mountArithmetic(state);
  mountInterpolation(state);
  mountProjection(state);
  const updateTraining = mountTraining();

  const load = async () => {
    say('loading the model…', 'busy');
    const g = await loadGenerator();
    const m = g.manifest;
    info.replaceChildren(
      ...[
        `${m.imageSize}×${m.imageSize}×${m.channels}`,
        `z: ${m.latentSize} ${m.distribution}`,
        ...(m.classes ? [`${m.classes} classes`] : []),
        `step ${m.step.toLocaleString('en')}`,
        backend,
      ].map((t) => Object.assign(document.createElement('span'), { className: 'chip', textContent: t })),
    );
    state.setGenerator(g);
    if (!state.focus) state.setFocus(state.seedLatent(0));
    document.body.dataset.modelStep = String(m.step);
    say(`step ${m.step} loaded`);
  };

  await load();
  // Poll rather than push: the server stays a plain file server, and a page left open survives server restarts.
  const poll = async () => {
    try {
      const response = await fetch('api/status', { cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const status = (await response.json()) as StudioStatus;
      if (status.modelStep !== null && status.modelStep !== state.generator?.manifest.step) await load();
      else say(status.run ? `step ${status.modelStep} · following the run` : `step ${status.modelStep}`);
      await updateTraining(status);
    } catch (e) {
      say(`server unreachable (${(e as Error).message}); retrying`, 'error');
    } finally {
      setTimeout(() => void poll(), POLL_MS);
    }
  };
  void poll();
}

main().catch((e: unknown) => {
  say(`cannot start: ${(e as Error).message}`, 'error');
  console.error(e);
});
