import { chartFrame, extent, type ChartLayout } from './svgChart.js';

/** One point of log.jsonl as the chart needs it (docs/formats.md: step, lossD, lossG, ...). */
export interface LossPoint {
  step: number;
  lossD: number;
  lossG: number;
}

const LAYOUT: ChartLayout = {
  height: 240,
  pad: { left: 44, right: 12, top: 12, bottom: 28 },
  fallbackWidth: 640,
  minWidth: 320,
  yTicks: 4,
  tickLabel: (v) => String(+v.toFixed(2)),
  stepLabelOffset: 8,
};

/**
 * Loss D and loss G against step, as SVG polylines (crisp at any width, no chart library). The y range covers
 * both series; GAN losses stay within a few units, and a diverging run shows as a line leaving the others.
 */
export function drawLossChart(svg: SVGSVGElement, points: readonly LossPoint[]): void {
  const finite = points.filter((p) => Number.isFinite(p.lossD) && Number.isFinite(p.lossG));
  if (finite.length === 0) {
    svg.replaceChildren();
    return;
  }
  const [lo, hi] = extent(finite.flatMap((p) => [p.lossD, p.lossG]));
  const { x, y, add } = chartFrame(svg, LAYOUT, extent(finite.map((p) => p.step)), [Math.min(0, lo), hi * 1.05 || 1]);
  const line = (key: 'lossD' | 'lossG', cls: string) =>
    add('polyline', { points: finite.map((p) => `${x(p.step).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' '), class: cls, 'vector-effect': 'non-scaling-stroke' });
  line('lossD', 'series d');
  line('lossG', 'series g');
}
