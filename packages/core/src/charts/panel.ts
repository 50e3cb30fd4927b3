import { extent, formatTicks, linearScale, ticksOf, tickStep } from './scale.js';
import { element, num, textElement } from './svgMarkup.js';
import { textWidth } from './textWidth.js';
import { CHART_INK } from './theme.js';

/** [step, value]. */
export type ChartPoint = readonly [number, number];

/** One line of a chart: [step, value] points in a colour, with an optional legend label, band, dashes and dots. */
export interface ChartSeries {
  /** Its legend label; a series without one stays out of the legend. */
  label?: string;
  /** A CSS colour. */
  colour: string;
  /** Sorted by step; non-finite values are skipped. */
  points: readonly ChartPoint[];
  /** A shaded band [step, low, high] around the line, e.g. KID's std over subsets. */
  band?: readonly (readonly [number, number, number])[];
  dashed?: boolean;
  /** A dot per point; by default when the series has at most 40 (evaluations rather than steps). */
  dots?: boolean;
  /** Added to the line's class ("series d"), for the page's styles and tests. */
  key?: string;
}

/** One chart: what it plots and how its axes read. Everything but the series is optional. */
export interface ChartPanel {
  title?: string;
  /** Muted, right-aligned on the title row: "lower is better". */
  note?: string;
  series: readonly ChartSeries[];
  /** A dashed reference level with its legend label: what a metric reads for real data. */
  floor?: { value: number; label: string };
  /** Steps across; default: the data's. Give panels one range to line them up. */
  xRange?: readonly [number, number];
  /** Written before the step labels under the axis; default "step". */
  xLabel?: string;
  /** Fixed values up (D's outputs live in [0, 1]); default: fitted to the data and rounded out to ticks. */
  yRange?: readonly [number, number];
  /** A fitted y range reaches 0 (losses). */
  yFromZero?: boolean;
  /** Default true: a swatch and label per labelled series, then the floor's. */
  legend?: boolean;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const FONT = { title: 13.5, note: 11.5, legend: 11.5, tick: 11 };
const LEGEND_ROW = 17;
const MAX_DOTS = 40;

/** Vertical centring of a label on a line: about half the height of a digit (resvg has no dominant-baseline). */
const middle = (y: number, fontSize: number) => y + fontSize * 0.36;
/** A 1-px line on a pixel's centre: crisp where the SVG is drawn at 1:1. */
const crisp = (v: number) => Math.round(v - 0.5) + 0.5;

/**
 * One chart as SVG elements inside `box` (a `<g>`): the title row, the legend (wrapping when it is wide), y
 * gridlines with labels, step labels under the axis, the floor dashed, bands shaded, a line per series and dots on
 * short ones. Text is measured in DejaVu Sans (textWidth.ts), the font the report renders with.
 */
export function renderPanel(panel: ChartPanel, box: Box): string {
  const out: string[] = [];
  const right = box.x + box.width;
  let top = box.y;

  if (panel.title !== undefined || panel.note !== undefined) {
    top += FONT.title;
    if (panel.title) out.push(textElement({ class: 'title', x: box.x, y: top, 'font-size': FONT.title, 'font-weight': 600, fill: CHART_INK.text }, panel.title));
    if (panel.note) out.push(textElement({ class: 'note', x: right, y: top, 'font-size': FONT.note, 'text-anchor': 'end', fill: CHART_INK.muted }, panel.note));
    top += 8;
  }

  const items: { label: string; colour: string; dashed: boolean }[] = [];
  if (panel.legend !== false) {
    for (const s of panel.series) if (s.label) items.push({ label: s.label, colour: s.colour, dashed: s.dashed ?? false });
    if (panel.floor) items.push({ label: panel.floor.label, colour: CHART_INK.floor, dashed: true });
  }
  if (items.length > 0) {
    let [lx, baseline] = [box.x, top + FONT.legend];
    for (const item of items) {
      const w = 24 + textWidth(item.label, FONT.legend);
      if (lx > box.x && lx + w > right) [lx, baseline] = [box.x, baseline + LEGEND_ROW];
      const sy = baseline - FONT.legend * 0.34;
      out.push(
        element('line', { class: 'swatch', x1: lx, x2: lx + 18, y1: sy, y2: sy, stroke: item.colour, 'stroke-width': 2.5, 'stroke-dasharray': item.dashed ? '5 3' : undefined }),
        textElement({ class: 'legend', x: lx + 24, y: baseline, 'font-size': FONT.legend, fill: CHART_INK.muted }, item.label),
      );
      lx += w + 16;
    }
    top = baseline + 6;
  }

  // The plot area: below the rows above (room for the top label's upper half), above the step labels.
  const plotTop = top + 8;
  const plotBottom = box.y + box.height - 20;
  const { domain: [y0, y1], step: yStep } = yAxis(panel, Math.max(2, Math.min(6, Math.round((plotBottom - plotTop) / 42))));
  const yTicks = ticksOf(y0, y1, yStep);
  const yLabels = formatTicks(yTicks);
  const xLabel = panel.xLabel ?? 'step';
  let column = textWidth(xLabel, FONT.tick);
  for (const l of yLabels) column = Math.max(column, textWidth(l, FONT.tick));
  const plotLeft = box.x + column + 8;
  const plotRight = right - 4;
  const [x0, x1] = panel.xRange ?? extent(stepsOf(panel)) ?? [0, 1];
  const px = linearScale([x0, x1], [plotLeft, plotRight]);
  const py = linearScale([y0, y1], [plotBottom, plotTop]);

  for (const [i, t] of yTicks.entries()) {
    const y = crisp(py(t));
    out.push(
      element('line', { class: 'gridline', x1: plotLeft, x2: plotRight, y1: y, y2: y, stroke: CHART_INK.grid, 'stroke-width': 1 }),
      textElement({ class: 'tick', x: plotLeft - 6, y: middle(y, FONT.tick), 'font-size': FONT.tick, 'text-anchor': 'end', fill: CHART_INK.muted }, yLabels[i]!),
    );
  }
  const axisY = crisp(plotBottom);
  out.push(element('line', { class: 'axis', x1: plotLeft, x2: plotRight, y1: axisY, y2: axisY, stroke: CHART_INK.axis, 'stroke-width': 1 }));
  out.push(textElement({ class: 'tick', x: box.x, y: plotBottom + 15, 'font-size': FONT.tick, fill: CHART_INK.muted }, xLabel));
  if (x1 > x0) {
    const xTicks = ticksOf(x0, x1, tickStep(x0, x1, Math.max(2, Math.floor((plotRight - plotLeft) / 70)))).filter(Number.isInteger);
    const xLabels = formatTicks(xTicks);
    const labelFrom = box.x + textWidth(xLabel, FONT.tick) + 6;
    for (const [i, t] of xTicks.entries()) {
      const x = crisp(px(t));
      const w = textWidth(xLabels[i]!, FONT.tick);
      if (x - w / 2 < labelFrom) continue; // it would run into the axis label
      const atEnd = x + w / 2 > right;
      out.push(
        element('line', { class: 'tick-mark', x1: x, x2: x, y1: axisY, y2: axisY + 4, stroke: CHART_INK.axis, 'stroke-width': 1 }),
        textElement({ class: 'tick', x: atEnd ? right : x, y: plotBottom + 15, 'font-size': FONT.tick, 'text-anchor': atEnd ? 'end' : 'middle', fill: CHART_INK.muted }, xLabels[i]!),
      );
    }
  }

  if (panel.floor && Number.isFinite(panel.floor.value)) {
    const y = py(panel.floor.value);
    out.push(element('line', { class: 'floor', x1: plotLeft, x2: plotRight, y1: y, y2: y, stroke: CHART_INK.floor, 'stroke-width': 1.5, 'stroke-dasharray': '6 4' }));
  }
  for (const s of panel.series) {
    const band = (s.band ?? []).filter(([x, lo, hi]) => Number.isFinite(x) && Number.isFinite(lo) && Number.isFinite(hi));
    if (band.length > 1) {
      const edge = band.map(([x, , hi]) => `${num(px(x))},${num(py(hi))}`).concat([...band].reverse().map(([x, lo]) => `${num(px(x))},${num(py(lo))}`));
      out.push(element('path', { class: 'band', d: `M${edge.join('L')}Z`, fill: s.colour, 'fill-opacity': 0.16 }));
    }
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length === 0) continue;
    const line = pts.length > 8 * (plotRight - plotLeft) ? envelope(pts, px, plotLeft) : pts;
    out.push(
      element('polyline', {
        class: s.key ? `series ${s.key}` : 'series',
        points: line.map(([x, y]) => `${num(px(x))},${num(py(y))}`).join(' '),
        fill: 'none',
        stroke: s.colour,
        'stroke-width': 2,
        'stroke-linejoin': 'round',
        'stroke-linecap': 'round',
        'stroke-dasharray': s.dashed ? '5 4' : undefined,
      }),
    );
    if (s.dots ?? pts.length <= MAX_DOTS) for (const [x, y] of pts) out.push(element('circle', { class: 'dot', cx: px(x), cy: py(y), r: 2.75, fill: s.colour }));
  }
  return element('g', { class: 'panel' }, out.join(''));
}

/**
 * A long series (a point per step of a 50,000-step run) cut to what its line can show: per half pixel across, its
 * first, lowest, highest and last points, in order. The drawn line covers the same pixels, noise band included, at
 * a few thousand points rather than one per step.
 */
function envelope(points: readonly ChartPoint[], px: (x: number) => number, left: number): ChartPoint[] {
  const out: ChartPoint[] = [];
  let bucket: ChartPoint[] = [];
  let at = Number.NaN;
  const flush = () => {
    if (bucket.length === 0) return;
    let [lo, hi] = [bucket[0]!, bucket[0]!];
    for (const p of bucket) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    const keep = new Set([bucket[0]!, lo, hi, bucket[bucket.length - 1]!]);
    for (const p of bucket) if (keep.has(p)) out.push(p);
  };
  for (const p of points) {
    const b = Math.floor((px(p[0]) - left) * 2);
    if (b !== at) {
      flush();
      [bucket, at] = [[], b];
    }
    bucket.push(p);
  }
  flush();
  return out;
}

/** Every step of every series (and band). */
function* stepsOf(panel: ChartPanel): Generator<number> {
  for (const s of panel.series) {
    for (const [x] of s.points) yield x;
    for (const [x] of s.band ?? []) yield x;
  }
}

/** Every finite value the y axis must show: points, bands, the floor. */
function* valuesOf(panel: ChartPanel): Generator<number> {
  for (const s of panel.series) {
    for (const [, y] of s.points) yield y;
    for (const [, lo, hi] of s.band ?? []) yield* [lo, hi];
  }
  if (panel.floor) yield panel.floor.value;
}

/**
 * The y axis for about `n` ticks: the fixed range, or the data's padded by 5% (a flat line by 10% of its value),
 * not past 0, and rounded out to a tick step.
 */
function yAxis(panel: ChartPanel, n: number): { domain: [number, number]; step: number } {
  if (panel.yRange) {
    const [lo, hi] = panel.yRange;
    return { domain: [lo, hi], step: tickStep(lo, hi, n) };
  }
  let [lo, hi] = extent(valuesOf(panel)) ?? [0, 1];
  if (panel.yFromZero) [lo, hi] = [Math.min(lo, 0), Math.max(hi, 0)];
  // Padding never carries the axis across 0: values that are all >= 0 (FID, KID, losses) keep a 0 floor.
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.1 || 1;
  [lo, hi] = [lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi <= 0 ? Math.min(0, hi + pad) : hi + pad];
  // Of the round steps for n-1 to n+2 ticks, the one whose rounded-out range wastes least room above and below.
  let best = { domain: [lo, hi] as [number, number], step: tickStep(lo, hi, n), waste: Infinity };
  for (let k = Math.max(2, n - 1); k <= n + 2; k++) {
    const step = tickStep(lo, hi, k);
    const domain: [number, number] = [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
    const waste = 1 - (hi - lo) / (domain[1] - domain[0]);
    if (waste < best.waste - 1e-9) best = { domain, step, waste };
  }
  return { domain: best.domain, step: best.step };
}
