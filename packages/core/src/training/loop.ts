import type * as tf from '@tensorflow/tfjs-core';
import { DcganError } from '../errors.js';
import { generate } from '../generate.js';
import { seedRange } from '../latent/noise.js';
import { generatorInputWidth, seedInputs } from '../models/conditioning.js';
import type { DcganTrainer, StepMetrics } from './trainer.js';

/** One line of log.jsonl (the run directory's contract, docs/formats.md). */
export interface LogEntry extends StepMetrics {
  step: number;
  /** Fractional epochs done. */
  epoch: number;
  /** Training images per second since the previous log line. */
  imgPerSec: number;
}

/**
 * A warning line of log.jsonl, written when a run looks collapsed (training/collapseWatch.ts, metrics/bestScore.ts):
 *   {"step": 1200, "warning": "possible collapse: ..."}
 */
export interface WarningEntry {
  step: number;
  warning: string;
}

/** True for a warning line of log.jsonl. */
export function isWarningEntry(line: unknown): line is WarningEntry {
  const e = line as Partial<WarningEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.step === 'number' && typeof e.warning === 'string';
}

/** True for a per-step line of log.jsonl (LogEntry): the lines with losses, not eval or warning lines. */
export function isStepEntry(line: unknown): line is LogEntry {
  const e = line as Partial<LogEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.step === 'number' && typeof e.lossD === 'number';
}

/** What the loop hands to its environment: files in Node, a page in the browser, nothing in a test. */
export interface TrainCallbacks {
  /** After every step, e.g. for a progress bar. */
  onStep?(step: number, totalSteps: number, metrics: StepMetrics): void;
  onLog?(entry: LogEntry): void | Promise<void>;
  /**
   * Images G draws from the fixed sample latents, (n, S, S, C) in [-1, 1]; disposed after the call. The run's
   * sampler draws them: the moving average of G where the run keeps one (--ema).
   */
  onSample?(step: number, images: tf.Tensor4D): void | Promise<void>;
  /**
   * Quality metrics every `every` steps and at the last one, also when Ctrl-C lands on such a step (the checkpoint
   * written there makes a resumed run start after it). Runs after the log line and sample grid of its step and before
   * its checkpoint, so a resumed run never skips one; its wall time is left out of the next log line's imgPerSec.
   */
  onEval?: { every: number; run(trainer: DcganTrainer): void | Promise<void> };
  /** Save the trainer; only called when every loss so far was finite. */
  onCheckpoint?(trainer: DcganTrainer): void | Promise<void>;
  /** Polled after every step: true ends the run after a final checkpoint (e.g. on Ctrl-C). */
  shouldStop?(): boolean;
}

/** How runTrainingLoop ended: the step it reached, and whether shouldStop() ended it early. */
export interface TrainLoopResult {
  step: number;
  /** True when shouldStop() ended the run before config.steps. */
  interrupted: boolean;
}

/** Resolves after pending I/O and timers had their turn (setImmediate in Node, a zero timeout in a page). */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** Thrown when a loss turns NaN or infinite: the run stops and the last good checkpoint stays as it was. */
export class DivergenceError extends DcganError {}

/**
 * Runs `trainer` up to config.steps, logging every logEvery steps, drawing sample grids every sampleEvery and
 * checkpointing every checkpointEvery (and all three at the last step). `sampleLatents` is the run's fixed noise,
 * (sampleCount, nz) row-major.
 */
export async function runTrainingLoop(
  trainer: DcganTrainer,
  sampleLatents: Float32Array,
  callbacks: TrainCallbacks = {},
  now: () => number = () => performance.now(),
): Promise<TrainLoopResult> {
  const { steps, batchSize, logEvery, sampleEvery, checkpointEvery } = trainer.config;
  let lastLogTime = now();
  let lastLogStep = trainer.step;

  while (trainer.step < steps) {
    const metrics = await trainer.trainStepAsync();
    const step = trainer.step;
    const bad = (Object.keys(metrics) as (keyof StepMetrics)[]).filter((k) => !Number.isFinite(metrics[k]));
    if (bad.length > 0) {
      throw new DivergenceError(
        `training diverged at step ${step}: ${bad.map((k) => `${k}=${metrics[k]}`).join(', ')}; ` +
          'stopped without saving, the last checkpoint is untouched',
      );
    }
    callbacks.onStep?.(step, steps, metrics);
    await yieldToEventLoop(); // lets progress bars redraw and signal handlers (Ctrl-C) run between steps
    const last = step === steps;
    const interrupted = !last && (callbacks.shouldStop?.() ?? false);

    if (step % logEvery === 0 || last || interrupted) {
      const t = now();
      const imgPerSec = ((step - lastLogStep) * batchSize) / Math.max((t - lastLogTime) / 1000, 1e-9);
      [lastLogTime, lastLogStep] = [t, step];
      await callbacks.onLog?.({ step, epoch: trainer.epochsDone, ...metrics, imgPerSec });
    }
    if (callbacks.onSample && (step % sampleEvery === 0 || last || interrupted)) {
      // The moving average of G where there is one; a conditional model draws seed i in class i mod K.
      const { config } = trainer;
      const inputs = seedInputs(config, sampleLatents, seedRange(0, sampleLatents.length / config.nz));
      const images = generate(trainer.sampler, inputs, generatorInputWidth(config));
      try {
        await callbacks.onSample(step, images);
      } finally {
        images.dispose();
      }
    }
    if (callbacks.onEval && (step % callbacks.onEval.every === 0 || last)) {
      const started = now();
      await callbacks.onEval.run(trainer);
      lastLogTime += now() - started;
    }
    if (step % checkpointEvery === 0 || last || interrupted) await callbacks.onCheckpoint?.(trainer);
    if (interrupted) return { step, interrupted: true };
  }
  return { step: trainer.step, interrupted: false };
}
