import { Raster, type Rgb } from './raster.js';

export interface ChartSeries {
  label: string;
  color: Rgb;
  /** [x, y] in data units, sorted by x. */
  points: readonly [number, number][];
  /** A shaded band [x, lo, hi] around the line (e.g. KID's std over subsets). */
  band?: readonly [number, number, number][];
}

export interface ChartPanel {
  title: string;
  /** Right-aligned on the title row, muted: "lower is better". */
  note?: string;
  series: ChartSeries[];
  /** A dashed reference level, e.g. what the metric reads for real data. */
  floor?: { value: number; label: string };
  /** Shared across the report's panels so that steps line up. */
  xRange: [number, number];
  /** Fixed y range (D's outputs live in [0, 1]); otherwise fitted to the data. */
  yRange?: [number, number];
  xLabel: string;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const INK: Rgb = [34, 38, 46];
const MUTED: Rgb = [108, 114, 128];
const GRID: Rgb = [230, 232, 238];
const FRAME: Rgb = [206, 210, 218];
const FLOOR: Rgb = [120, 124, 134];
const TEXT = 2; // font scale: 10x14-pixel capitals

/** About `n` round values spanning [lo, hi] (1, 2, 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, n: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k * step);
  return out;
}

/** Tick labels with as many decimals as their spacing needs ("0.25", "1000"), large values shortened ("12k"). */
function formatTicks(ticks: number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : Math.abs(ticks[0]!) || 1;
  if (step >= 1000 && ticks.every((t) => t % 1000 === 0)) return ticks.map((t) => `${t / 1000}k`);
  // The fewest decimals that write every tick exactly (0.25 needs two, 0.5 one).
  let decimals = 0;
  while (decimals < 6 && ticks.some((t) => Math.abs(t * 10 ** decimals - Math.round(t * 10 ** decimals)) > 1e-6)) decimals++;
  return ticks.map((t) => (Math.abs(t) < step * 1e-6 ? 0 : t).toFixed(decimals));
}

/**
 * One small chart: title, legend, y ticks fitted to the data (or fixed), x ticks in steps, gridlines, a line with
 * markers per series (markers when it has few points, e.g. evaluations), an optional band and a dashed floor.
 */
export function drawPanel(r: Raster, box: Box, panel: ChartPanel): void {
  r.fillRect(box.x, box.y, box.w, box.h, [255, 255, 255]);
  for (const [x0, y0, x1, y1] of [
    [box.x, box.y, box.x + box.w, box.y],
    [box.x, box.y + box.h, box.x + box.w, box.y + box.h],
    [box.x, box.y, box.x, box.y + box.h],
    [box.x + box.w, box.y, box.x + box.w, box.y + box.h],
  ] as const) {
    r.line(x0, y0, x1, y1, FRAME, 1);
  }
  const lineH = Raster.textHeight(TEXT);
  r.text(panel.title, box.x + 14, box.y + 12, TEXT, INK);
  if (panel.note) r.text(panel.note, box.x + box.w - 14, box.y + 12, TEXT, MUTED, 'right');
  // Legend: one swatch and label per series, then the floor, on the row under the title.
  let lx = box.x + 14;
  const ly = box.y + 14 + lineH;
  for (const s of panel.series) {
    r.line(lx, ly + 7, lx + 18, ly + 7, s.color, 3);
    r.text(s.label, lx + 24, ly, TEXT, MUTED);
    lx += 24 + Raster.textWidth(s.label, TEXT) + 30;
  }
  if (panel.floor) {
    r.dashedHLine(lx, lx + 18, ly + 7, FLOOR, 6, 3, 2);
    r.text(panel.floor.label, lx + 24, ly, TEXT, MUTED);
  }

  const values: number[] = [];
  for (const s of panel.series) {
    for (const [, y] of s.points) values.push(y);
    for (const [, lo, hi] of s.band ?? []) values.push(lo, hi);
  }
  if (panel.floor) values.push(panel.floor.value);
  const finite = values.filter(Number.isFinite);
  // reduce, not Math.min(...finite): a long curve has more points than a call takes arguments
  let [y0, y1] = panel.yRange ?? [finite.reduce((a, b) => Math.min(a, b), Infinity), finite.reduce((a, b) => Math.max(a, b), -Infinity)];
  if (finite.length === 0) [y0, y1] = [0, 1];
  if (!panel.yRange) {
    const pad = (y1 - y0) * 0.08 || Math.abs(y1) * 0.1 || 1;
    [y0, y1] = [y0 - pad, y1 + pad];
  }
  const yTicks = niceTicks(y0, y1, 4).filter((t) => t >= y0 - 1e-12 && t <= y1 + 1e-12);
  const yLabels = formatTicks(yTicks);
  const plot: Box = { x: 0, y: box.y + 26 + 2 * lineH, w: 0, h: 0 };
  plot.x = box.x + 20 + Math.max(...yLabels.map((l) => Raster.textWidth(l, TEXT)));
  plot.w = box.x + box.w - 18 - plot.x;
  plot.h = box.y + box.h - 2 * lineH - 16 - plot.y;
  const [x0, x1] = panel.xRange;
  const px = (x: number) => plot.x + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * plot.w;
  const py = (y: number) => plot.y + plot.h - ((y - y0) / (y1 - y0)) * plot.h;

  yTicks.forEach((t, i) => {
    r.line(plot.x, py(t), plot.x + plot.w, py(t), GRID, 1);
    r.text(yLabels[i]!, plot.x - 8, py(t) - (7 * TEXT) / 2, TEXT, MUTED, 'right');
  });
  const xTicks = niceTicks(x0, x1, Math.max(2, Math.floor(plot.w / 90))).filter((t) => t >= x0 && t <= x1 && Number.isInteger(t));
  const xLabels = formatTicks(xTicks);
  xTicks.forEach((t, i) => {
    r.line(px(t), plot.y, px(t), plot.y + plot.h, GRID, 1);
    r.line(px(t), plot.y + plot.h, px(t), plot.y + plot.h + 5, MUTED, 1);
    r.text(xLabels[i]!, px(t), plot.y + plot.h + 9, TEXT, MUTED, 'center');
  });
  r.line(plot.x, plot.y + plot.h, plot.x + plot.w, plot.y + plot.h, MUTED, 1.5);
  r.line(plot.x, plot.y, plot.x, plot.y + plot.h, MUTED, 1.5);
  r.text(panel.xLabel, plot.x + plot.w, plot.y + plot.h + 11 + lineH, TEXT, MUTED, 'right');

  if (panel.floor && Number.isFinite(panel.floor.value)) r.dashedHLine(plot.x, plot.x + plot.w, py(panel.floor.value), FLOOR, 8, 5, 2);
  for (const s of panel.series) {
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    if (s.band) {
      for (let i = 0; i + 1 < s.band.length; i++) {
        const [[xa, loA, hiA], [xb, loB, hiB]] = [s.band[i]!, s.band[i + 1]!];
        for (let x = Math.round(px(xa)); x <= Math.round(px(xb)); x++) {
          const t = px(xb) === px(xa) ? 0 : (x - px(xa)) / (px(xb) - px(xa));
          const [top, bottom] = [py(hiA + t * (hiB - hiA)), py(loA + t * (loB - loA))];
          r.fillRect(x, top, 1, Math.max(1, bottom - top), s.color, 0.18);
        }
      }
    }
    r.polyline(pts.map(([x, y]) => [px(x), py(y)]), s.color, 2.5);
    if (pts.length <= 40) for (const [x, y] of pts) r.dot(px(x), py(y), 7, s.color);
  }
}
