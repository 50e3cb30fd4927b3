import { EVAL_SCALARS, type EvalEntry, PLOTTED_EVAL_SCALARS } from '@dcgan-ts/core';
import { chartFrame, extent, SVG_NS, type ChartLayout } from './svgChart.js';

const LAYOUT: ChartLayout = {
  height: 150,
  pad: { left: 44, right: 10, top: 10, bottom: 22 },
  fallbackWidth: 300,
  minWidth: 200,
  yTicks: 3,
  tickLabel: (v) => String(+v.toPrecision(3)),
  stepLabelOffset: 6,
};

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
      figure.append(document.createElement('figcaption'), document.createElementNS(SVG_NS, 'svg'));
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
  let [y0, y1] = extent(points.map((p) => p[1]).concat(floor === undefined ? [] : [floor]));
  const pad = (y1 - y0) * 0.08 || Math.abs(y1) * 0.1 || 1;
  [y0, y1] = [y0 - pad, y1 + pad];
  const { width: W, x, y, add } = chartFrame(svg, LAYOUT, extent(points.map((p) => p[0])), [y0, y1]);
  if (floor !== undefined) add('line', { x1: LAYOUT.pad.left, x2: W - LAYOUT.pad.right, y1: y(floor), y2: y(floor), class: 'floor' });
  add('polyline', { points: points.map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`).join(' '), class: 'series m', 'vector-effect': 'non-scaling-stroke' });
  for (const [s, v] of points) add('circle', { cx: x(s).toFixed(1), cy: y(v).toFixed(1), r: 2.5, class: 'dot' });
}
