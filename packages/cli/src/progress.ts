import { type LogEntry, type StepMetrics, formatScores } from '@dcgan-ts/core';
import cliProgress from 'cli-progress';
import type { TrainReporter } from '@dcgan-ts/node';

function fmt(x: number, digits = 4): string {
  return x.toFixed(digits);
}

/** One log entry as a console line, with the names PyTorch's dcgan example prints. */
export function formatLogLine(e: LogEntry, totalSteps: number): string {
  return (
    `step ${e.step}/${totalSteps} epoch ${e.epoch.toFixed(2)}  Loss_D ${fmt(e.lossD)}  Loss_G ${fmt(e.lossG)}  ` +
    `D(x) ${fmt(e.dx)}  D(G(z)) ${fmt(e.dgz1)} / ${fmt(e.dgz2)}  ${e.imgPerSec.toFixed(1)} img/s`
  );
}

/**
 * Console output of `dcgan train`: on a terminal, a progress bar with ETA and the latest losses, log lines printed
 * above it; elsewhere (pipes, CI), just the log lines.
 */
export function consoleReporter(interactive: boolean): TrainReporter & { stop(): void } {
  let total = 0;
  const multibar = interactive
    ? new cliProgress.MultiBar(
        {
          format: ' {bar} {percentage}% | step {value}/{total} | ETA {eta_formatted} | Loss_D {lossD} Loss_G {lossG}{status}',
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 50,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let bar: cliProgress.SingleBar | null = null;
  let lastEvalStep: number | null = null;
  const print = (line: string) => (multibar ? multibar.log(line + '\n') : process.stdout.write(line + '\n'));

  return {
    onStart({ plan, backend, fromStep, note, precision }) {
      total = plan.config.steps;
      if (note) process.stderr.write(`dcgan: ${note}\n`);
      if (plan.precision !== 'fp32') process.stderr.write(`dcgan: ${precision.note}\n`);
      print(
        `${plan.resume ? 'resuming' : 'training'} ${plan.out}: ${plan.dataset} ${plan.config.imageSize}x${plan.config.imageSize}x${plan.config.channels}, ` +
          `batch ${plan.config.batchSize}, steps ${fromStep}->${total} (${plan.stepsPerEpoch} per epoch), backend ${backend} ${precision.name}, seed ${plan.config.seed}`,
      );
      bar = multibar?.create(total, fromStep, { lossD: '-', lossG: '-', status: '' }) ?? null;
    },
    onStep(step: number, _total: number, m: StepMetrics) {
      bar?.update(step, { lossD: fmt(m.lossD, 3), lossG: fmt(m.lossG, 3), status: '' });
    },
    // An evaluation pass holds the bar still for a while: its stage shows on the bar (or as a line off a terminal).
    onEvalProgress(line, step) {
      if (bar) bar.update({ status: ` | ${line}` });
      else if (step === null || step !== lastEvalStep) process.stderr.write(`dcgan: ${line}\n`); // off a terminal, one line a pass
      lastEvalStep = step;
    },
    onEval(e) {
      bar?.update({ status: '' });
      print(`eval step ${e.step}: ${formatScores(e.eval)}  (${e.evalN} samples vs real floor ${formatScores(e.floor)}; ${e.seconds.toFixed(1)} s)`);
    },
    onLog(entry) {
      print(formatLogLine(entry, total));
    },
    onCheckpoint(dir) {
      print(`checkpoint ${dir}`);
    },
    stop() {
      multibar?.stop();
    },
  };
}
