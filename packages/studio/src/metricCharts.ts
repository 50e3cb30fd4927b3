import { EVAL_SCALARS, type EvalEntry, PLOTTED_EVAL_SCALARS } from '@dcgan-ts/core';
import { ticks } from './lossChart.js';

const H = 150;
const PAD = { left: 44, right: 10, top: 10, bottom: 22 };
const SVG = 'http://www.w3.org/2000/svg';

/**
 * One small chart per quality metric that `dcgan train --eval-every` wrote into log.jsonl (FID, KID, IS,
 * precision, recall, ...): the metric over steps with a dot per evaluation, and what real data reads (the floor) as
 * a dashed line. `container` is emptied and hidden when the log has no eval lines.
 */
export function drawMetricCharts(container: HTMLElement, evals: readonly EvalEntry[]): void {
  const keys = PLOTTED_EVAL_SCALARS.filter((k) => evals.some((e) => Number.isFinite(e.eval[k])));
  container.hidden = keys.length === 0;
  // Charts are kept by metric so that a redraw does not reflow the panel.
  const existing = new Map([...container.querySelectorAll<HTMLElement>('figure[data-metric]')].map((f) => [f.dataset.metric!, f]));
  for (const [key, figure] of existing) if (!keys.includes(key as (typeof keys)[number])) figure.remove();
  for (const key of keys) {
    let figure = existing.get(key);
    if (!figure) {
      figure = document.createElement('figure');
      figure.className = 'metric';
      figure.dataset.metric = key;
      figure.append(document.createElement('figcaption'), document.createElementNS(SVG, 'svg'));
      figure.querySelector('svg')!.setAttribute('class', 'chart small');
      container.append(figure);
    }
    const meta = EVAL_SCALARS[key];
    const points = evals.filter((e) => Number.isFinite(e.eval[key])).map((e): [number, number] => [e.step, e.eval[key]!]);
    const floor = evals[evals.length - 1]?.floor[key];
    const last = points[points.length - 1]!;
    const caption = figure.querySelector('figcaption')!;
    caption.textContent = `${meta.title} ${last[1].toFixed(meta.digits)}`;
    const note = document.createElement('span');
    note.className = 'muted';
    note.textContent = ` · ${meta.better} is better${floor === undefined ? '' : ` · real ${floor.toFixed(meta.digits)}`}`;
    caption.append(note);
    drawMetric(figure.querySelector('svg') as SVGSVGElement, points, floor);
  }
}

function drawMetric(svg: SVGSVGElement, points: readonly [number, number][], floor: number | undefined): void {
  const W = Math.max(200, Math.round(svg.getBoundingClientRect().width) || 300);
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const values = points.map((p) => p[1]).concat(floor === undefined ? [] : [floor]);
  const steps = points.map((p) => p[0]);
  const [x0, x1] = [Math.min(...steps), Math.max(...steps)];
  let [y0, y1] = [Math.min(...values), Math.max(...values)];
  const pad = (y1 - y0) * 0.08 || Math.abs(y1) * 0.1 || 1;
  [y0, y1] = [y0 - pad, y1 + pad];
  const x = (s: number) => PAD.left + (x1 === x0 ? 0.5 : (s - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
  };
  for (const v of ticks(y0, y1, 3)) {
    add('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'gridline' });
    add('text', { x: PAD.left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, String(+v.toPrecision(3)));
  }
  add('text', { x: PAD.left, y: H - 6, class: 'tick' }, `step ${x0}`);
  add('text', { x: W - PAD.right, y: H - 6, class: 'tick', 'text-anchor': 'end' }, `step ${x1}`);
  if (floor !== undefined) add('line', { x1: PAD.left, x2: W - PAD.right, y1: y(floor), y2: y(floor), class: 'floor' });
  add('polyline', { points: points.map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`).join(' '), class: 'series m', 'vector-effect': 'non-scaling-stroke' });
  for (const [s, v] of points) add('circle', { cx: x(s).toFixed(1), cy: y(v).toFixed(1), r: 2.5, class: 'dot' });
}
