/** What the studio's charts share: an SVG sized to its element, a step x value plot area, y gridlines, step labels. */
export const SVG_NS = 'http://www.w3.org/2000/svg';

export interface ChartLayout {
  height: number;
  pad: { left: number; right: number; top: number; bottom: number };
  /** Width when the element is not laid out yet, and the least width drawn. */
  fallbackWidth: number;
  minWidth: number;
  /** About how many y gridlines, and how their values are written. */
  yTicks: number;
  tickLabel(v: number): string;
  /** Baseline of the step labels under the plot, from the bottom edge. */
  stepLabelOffset: number;
}

export interface ChartFrame {
  width: number;
  x(step: number): number;
  y(value: number): number;
  /** Appends an SVG element with these attributes (and text). */
  add(tag: string, attrs: Record<string, string | number>, text?: string): void;
}

/**
 * Empties `svg` and lays it out in CSS pixels of the element's current width (so text is never stretched), with
 * steps [x0, x1] across and values [y0, y1] up the plot area, its y gridlines and its first and last step drawn.
 */
export function chartFrame(svg: SVGSVGElement, layout: ChartLayout, [x0, x1]: [number, number], [y0, y1]: [number, number]): ChartFrame {
  const { height: H, pad } = layout;
  const W = Math.max(layout.minWidth, Math.round(svg.getBoundingClientRect().width) || layout.fallbackWidth);
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const x = (s: number) => pad.left + (x1 === x0 ? 0.5 : (s - x0) / (x1 - x0)) * (W - pad.left - pad.right);
  const y = (v: number) => H - pad.bottom - ((v - y0) / (y1 - y0)) * (H - pad.top - pad.bottom);
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
  };
  for (const v of ticks(y0, y1, layout.yTicks)) {
    add('line', { x1: pad.left, x2: W - pad.right, y1: y(v), y2: y(v), class: 'gridline' });
    add('text', { x: pad.left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, layout.tickLabel(v));
  }
  add('text', { x: pad.left, y: H - layout.stepLabelOffset, class: 'tick' }, `step ${x0}`);
  add('text', { x: W - pad.right, y: H - layout.stepLabelOffset, class: 'tick', 'text-anchor': 'end' }, `step ${x1}`);
  return { width: W, x, y, add };
}

/** [min, max] of the values (a loop: Math.min(...) takes no more than ~100k arguments, a long log has more). */
export function extent(values: Iterable<number>): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return [lo, hi];
}

/** About `n` round tick values spanning [lo, hi]. */
export function ticks(lo: number, hi: number, n: number): number[] {
  const raw = (hi - lo) / n;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}
