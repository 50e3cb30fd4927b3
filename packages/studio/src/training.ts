import { type EvalEntry, type StudioStatus, isEvalEntry, isStepEntry } from '@dcgan-ts/core';
import { drawLossChart, type LossPoint } from './lossChart.js';
import { drawMetricCharts } from './metricCharts.js';

/**
 * The training panel: loss curves from the run's log.jsonl and its newest sample grid, refreshed when the status
 * poll says they changed. Hidden for a checkpoint outside a run.
 */
export function mountTraining(): (status: StudioStatus) => Promise<void> {
  const panel = document.getElementById('training')!;
  const chart = document.getElementById('loss-chart')!;
  const img = document.getElementById('latest-sample') as HTMLImageElement;
  const caption = document.getElementById('latest-caption')!;
  const stepLabel = document.getElementById('training-step')!;
  const live = document.getElementById('training-live')!;
  const metrics = document.getElementById('metric-charts')!;
  let logLines = -1;
  let sampleStep: number | null = null;
  let log: LossPoint[] = [];
  let evals: EvalEntry[] = [];
  // The charts are drawn for the width they have; draw them again when that changes.
  new ResizeObserver(() => drawLossChart(chart, log)).observe(chart);
  new ResizeObserver(() => drawMetricCharts(metrics, evals)).observe(metrics);

  return async (status) => {
    const run = status.run;
    panel.hidden = !run || (run.logLines === 0 && run.sampleStep === null);
    if (!run) return;
    const age = run.secondsSinceUpdate;
    live.classList.toggle('stopped', !run.live);
    live.textContent = run.live ? 'live' : age === null ? '' : `last log ${formatAge(age)} ago`;
    if (run.logLines !== logLines) {
      const response = await fetch('api/log', { cache: 'no-store' });
      if (response.ok) {
        // log.jsonl holds per-step lines and, with --eval-every, eval lines (quality metrics) between them.
        const lines = (await response.json()) as unknown[];
        evals = lines.filter(isEvalEntry);
        log = lines.filter(isStepEntry) as LossPoint[];
        drawLossChart(chart, log);
        drawMetricCharts(metrics, evals);
        panel.dataset.evalLines = String(evals.length);
        logLines = run.logLines;
        const last = log[log.length - 1];
        stepLabel.textContent = last ? `step ${last.step} · loss D ${last.lossD.toFixed(3)} · loss G ${last.lossG.toFixed(3)}` : '';
        panel.dataset.logLines = String(logLines);
      }
    }
    if (run.sampleStep !== null && run.sampleStep !== sampleStep) {
      sampleStep = run.sampleStep;
      // The query only defeats caching: the server always answers the newest grid.
      img.src = `api/sample.png?step=${sampleStep}`;
      caption.textContent = `samples at step ${sampleStep} (fixed noise, seeds 0 and up)`;
      panel.dataset.sampleStep = String(sampleStep);
    }
  };
}

function formatAge(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400 * 2) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}
