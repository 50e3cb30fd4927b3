import { dOutputsPanel } from '@dcgan-ts/core';
import { drawChart } from './svgChart.js';

/** One step's view of D, as the chart needs it: mean D(x) on real images, mean D(G(z)) before and after D's update. */
export interface ProbabilityPoint {
  step: number;
  dx: number;
  dgz1: number;
  dgz2: number;
}

/**
 * D(x) and D(G(z)) before and after D's update against step on [0, 1] (core's dOutputsPanel, as in `dcgan report`):
 * a D that wins pulls D(x) to 1 and D(G(z)) to 0; the two meeting near 0.5 is the equilibrium the paper's training
 * aims for.
 */
export function drawProbabilityChart(el: HTMLElement, points: readonly ProbabilityPoint[]): void {
  drawChart(el, points.length === 0 ? null : { ...dOutputsPanel(points), title: undefined }, { width: 640, height: 150 });
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
