import type { EvalEntry } from '../metrics/evalLog.js';
import { EVAL_SCALARS, type EvalScalar, floorOfScalar } from '../metrics/registry/index.js';
import type { ScalarDisplay } from '../metrics/registry/metric.js';
import type { ChartPanel } from './panel.js';
import { CHART_COLOURS } from './theme.js';

/** What the charts read of a per-step line of log.jsonl. */
export interface StepPoint {
  step: number;
  lossD: number;
  lossG: number;
  dx: number;
  dgz1: number;
  dgz2: number;
}

/** Loss D and loss G over the steps, the y axis from 0: a diverging run shows as a line leaving the other. */
export function lossPanel(points: readonly Pick<StepPoint, 'step' | 'lossD' | 'lossG'>[], xRange?: readonly [number, number]): ChartPanel {
  return {
    title: 'Losses',
    series: [
      { label: 'loss D', colour: CHART_COLOURS.d, key: 'd', points: points.map((p) => [p.step, p.lossD]) },
      { label: 'loss G', colour: CHART_COLOURS.g, key: 'g', points: points.map((p) => [p.step, p.lossG]) },
    ],
    yFromZero: true,
    xRange,
  };
}

/**
 * D(x) and D(G(z)) before and after D's update, on [0, 1]: a winning D pulls D(x) to 1 and D(G(z)) to 0; the two
 * meeting near 0.5 is the equilibrium training aims for.
 */
export function dOutputsPanel(points: readonly Pick<StepPoint, 'step' | 'dx' | 'dgz1' | 'dgz2'>[], xRange?: readonly [number, number]): ChartPanel {
  return {
    title: "D's outputs",
    series: [
      { label: 'D(x)', colour: CHART_COLOURS.dx, key: 'dx', points: points.map((p) => [p.step, p.dx]) },
      { label: "D(G(z)) before D's update", colour: CHART_COLOURS.dgz1, key: 'dgz1', points: points.map((p) => [p.step, p.dgz1]) },
      { label: 'after', colour: CHART_COLOURS.dgz2, key: 'dgz2', points: points.map((p) => [p.step, p.dgz2]), dashed: true },
    ],
    yRange: [0, 1],
    xRange,
  };
}

/**
 * One quality metric over the evaluations (its title and direction from the metric registry): its value with a dot
 * each, its spread (KID's, IS's) shaded, and what real data reads (the last eval line's floor) dashed, labelled as
 * the registry names that floor ("real data 2.00", "test set 9.60").
 */
export function metricPanel(
  key: EvalScalar,
  evals: readonly Pick<EvalEntry, 'step' | 'eval' | 'floor'>[],
  options: { seriesLabel?: string; xRange?: readonly [number, number] } = {},
): ChartPanel {
  const display = EVAL_SCALARS[key] as ScalarDisplay;
  const points: [number, number][] = [];
  const band: [number, number, number][] = [];
  for (const e of evals) {
    const v = e.eval[key];
    if (v === undefined || !Number.isFinite(v)) continue;
    points.push([e.step, v]);
    const spread = display.spread === undefined ? undefined : e.eval[display.spread as EvalScalar];
    if (spread !== undefined && Number.isFinite(spread)) band.push([e.step, v - spread, v + spread]);
  }
  const floor = evals[evals.length - 1]?.floor[key];
  return {
    title: display.title,
    note: display.better === null ? undefined : `${display.better} is better`,
    series: [{ label: options.seriesLabel, colour: CHART_COLOURS.metric, key: 'm', points, band: band.length > 0 ? band : undefined }],
    floor: floor === undefined || !Number.isFinite(floor) ? undefined : { value: floor, label: `${floorOfScalar(key).label} ${floor.toFixed(display.digits)}` },
    xRange: options.xRange,
  };
}
