import { paint, pixelCanvas } from './canvas.js';
import { drawLatents } from './generator.js';
import { latestOnly } from './scheduler.js';
import { GROUPS, type StudioState } from './state.js';

export const GRID_SIZE = 64;

/**
 * 64 samples, seeds offset..offset+63, one canvas each (so a click names its seed), in the picked class for a
 * conditional G. Picked seeds wear their group's colour. Redrawn when the offset, truncation, class or model changes.
 */
export function mountSampleGrid(state: StudioState): void {
  const grid = document.getElementById('grid')!;
  const offsetInput = document.getElementById('seed-offset') as HTMLInputElement;
  const truncationInput = document.getElementById('truncation') as HTMLInputElement;
  const cells = Array.from({ length: GRID_SIZE }, (_, i) => {
    const cell = document.createElement('button');
    cell.className = 'cell';
    const canvas = pixelCanvas();
    const tag = document.createElement('span');
    tag.className = 'tags';
    cell.append(canvas, tag);
    cell.addEventListener('click', () => {
      const seed = state.offset + i;
      state.togglePick(seed);
      state.setFocus(state.seedLatent(seed));
    });
    grid.append(cell);
    return { cell, canvas, tag };
  });

  const redraw = latestOnly(async () => {
    if (!state.generator) return;
    const offset = state.offset;
    const cls = state.cls;
    const images = await drawLatents(state.generator, cells.map((_, i) => state.seedLatent(offset + i).z), cls);
    images.forEach((image, i) => {
      paint(cells[i]!.canvas, image);
      cells[i]!.cell.dataset.seed = String(offset + i);
      cells[i]!.cell.title = `seed ${offset + i}`;
      cells[i]!.cell.setAttribute('aria-label', `seed ${offset + i}`);
    });
    grid.dataset.offset = String(offset);
    // The class these cells show ('' for an unconditional G), so a watcher can wait for a redraw in a new class.
    grid.dataset.class = cls === null ? '' : String(cls);
    grid.dataset.ready = 'true';
    markPicks();
  });

  const markPicks = () => {
    cells.forEach(({ cell, tag }, i) => {
      const seed = state.offset + i;
      const groups = GROUPS.filter((g) => state.picks.some((p) => p.group === g && p.latent.seed === seed));
      tag.replaceChildren(...groups.map((g) => Object.assign(document.createElement('i'), { className: `g${g}`, textContent: g })));
      cell.classList.toggle('picked', groups.length > 0);
    });
  };

  offsetInput.addEventListener('change', () => state.setOffset(Number(offsetInput.value) || 0));
  document.getElementById('seed-prev')!.addEventListener('click', () => state.setOffset(state.offset - GRID_SIZE));
  document.getElementById('seed-next')!.addEventListener('click', () => state.setOffset(state.offset + GRID_SIZE));
  document.getElementById('seed-random')!.addEventListener('click', () => state.setOffset(Math.floor(Math.random() * 1e6) * GRID_SIZE));

  const groupButtons = Array.from(document.querySelectorAll<HTMLButtonElement>('#group-select button'));
  const setActive = (name: string) => {
    const g = GROUPS.find((x) => x === name);
    if (!g) return;
    state.active = g;
    groupButtons.forEach((b) => b.classList.toggle('on', b.dataset.group === g));
  };
  groupButtons.forEach((b) => b.addEventListener('click', () => setActive(b.dataset.group!)));
  window.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === '1' || e.key === '2' || e.key === '3') setActive(GROUPS[Number(e.key) - 1]!);
  });

  state.on('offset', () => {
    offsetInput.value = String(state.offset);
    redraw();
  });
  // A new model may not take the psi set for the last one (a uniform z has nothing beyond 1): checked again.
  state.on('model', () => {
    if (state.truncation) truncationInput.dispatchEvent(new Event('change'));
    redraw();
  });
  state.on('truncation', redraw);
  state.on('class', redraw);
  truncationInput.addEventListener('change', () => {
    const psi = truncationInput.value.trim() === '' || Number(truncationInput.value) === 0 ? null : Number(truncationInput.value);
    try {
      state.setTruncation(psi);
      truncationInput.setCustomValidity('');
      truncationInput.title = '';
    } catch (e) {
      state.setTruncation(null); // a psi the model cannot take draws the plain seeds, and says why
      truncationInput.setCustomValidity((e as Error).message);
      truncationInput.title = (e as Error).message;
    }
    grid.dataset.truncation = state.truncation ? String(state.truncation.psi) : '';
  });
  state.on('picks', markPicks);
}
