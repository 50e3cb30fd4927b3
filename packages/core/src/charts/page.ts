import { type ChartPanel, renderPanel } from './panel.js';
import { element, textElement } from './svgMarkup.js';
import { CHART_INK } from './theme.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** chartSvg's document size in px, and its font. */
export interface ChartSvgOptions {
  width: number;
  height: number;
  /** Unset, text takes the font of the page the SVG sits in. */
  fontFamily?: string;
}

/** One chart as a whole SVG document of `width` x `height` px: what the studio sets into a chart's element. */
export function chartSvg(panel: ChartPanel, { width, height, fontFamily }: ChartSvgOptions): string {
  const inset = 2; // room for a line's width at the edges
  const body = renderPanel(panel, { x: inset, y: inset, width: width - 2 * inset, height: height - 2 * inset });
  return element('svg', { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': fontFamily }, body);
}

/** A page of charts: a heading, then the panels on cards in rows. */
export interface ChartPage {
  title: string;
  /** A muted line under the title. */
  subtitle?: string;
  panels: readonly ChartPanel[];
  /** Panels per row; default 3. */
  columns?: number;
  /** A card's size in px; default 460 x 280. */
  panelWidth?: number;
  panelHeight?: number;
  fontFamily?: string;
}

const MARGIN = 24;
const GAP = 16;
const CARD_PADDING = 16;
const HEADER = 78;

/**
 * The page as one SVG document, and its size: `dcgan report` renders it to PNG. Rows of `columns` cards (fewer
 * columns when there are fewer panels), the heading above them.
 */
export function chartPageSvg(page: ChartPage): { svg: string; width: number; height: number } {
  const [w, h] = [page.panelWidth ?? 460, page.panelHeight ?? 280];
  const columns = Math.max(1, Math.min(page.columns ?? 3, page.panels.length));
  const rows = Math.max(1, Math.ceil(page.panels.length / columns));
  const width = 2 * MARGIN + columns * w + (columns - 1) * GAP;
  const height = HEADER + MARGIN + rows * h + (rows - 1) * GAP;
  const parts = [
    element('rect', { width, height, fill: CHART_INK.page }),
    textElement({ class: 'page-title', x: MARGIN, y: MARGIN + 20, 'font-size': 20, 'font-weight': 600, fill: CHART_INK.text }, page.title),
  ];
  if (page.subtitle) parts.push(textElement({ class: 'page-subtitle', x: MARGIN, y: MARGIN + 44, 'font-size': 12.5, fill: CHART_INK.muted }, page.subtitle));
  for (const [i, panel] of page.panels.entries()) {
    const [x, y] = [MARGIN + (i % columns) * (w + GAP), HEADER + Math.floor(i / columns) * (h + GAP)];
    parts.push(
      element('rect', { x: x + 0.5, y: y + 0.5, width: w - 1, height: h - 1, rx: 8, fill: CHART_INK.card, stroke: CHART_INK.cardEdge, 'stroke-width': 1 }),
      renderPanel(panel, { x: x + CARD_PADDING, y: y + CARD_PADDING - 2, width: w - 2 * CARD_PADDING, height: h - 2 * CARD_PADDING + 4 }),
    );
  }
  const svg = element('svg', { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': page.fontFamily }, parts.join(''));
  return { svg, width, height };
}
