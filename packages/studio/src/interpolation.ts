import { slerp } from '@dcgan-ts/core';
import { paint, pixelCanvas } from './canvas.js';
import { drawLatents } from './generator.js';
import { latestOnly } from './scheduler.js';
import type { Latent, Pick, StudioState } from './state.js';

const STRIP_FRAMES = 9;

/**
 * A slerp (paper section 6.1, Figure 4's walks) between any two picks: the slider's frame, large, and a strip of
 * 9 evenly spaced frames under it, in the picked class for a conditional G. Defaults to the two most recent picks.
 */
export function mountInterpolation(state: StudioState): void {
  const from = document.getElementById('interp-from') as HTMLSelectElement;
  const to = document.getElementById('interp-to') as HTMLSelectElement;
  const slider = document.getElementById('interp-slider') as HTMLInputElement;
  const canvas = document.getElementById('interp-canvas') as HTMLCanvasElement;
  const strip = document.getElementById('interp-strip')!;
  const hint = document.getElementById('interp-hint')!;
  let options: Pick[] = [];
  // Endpoints follow the two newest picks until the user chooses them.
  let chosen = false;

  const endpoints = (): [Latent, Latent] | null => {
    const a = options[Number(from.value)];
    const b = options[Number(to.value)];
    return a && b ? [a.latent, b.latent] : null;
  };

  const frame = latestOnly(async () => {
    const ends = endpoints();
    if (!state.generator || !ends) return;
    const t = Number(slider.value);
    const [image] = await drawLatents(state.generator, [slerp(ends[0].z, ends[1].z, t)], state.cls);
    paint(canvas, image!);
    canvas.dataset.t = String(t);
  });

  const walk = latestOnly(async () => {
    const ends = endpoints();
    if (!state.generator || !ends) {
      strip.replaceChildren();
      return;
    }
    const latents = Array.from({ length: STRIP_FRAMES }, (_, i) => {
      const t = i / (STRIP_FRAMES - 1);
      return { z: slerp(ends[0].z, ends[1].z, t), label: `slerp(${ends[0].label} → ${ends[1].label}, t = ${t.toFixed(3)})` };
    });
    const images = await drawLatents(state.generator, latents.map((l) => l.z), state.cls);
    strip.replaceChildren(
      ...latents.map((latent, i) => {
        const c = pixelCanvas('pixel small');
        paint(c, images[i]!);
        c.title = latent.label;
        c.addEventListener('click', () => {
          slider.value = String(i / (STRIP_FRAMES - 1));
          frame();
          state.setFocus(latent);
        });
        return c;
      }),
    );
  });

  const fillSelects = () => {
    const previous = [options[Number(from.value)], options[Number(to.value)]];
    options = [...state.picks];
    for (const select of [from, to]) {
      select.replaceChildren(
        ...options.map((p, i) => Object.assign(document.createElement('option'), { value: String(i), textContent: `${p.latent.label} (${p.group})` })),
      );
    }
    const keep = (p: Pick | undefined) => (p ? options.indexOf(p) : -1);
    const [a, b] = [keep(previous[0]), keep(previous[1])];
    const n = options.length;
    chosen = chosen && a >= 0 && b >= 0;
    from.value = String(chosen ? a : Math.max(0, n - 2));
    to.value = String(chosen ? b : n - 1);
    const ready = n >= 2;
    hint.hidden = ready;
    canvas.hidden = !ready;
    slider.disabled = !ready;
    if (!ready) delete canvas.dataset.t;
    frame();
    walk();
  };

  slider.addEventListener('input', frame);
  canvas.addEventListener('click', () => {
    const ends = endpoints();
    if (ends) state.setFocus({ z: slerp(ends[0].z, ends[1].z, Number(slider.value)), label: `slerp(${ends[0].label} → ${ends[1].label}, t = ${slider.value})` });
  });
  for (const select of [from, to]) {
    select.addEventListener('change', () => {
      chosen = true;
      frame();
      walk();
    });
  }
  state.on('picks', fillSelects);
  state.on('model', fillSelects);
  state.on('class', () => {
    frame();
    walk();
  });
}
