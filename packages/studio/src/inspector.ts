import { canvasPng, paint } from './canvas.js';
import { latentJson, saveBlob } from './download.js';
import { drawLatents } from './generator.js';
import { latestOnly } from './scheduler.js';
import type { Latent, StudioState } from './state.js';

/**
 * The focused latent, large, with PNG and z downloads and one slider per dimension of z. Moving a slider edits a
 * copy of the focused z ("edited" in the label); "reset z" returns to the original.
 */
export function mountInspector(state: StudioState): void {
  const canvas = document.getElementById('focus-canvas') as HTMLCanvasElement;
  const label = document.getElementById('focus-label')!;
  const sliders = document.getElementById('z-sliders')!;
  const dims = document.getElementById('z-dims')!;
  let original: Latent | null = null;
  let current: Latent | null = null;
  let inputs: HTMLInputElement[] = [];

  const redraw = latestOnly(async () => {
    if (!state.generator || !current) return;
    const [image] = await drawLatents(state.generator, [current.z], state.cls);
    paint(canvas, image!);
    label.textContent = current.label;
  });

  const buildSliders = () => {
    const m = state.generator?.manifest;
    if (!m) return;
    // Normal z lives mostly within +-3; uniform z in [-1, 1].
    const limit = m.distribution === 'normal' ? 3 : 1;
    dims.textContent = `${m.latentSize} dimensions, ${m.distribution}`;
    inputs = Array.from({ length: m.latentSize }, (_, d) => {
      const input = document.createElement('input');
      input.type = 'range';
      input.min = String(-limit);
      input.max = String(limit);
      input.step = String(limit / 100);
      input.dataset.dim = String(d);
      input.addEventListener('input', () => {
        if (!current || !original) return;
        if (current === original) current = { z: original.z.slice(), label: `${original.label}, edited`, seed: undefined };
        current.z[d] = Number(input.value);
        redraw();
      });
      return input;
    });
    sliders.replaceChildren(
      ...inputs.map((input, d) => {
        const row = document.createElement('label');
        row.className = 'z-row';
        const name = document.createElement('span');
        name.textContent = String(d);
        row.append(name, input);
        return row;
      }),
    );
  };

  const syncSliders = () => inputs.forEach((input, d) => (input.value = String(current?.z[d] ?? 0)));

  state.on('focus', () => {
    original = state.focus;
    current = original;
    syncSliders();
    redraw();
  });
  state.on('class', redraw);
  state.on('model', () => {
    if (inputs.length !== state.generator?.manifest.latentSize) buildSliders();
    syncSliders();
    redraw();
  });
  document.getElementById('z-reset')!.addEventListener('click', () => {
    current = original;
    syncSliders();
    redraw();
  });
  document.getElementById('download-png')!.addEventListener('click', async () => {
    if (current) saveBlob(await canvasPng(canvas), `${fileName(current)}.png`);
  });
  document.getElementById('download-z')!.addEventListener('click', () => {
    if (current) saveBlob(latentJson(current.z, { seed: current.seed, cls: state.cls }), `${fileName(current)}.json`);
  });
}

function fileName(latent: Latent): string {
  return latent.label.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '') || 'z';
}
