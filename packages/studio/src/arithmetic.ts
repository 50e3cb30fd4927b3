import { Rng, RngStream, latentArithmetic, latentNeighbours, meanLatent } from '@dcgan-ts/core';
import { paint, pixelCanvas } from './canvas.js';
import { drawLatents } from './generator.js';
import { latestOnly } from './scheduler.js';
import { GROUPS, type Latent, type StudioState } from './state.js';

/** Figure 7's radius: the 8 neighbours of the result add U(-0.25, 0.25) to each coordinate of its z. */
const NEIGHBOUR_RADIUS = 0.25;

/**
 * Paper section 6.3.2 (Figure 7), live: each group's exemplars and their mean image, and
 * mean(A) - mean(B) + mean(C) at the centre of its 8 noisy neighbours, as `dcgan arithmetic` draws it (same
 * neighbour seed 0, so the two agree); a conditional G draws all of it in the picked class (`--class`).
 */
export function mountArithmetic(state: StudioState): void {
  const groupsBox = document.getElementById('groups')!;
  const resultBox = document.getElementById('arith-result')!;

  const thumb = (latent: Latent, image: ImageData, className: string): HTMLCanvasElement => {
    const canvas = pixelCanvas(`pixel ${className}`);
    paint(canvas, image);
    canvas.title = latent.label;
    canvas.addEventListener('click', () => state.setFocus(latent));
    return canvas;
  };

  const redraw = latestOnly(async () => {
    const g = state.generator;
    if (!g) return;
    const signature = state.picks.map((p) => `${p.group}${p.latent.seed ?? ''}`).join(',');
    const groups = GROUPS.map((name) => ({ name, members: state.group(name), picks: state.picks.filter((p) => p.group === name) }));
    const means: (Latent | null)[] = groups.map(({ name, members }) =>
      members.length ? { z: meanLatent(members.map((m) => m.z)), label: `mean of ${name} (${members.length})` } : null,
    );
    const complete = groups.every((x) => x.members.length > 0);
    const result: Latent | null = complete
      ? { z: latentArithmetic(...(groups.map((x) => x.members.map((m) => m.z)) as [Float32Array[], Float32Array[], Float32Array[]])), label: 'A − B + C' }
      : null;
    const neighbours: Latent[] = result
      ? latentNeighbours(result.z, 8, NEIGHBOUR_RADIUS, Rng.derive(0, RngStream.unnamed)).map((z, i) => ({ z, label: `A − B + C, neighbour ${i + 1}` }))
      : [];
    const all = [...groups.flatMap((x) => x.members), ...means.filter((m) => m !== null), ...(result ? [result, ...neighbours] : [])];
    const images = await drawLatents(g, all.map((l) => l.z), state.cls);
    const imageOf = new Map(all.map((l, i) => [l, images[i]!]));

    groupsBox.replaceChildren(
      ...groups.map(({ name, picks }, gi) => {
        const row = document.createElement('div');
        row.className = `group-row g${name}`;
        row.dataset.group = name;
        const badge = Object.assign(document.createElement('span'), { className: `badge g${name}`, textContent: name });
        const members = document.createElement('div');
        members.className = 'members';
        for (const pick of picks) {
          const wrap = document.createElement('span');
          wrap.className = 'member';
          const remove = Object.assign(document.createElement('button'), { className: 'remove', textContent: '×', title: 'remove' });
          remove.addEventListener('click', () => state.removePick(pick));
          wrap.append(thumb(pick.latent, imageOf.get(pick.latent)!, 'small'), remove);
          members.append(wrap);
        }
        if (picks.length === 0) members.append(Object.assign(document.createElement('span'), { className: 'muted', textContent: `choose ${name} above, then click samples` }));
        const mean = means[gi];
        const meanBox = document.createElement('div');
        meanBox.className = 'mean';
        if (mean) meanBox.append(Object.assign(document.createElement('span'), { className: 'muted', textContent: 'mean' }), thumb(mean, imageOf.get(mean)!, 'small'));
        row.append(badge, members, meanBox);
        return row;
      }),
    );

    // Which picks this drawing shows, so that a watcher (the end-to-end test) can wait for a particular state.
    resultBox.dataset.picks = signature;
    if (!result) {
      resultBox.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Put at least one sample in each of A, B and C.' }));
      delete resultBox.dataset.ready;
      return;
    }
    const square = document.createElement('div');
    square.className = 'nine';
    // Figure 7's layout: the result in the centre of its 3x3 neighbourhood.
    const order = [...neighbours.slice(0, 4), result, ...neighbours.slice(4)];
    for (const latent of order) square.append(thumb(latent, imageOf.get(latent)!, latent === result ? 'result' : 'neighbour'));
    const caption = Object.assign(document.createElement('p'), {
      className: 'muted',
      textContent: 'centre: A − B + C; around it: the same z plus uniform noise of ±0.25',
    });
    resultBox.replaceChildren(square, caption);
    resultBox.dataset.ready = 'true';
  });

  document.getElementById('groups-clear')!.addEventListener('click', () => state.clearPicks());
  state.on('picks', redraw);
  state.on('model', redraw);
  state.on('class', redraw);
}
