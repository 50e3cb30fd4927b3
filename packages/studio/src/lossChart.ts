/** One point of log.jsonl as the chart needs it (DESIGN.md: step, lossD, lossG, ...). */
export interface LossPoint {
  step: number;
  lossD: number;
  lossG: number;
}

const H = 240;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };
const SVG = 'http://www.w3.org/2000/svg';

/**
 * Loss D and loss G against step, as SVG polylines (crisp at any width, no chart library). The y range covers
 * both series; GAN losses stay within a few units, and a diverging run shows as a line leaving the others.
 */
export function drawLossChart(svg: SVGSVGElement, points: readonly LossPoint[]): void {
  // The drawing is laid out in CSS pixels of the element's current width, so text is never stretched.
  const W = Math.max(320, Math.round(svg.getBoundingClientRect().width) || 640);
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const finite = points.filter((p) => Number.isFinite(p.lossD) && Number.isFinite(p.lossG));
  svg.replaceChildren();
  if (finite.length === 0) return;
  const steps = finite.map((p) => p.step);
  const values = finite.flatMap((p) => [p.lossD, p.lossG]);
  const [x0, x1] = [Math.min(...steps), Math.max(...steps)];
  const [y0, y1] = [Math.min(0, ...values), Math.max(...values) * 1.05 || 1];
  const x = (s: number) => PAD.left + (x1 === x0 ? 0.5 : (s - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);

  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
  };
  for (const v of ticks(y0, y1, 4)) {
    add('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'gridline' });
    add('text', { x: PAD.left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, String(+v.toFixed(2)));
  }
  add('text', { x: PAD.left, y: H - 8, class: 'tick' }, `step ${x0}`);
  add('text', { x: W - PAD.right, y: H - 8, class: 'tick', 'text-anchor': 'end' }, `step ${x1}`);
  const line = (key: 'lossD' | 'lossG', cls: string) =>
    add('polyline', { points: finite.map((p) => `${x(p.step).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' '), class: cls, 'vector-effect': 'non-scaling-stroke' });
  line('lossD', 'series d');
  line('lossG', 'series g');
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
