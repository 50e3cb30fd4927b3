/** Axes: data extents, round tick values and their labels, value-to-pixel maps. */

/**
 * [min, max] of the finite values, or null when there are none. A loop: Math.min(...values) takes no more
 * arguments than the engine's limit (~100k), and a long training log has more points.
 */
export function extent(values: Iterable<number>): [number, number] | null {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** The round spacing (1, 2, 2.5 or 5 times a power of ten) that cuts [lo, hi] into about `n` parts. */
export function tickStep(lo: number, hi: number, n: number): number {
  const raw = (hi - lo) / Math.max(1, n);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * (1 - 1e-9))!;
}

/** The multiples of `step` within [lo, hi], free of float noise (0.30000000000000004 reads 0.3). */
export function ticksOf(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let k = first; k <= last && out.length < 1000; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/**
 * Tick labels with as many decimals as their spacing needs ("0.25", "10"), thousands of steps shortened ("12k",
 * "2.5k", "1M"), "-0" written 0.
 */
export function formatTicks(ticks: readonly number[]): string[] {
  if (ticks.length === 0) return [];
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : Math.abs(ticks[0]!) || 1;
  const [scale, suffix] = step >= 1e6 ? [1e6, 'M'] : step >= 1000 ? [1000, 'k'] : [1, ''];
  let decimals = 0;
  const exact = (t: number) => Math.abs((t / scale) * 10 ** decimals - Math.round((t / scale) * 10 ** decimals)) < 1e-6;
  while (decimals < 8 && !ticks.every(exact)) decimals++;
  return ticks.map((t) => (Math.abs(t) < step * 1e-9 ? '0' : (t / scale).toFixed(decimals) + suffix));
}

/** The linear map taking [d0, d1] to [r0, r1]; an empty domain maps to the middle of the range. */
export function linearScale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]): (v: number) => number {
  return d1 === d0 ? () => (r0 + r1) / 2 : (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}
