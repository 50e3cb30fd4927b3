import { EVAL_SCALARS, type EvalEntry, metricPanel, PLOTTED_EVAL_SCALARS } from '@dcgan-ts/core';
import { drawChart } from './svgChart.js';

/**
 * One small chart per quality metric that `dcgan train --eval-every` wrote into log.jsonl (FID, KID, IS,
 * precision, recall, ...): core's metricPanel, as in `dcgan report`, the metric over steps with a dot per
 * evaluation, its spread shaded, and what real data reads (the floor) as a dashed line; its caption says the latest
 * value, which way is better and the floor. `container` is emptied and hidden when the log has no eval lines.
 */
export function drawMetricCharts(container: HTMLElement, evals: readonly EvalEntry[]): void {
  const keys = PLOTTED_EVAL_SCALARS.filter((k) => evals.some((e) => Number.isFinite(e.eval[k])));
  container.hidden = keys.length === 0;
  // Charts are kept by metric so that a redraw does not reflow the panel.
  const existing = new Map([...container.querySelectorAll<HTMLElement>('figure[data-metric]')].map((f) => [f.dataset.metric!, f]));
  for (const [key, figure] of existing) if (!keys.includes(key as (typeof keys)[number])) figure.remove();
  for (const key of keys) {
    const meta = EVAL_SCALARS[key];
    let figure = existing.get(key);
    if (!figure) {
      figure = document.createElement('figure');
      figure.className = 'metric';
      figure.dataset.metric = key;
      const chart = Object.assign(document.createElement('div'), { className: 'chart small' });
      chart.setAttribute('role', 'img');
      chart.setAttribute('aria-label', `${meta.title} over the steps`);
      figure.append(document.createElement('figcaption'), chart);
      container.append(figure);
    }
    const panel = metricPanel(key, evals);
    const last = panel.series[0]!.points[panel.series[0]!.points.length - 1]!;
    const floor = panel.floor?.value;
    const caption = figure.querySelector('figcaption')!;
    caption.textContent = `${meta.title} ${last[1].toFixed(meta.digits)}`;
    const note = document.createElement('span');
    note.className = 'muted';
    note.textContent = ` · ${meta.better} is better${floor === undefined ? '' : ` · real ${floor.toFixed(meta.digits)}`}`;
    caption.append(note);
    // The caption says what the title, note and legend would.
    drawChart(figure.querySelector<HTMLElement>('.chart')!, { ...panel, title: undefined, note: undefined, legend: false }, { width: 300, height: 150 });
  }
}
