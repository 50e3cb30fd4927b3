import { type ChartPanel, chartSvg } from '@dcgan-ts/core';

/**
 * Draws `panel` into `el` with core's chart builder (the one `dcgan report` renders too), sized in CSS pixels to
 * the element's current box so that text is never stretched; null empties it. Text takes the page's font.
 */
export function drawChart(el: HTMLElement, panel: ChartPanel | null, fallback: { width: number; height: number }): void {
  if (!panel) {
    el.replaceChildren();
    return;
  }
  const box = el.getBoundingClientRect();
  const width = Math.max(200, Math.round(box.width) || fallback.width);
  const height = Math.round(box.height) || fallback.height;
  el.innerHTML = chartSvg(panel, { width, height });
}
