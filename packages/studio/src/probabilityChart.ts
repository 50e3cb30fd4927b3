import { chartFrame, type ChartLayout } from './svgChart.js';

/** One step's view of D, as the chart needs it: mean D(x) on real images, mean D(G(z)) before and after D's update. */
export interface ProbabilityPoint {
  step: number;
  dx: number;
  dgz1: number;
  dgz2: number;
}

const LAYOUT: ChartLayout = {
  height: 150,
  pad: { left: 44, right: 12, top: 10, bottom: 22 },
  fallbackWidth: 640,
  minWidth: 320,
  yTicks: 4,
  tickLabel: (v) => String(+v.toFixed(2)),
  stepLabelOffset: 6,
};

/**
 * D(x) and D(G(z)) against step on [0, 1]: a D that wins pulls D(x) to 1 and D(G(z)) to 0; the two meeting near 0.5
 * is the equilibrium the paper's training aims for.
 */
export function drawProbabilityChart(svg: SVGSVGElement, points: readonly ProbabilityPoint[]): void {
  const finite = points.filter((p) => Number.isFinite(p.dx) && Number.isFinite(p.dgz1) && Number.isFinite(p.dgz2));
  if (finite.length === 0) {
    svg.replaceChildren();
    return;
  }
  const { x, y, add } = chartFrame(svg, LAYOUT, [finite[0]!.step, finite[finite.length - 1]!.step], [0, 1]);
  const line = (key: 'dx' | 'dgz1' | 'dgz2', cls: string) =>
    add('polyline', { points: finite.map((p) => `${x(p.step).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' '), class: cls, 'vector-effect': 'non-scaling-stroke' });
  line('dx', 'series dx');
  line('dgz1', 'series dgz1');
  line('dgz2', 'series dgz2');
}

/** At most about `n` points of a long series, evenly spaced, always keeping the last (a polyline per step of a
 * 50,000-step run would cost more to draw than it shows). */
export function thin<T>(points: readonly T[], n = 1500): readonly T[] {
  if (points.length <= n) return points;
  const every = Math.ceil(points.length / n);
  const out = points.filter((_, i) => i % every === 0);
  if (out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]!);
  return out;
}
