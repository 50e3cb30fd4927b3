import { lossPanel } from '@dcgan-ts/core';
import { drawChart } from './svgChart.js';

/** One point of log.jsonl as the chart needs it (docs/formats.md: step, lossD, lossG, ...). */
export interface LossPoint {
  step: number;
  lossD: number;
  lossG: number;
}

/**
 * Loss D and loss G against step, with their legend (core's lossPanel, as in `dcgan report`; the card's heading
 * stands for its title). GAN losses stay within a few units, and a diverging run shows as a line leaving the other.
 */
export function drawLossChart(el: HTMLElement, points: readonly LossPoint[]): void {
  drawChart(el, points.length === 0 ? null : { ...lossPanel(points), title: undefined }, { width: 640, height: 240 });
}
