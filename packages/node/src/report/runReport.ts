import {
  type ChartPanel,
  chartPageSvg,
  DcganError,
  dOutputsPanel,
  EVAL_SCALARS,
  type EvalEntry,
  type EvalScalar,
  isEvalEntry,
  isStepEntry,
  type LogEntry,
  lossPanel,
  metricPanel,
  PLOTTED_EVAL_SCALARS,
} from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RunDirectory } from '../run/runDirectory.js';
import { REPORT_FONT_FAMILY, svgToPng } from './svgToPng.js';

/** One recorded metric over a run: its curve, last and best values, and what real data reads. */
export interface MetricSummary {
  title: string;
  better: 'lower' | 'higher';
  last: number;
  lastStep: number;
  best: number;
  bestStep: number;
  floor: number | null;
  /** [step, value] of every evaluation. */
  values: [number, number][];
}

/** What `dcgan report` prints with --json: a summary of log.jsonl. */
export interface RunReport {
  run: string;
  /** "mnist 32x32x1, batch 128" from config.json, when it has one. */
  description: string | null;
  logLines: number;
  lastStep: number;
  /** The last per-step line: losses and D's outputs. */
  last: LogEntry | null;
  evaluations: number;
  evalN: number | null;
  extractor: string | null;
  metrics: Partial<Record<EvalScalar, MetricSummary>>;
}

/** A run's log.jsonl, split into its per-step lines and its eval lines. */
export interface RunLog {
  steps: LogEntry[];
  evals: EvalEntry[];
}

/** The run's log, split into per-step and eval lines; one clear error for a missing run or an empty log. */
export async function readRunLog(dir: string): Promise<{ log: RunLog; config: Record<string, unknown> | null }> {
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat) throw new DcganError(`no run at ${dir}: no such file or directory`);
  if (!stat.isDirectory()) throw new DcganError(`${dir} is a file, not a run directory`);
  const run = new RunDirectory(dir);
  if (!(await fs.stat(run.logFile).catch(() => null))) throw new DcganError(`${dir} holds no log.jsonl: not a run directory, or a run that has not logged yet`);
  const lines = await run.readLog();
  if (lines.length === 0) throw new DcganError(`${run.logFile} is empty: the run has not logged a step yet`);
  const log: RunLog = { steps: [], evals: [] };
  for (const line of lines) {
    if (isEvalEntry(line)) log.evals.push(line);
    else if (isStepEntry(line)) log.steps.push(line);
  }
  const config = await run.readConfig().catch(() => null);
  return { log, config };
}

/**
 * `dcgan report`'s figures from a run's log and config.json: the last step and its line, and each plotted metric's last
 * and best values with its floor.
 */
export function summarizeRun(dir: string, log: RunLog, config: Record<string, unknown> | null): RunReport {
  const metrics: RunReport['metrics'] = {};
  for (const key of PLOTTED_EVAL_SCALARS) {
    const values = log.evals.filter((e) => Number.isFinite(e.eval[key])).map((e): [number, number] => [e.step, e.eval[key]!]);
    if (values.length === 0) continue;
    const better = EVAL_SCALARS[key].better as 'lower' | 'higher'; // plotted scalars all have a direction
    const best = values.reduce((b, v) => ((better === 'lower' ? v[1] < b[1] : v[1] > b[1]) ? v : b));
    const last = values[values.length - 1]!;
    const floor = log.evals[log.evals.length - 1]!.floor[key];
    metrics[key] = { title: EVAL_SCALARS[key].title, better, last: last[1], lastStep: last[0], best: best[1], bestStep: best[0], floor: floor ?? null, values };
  }
  const c = config?.config as { imageSize?: number; channels?: number; batchSize?: number } | undefined;
  const lastEval = log.evals[log.evals.length - 1];
  return {
    run: dir,
    description: c && typeof config?.dataset === 'string' ? `${config.dataset} ${c.imageSize}x${c.imageSize}x${c.channels}, batch ${c.batchSize}` : null,
    logLines: log.steps.length + log.evals.length,
    lastStep: lastStepOf(log),
    last: log.steps[log.steps.length - 1] ?? null,
    evaluations: log.evals.length,
    evalN: lastEval?.evalN ?? null,
    extractor: lastEval?.extractor ?? null,
    metrics,
  };
}

/** The largest step of any line (a loop, not Math.max(...): a long log has more lines than a call takes arguments). */
function lastStepOf(log: RunLog): number {
  let last = 0;
  for (const e of log.steps) last = Math.max(last, e.step);
  for (const e of log.evals) last = Math.max(last, e.step);
  return last;
}

/** The PNG is drawn at twice the page's size: crisp text and lines on a high-density screen or zoomed in. */
const REPORT_ZOOM = 2;

/**
 * The report page as SVG (core's chart builder, as the studio draws its charts): a heading, then panels in rows of
 * three: losses, D's outputs, then one per recorded metric with its real-data floor dashed (and KID's / IS's spread
 * shaded). Every panel shares the run's step range.
 */
export function runReportSvg(report: RunReport, log: RunLog): { svg: string; width: number; height: number } {
  const xRange: [number, number] = [0, lastStepOf(log)];
  const panels: ChartPanel[] = [];
  if (log.steps.length > 0) panels.push(lossPanel(log.steps, xRange), dOutputsPanel(log.steps, xRange));
  for (const key of PLOTTED_EVAL_SCALARS) {
    if (report.metrics[key]) panels.push(metricPanel(key, log.evals, { seriesLabel: `G, ${report.evalN} samples`, xRange }));
  }
  const facts = [
    report.description,
    `${report.lastStep} steps`,
    report.evaluations > 0 ? `${report.evaluations} evaluations of ${report.evalN} samples, features: ${report.extractor}` : 'no evaluations (train with --eval-every N)',
  ].filter((s) => s !== null);
  return chartPageSvg({ title: `dcgan report: ${path.basename(path.resolve(report.run))}`, subtitle: facts.join(' · '), panels, fontFamily: REPORT_FONT_FAMILY });
}

/** The report page as PNG bytes (resvg, in the bundled font: the same pixels on every machine). */
export async function renderRunReport(report: RunReport, log: RunLog): Promise<{ png: Buffer; width: number; height: number }> {
  return svgToPng(runReportSvg(report, log).svg, REPORT_ZOOM);
}

/** The text summary: one line per metric with its last and best values and the real-data floor. */
export function formatRunReport(report: RunReport): string[] {
  const lines = [`${report.run}: ${report.description ? report.description + ', ' : ''}${report.logLines} log lines up to step ${report.lastStep}`];
  const l = report.last;
  if (l) {
    lines.push(`  at step ${l.step}: Loss_D ${l.lossD.toFixed(4)}  Loss_G ${l.lossG.toFixed(4)}  D(x) ${l.dx.toFixed(4)}  D(G(z)) ${l.dgz1.toFixed(4)} / ${l.dgz2.toFixed(4)}`);
  }
  if (report.evaluations === 0) {
    lines.push('  no quality metrics recorded (dcgan train --eval-every N records them)');
    return lines;
  }
  lines.push(`  ${report.evaluations} evaluations, ${report.evalN} samples each, features: ${report.extractor}`);
  const rows = Object.entries(report.metrics).map(([key, m]) => {
    const digits = EVAL_SCALARS[key as EvalScalar].digits;
    return [m.title, `${m.last.toFixed(digits)} @ ${m.lastStep}`, `${m.best.toFixed(digits)} @ ${m.bestStep} (${m.better})`, m.floor === null ? '-' : m.floor.toFixed(digits)];
  });
  const header = ['metric', 'last @ step', 'best @ step', 'real floor'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) lines.push('  ' + row.map((cell, i) => cell.padEnd(widths[i]!)).join('   ').trimEnd());
  return lines;
}
