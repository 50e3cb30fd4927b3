import {
  CollapseWatch,
  type ConditionalDiscriminator,
  DcganError,
  DcganTrainer,
  FlipDataset,
  type EvalEntry,
  type ImageDataset,
  isEvalEntry,
  type LatentDistribution,
  type LogEntry,
  type StepMetrics,
  latentsForSeeds,
  makeGrid,
  runTrainingLoop,
  seedRange,
  selectableScalarsOf,
} from '@dcgan-ts/core';
import path from 'node:path';
import { type BackendChoice, type BackendSelection, describeBackend, nativeThreads, selectBackend } from './backend.js';
import { closeDataset } from './datasets/source.js';
import { cutOf } from './datasets/trainingData.js';
import { writeFileAtomic } from './io/atomic.js';
import { writePng } from './io/png.js';
import { TrainingEvaluator } from './metrics/trainingEval.js';
import { LATEST_POINTER, loadCheckpoint, saveCheckpoint } from './run/checkpoints.js';
import { openBestScore } from './run/bestCheckpoint.js';
import { BEST_POINTER, pruneCheckpoints } from './run/checkpointRetention.js';
import { RunDirectory, nextRunDirectory, stepName } from './run/runDirectory.js';
import { RunLock, RunLockHeldError } from './run/runLock.js';
import { describeRemovedLeftover, removeLeftovers } from './io/leftovers.js';
import { currentPrecision, type PrecisionChoice, type PrecisionSelection, restorePrecision, selectPrecision } from './precision.js';
import { planTraining, RUNS_DIR, type TrainingPlan } from './trainingPlan.js';

/** What a user asks of `dcgan train`; undefined fields take the paper's defaults (or, on --resume, the run's). */
export interface TrainRequest {
  dataset?: string;
  /** Where the data lives (file or folder), for sources that are not embedded; recorded so that --resume finds it. */
  data?: string;
  /** folder: centre square cut before resizing (pixels). */
  crop?: number;
  /** Random horizontal flips, reproduced exactly on --resume. */
  flip?: boolean;
  /** folder: colour transparent pixels are composited onto, [r, g, b]. */
  background?: [number, number, number];
  /** Unreadable files and upscaled images stop the run instead of being skipped or warned about. */
  strict?: boolean;
  imageSize?: number;
  channels?: number;
  batchSize?: number;
  steps?: number;
  epochs?: number;
  lr?: number;
  beta1?: number;
  nz?: number;
  ngf?: number;
  ndf?: number;
  kernel?: number;
  z?: LatentDistribution;
  seed?: number;
  out?: string;
  resume?: boolean;
  /**
   * Resume from this checkpoint archive (.zip, e.g. the studio's "Download checkpoint") into a new run directory
   * (--out, default runs/NNNNN-<dataset><size>), instead of from --out's latest checkpoint.
   */
  resumeFrom?: string;
  backend?: BackendChoice;
  /** Convolutions in fp32 or bf16; auto (the default): bf16 on the native backend where the CPU has bf16 units. */
  precision?: PrecisionChoice;
  logEvery?: number;
  sampleEvery?: number;
  checkpointEvery?: number;
  /** Quality metrics every N steps and at the end (0: none); needs the dataset's metrics classifier. */
  evalEvery?: number;
  /** Samples per evaluation (default 2000). */
  evalN?: number;
  /** Comma-separated feature metrics (core's FEATURE_METRICS; default DEFAULT_EVAL_METRICS). */
  evalMetrics?: string;
  /** The feature extractor's folder (default: the cache of `dcgan train-classifier`). */
  classifier?: string;
  /** With --eval-every: the score that picks checkpoints/best (an eval scalar: fid, kid, is, ...; default fid). */
  selectBy?: string;
  /** Newest checkpoints kept besides `latest`, `best` and --keep-every's (0: all; default DEFAULT_KEEP_CHECKPOINTS). */
  keepCheckpoints?: number;
  /** Also keep the checkpoints at multiples of this step. */
  keepEvery?: number;
  /** Decay of a moving average of G's weights kept beside G (e.g. 0.999); samples and evaluations use it. */
  ema?: number;
  /** DiffAugment on D's side: comma-separated from translation, cutout, color. */
  augment?: string;
  /** A class-conditional DCGAN on the data's labels (IDX, CIFAR, class folders): `sample --class K`. */
  conditional?: boolean;
  /** How a conditional model's D takes the class: K maps beside the image (default) or a projection at its output. */
  conditionalD?: ConditionalDiscriminator;
}

/** What `train` tells its caller as it goes; every member optional. */
export interface TrainReporter {
  /** note: what the backend choice should tell the user; precision: the one the run computes in, with its line. */
  onStart?(info: { plan: TrainingPlan; backend: string; fromStep: number; note?: string; precision: PrecisionSelection }): void;
  /** Decoding an image folder at the start: files done of total. */
  onDataProgress?(done: number, total: number): void;
  onStep?(step: number, totalSteps: number, metrics: StepMetrics): void;
  onLog?(entry: LogEntry): void;
  /** A stage of an evaluation pass (loading the reference, generating, each metric): a pass can take a while. */
  onEvalProgress?(line: string, step: number | null): void;
  /** An eval line, just appended to log.jsonl. */
  onEval?(entry: EvalEntry): void;
  onSample?(file: string): void;
  onCheckpoint?(dir: string): void;
  /** Something the user should know that is not progress: a dead writer's lock taken over, leftovers removed. */
  onNotice?(line: string): void;
  /** A run that looks collapsed (also written to log.jsonl as a warning line). */
  onWarning?(line: string): void;
  /** A new best checkpoint by --select-by: its step, the score's key and value. */
  onBest?(step: number, scalar: string, value: number): void;
  shouldStop?(): boolean;
}

/**
 * Where `train` ended: the run directory, the step reached, whether it stopped early (Ctrl-C, shouldStop), and the last
 * checkpoint this call wrote (null if none).
 */
export interface TrainResult {
  out: string;
  step: number;
  interrupted: boolean;
  checkpoint: string | null;
}

/**
 * `dcgan train` as a library call: plans the run, creates or reopens its run directory, trains with logs, sample grids
 * and checkpoints, and returns where it ended.
 */
export async function train(request: TrainRequest, reporter: TrainReporter = {}): Promise<TrainResult> {
  // A run another process is writing is refused before its data is decoded; the lock itself is taken below.
  const { plan, data, labels } = await planTraining(request, reporter.onDataProgress, (out) => RunLock.refuseIfHeld(out));
  if (plan.eval && plan.eval.every > 0 && plan.selectBy === null) {
    // FID, the default score, is not among the metrics: say so rather than keep no best checkpoint silently.
    const scores = selectableScalarsOf(plan.eval.metrics);
    reporter.onNotice?.(
      `no checkpoints/best: --eval-metrics ${plan.eval.metrics.join(',')} ` +
        (scores.length > 0 ? `has no fid to select by; --select-by ${scores.join('|')} keeps one` : 'gives no score to select a checkpoint by'),
    );
  }
  let evaluator: TrainingEvaluator | null = null;
  let lock: RunLock | null = null;
  const precisionBefore = await currentPrecision();
  try {
    lock = await lockRunDirectory(plan, request.out !== undefined, reporter);
    const run = new RunDirectory(plan.out);
    const backend = await selectBackend(plan.backend);
    const precision = await selectPrecision(plan.precision, backend.name);
    // The metrics' reference is loaded before anything is written: a missing classifier fails the run up front.
    if (plan.eval && plan.eval.every > 0) {
      const run = { ...plan.config, dataset: plan.dataset, data: plan.data.path ?? undefined, cut: cutOf(plan.data) };
      evaluator = await TrainingEvaluator.open(plan.eval, run, (line) =>
        reporter.onEvalProgress?.(`quality metrics every ${plan.eval!.every} steps: ${line}`, null),
      );
    }
    return await trainRun(plan, { dataset: data, labels }, run, lock, { ...backend, precision }, evaluator, reporter);
  } finally {
    await lock?.release();
    evaluator?.dispose();
    closeDataset(data); // a packed file's descriptor
    await restorePrecision(precisionBefore);
  }
}

/**
 * Takes the lock of the run directory (run/runLock.ts) before anything is judged or written there, and refuses a new
 * run into a directory that holds one. A new run given no --out takes the next free runs/NNNNN-<dataset><size>
 * instead: several started at once each get their own.
 */
async function lockRunDirectory(plan: TrainingPlan, outChosen: boolean, reporter: TrainReporter): Promise<RunLock> {
  const options = { command: `dcgan train${plan.resume ? ' --resume' : ''}`, onTakeover: (line: string) => reporter.onNotice?.(line) };
  const numbered = !outChosen && (!plan.resume || plan.resumeFrom !== null);
  for (let attempt = 0; ; attempt++) {
    let lock: RunLock;
    try {
      lock = await RunLock.acquire(plan.out, options);
    } catch (e) {
      if (!(numbered && e instanceof RunLockHeldError && attempt < 100)) throw e;
      plan.out = await nextRunDirectory(RUNS_DIR, plan.dataset, plan.config.imageSize);
      continue;
    }
    if ((!plan.resume || plan.resumeFrom !== null) && (await new RunDirectory(plan.out).holdsRun())) {
      await lock.release();
      if (numbered && attempt < 100) {
        plan.out = await nextRunDirectory(RUNS_DIR, plan.dataset, plan.config.imageSize);
        continue;
      }
      throw new DcganError(`${plan.out} already holds a run; pass --resume to continue it, or choose another --out`);
    }
    return lock;
  }
}

async function trainRun(
  plan: TrainingPlan,
  { dataset: data, labels }: { dataset: ImageDataset; labels?: Uint16Array },
  run: RunDirectory,
  lock: RunLock,
  backend: BackendSelection & { precision: PrecisionSelection },
  evaluator: TrainingEvaluator | null,
  reporter: TrainReporter,
): Promise<TrainResult> {
  await run.create();
  // Under the lock every temporary file here is a killed writer's: a checkpoint, grid, log or config half-written.
  for (const dir of [run.root, run.samplesDir, run.checkpointsDir]) {
    for (const removed of await removeLeftovers(dir, { exclusive: true })) reporter.onNotice?.(describeRemovedLeftover(removed));
  }
  const threads = backend.name === 'native' ? await nativeThreads() : null;
  if (plan.resume) {
    const trainedWith = (await run.readConfig().catch(() => ({}) as Record<string, unknown>)).threads;
    if (typeof trainedWith === 'number' && threads !== null && trainedWith !== threads) {
      reporter.onNotice?.(
        `this run last trained with ${trainedWith} CPU thread${trainedWith === 1 ? '' : 's'} and resumes with ${threads}: the native backend's sums depend on ` +
          `the count, so it continues close to, not exactly as, a straight run would (DCGAN_THREADS=${trainedWith}, or a queue worker's --threads ${trainedWith}, resumes it exactly)`,
      );
    }
  }
  await run.writeConfig({
    ...plan,
    backend: backend.name,
    adapter: backend.adapter ?? null,
    requestedBackend: plan.backend,
    precision: backend.precision.name,
    requestedPrecision: plan.precision,
    // The native backend's thread count: its results are bit-reproducible per count (null on the other backends).
    threads,
  });

  let trainer: DcganTrainer;
  if (plan.resume) {
    const loaded = await loadCheckpoint(plan.resumeFrom ?? plan.out);
    trainer = DcganTrainer.resume(plan.config, data, loaded.generator, loaded.discriminator, loaded.trainerState, { emaModel: loaded.generatorEma, labels });
    await run.truncateLogAfter(loaded.state.step);
  } else {
    trainer = DcganTrainer.create(plan.config, data, labels);
  }
  // Flips follow the trainer's epoch, so a resumed run flips exactly as a straight one.
  if (data instanceof FlipDataset) data.followEpochs(() => Math.floor(trainer.step / trainer.stepsPerEpoch));
  reporter.onStart?.({ plan, backend: backend.name, fromStep: trainer.step, note: backend.note, precision: backend.precision });

  const { nz, z, sampleCount, imageSize, channels } = plan.config;
  const sampleLatents = latentsForSeeds(seedRange(0, sampleCount), nz, z);
  let checkpoint: string | null = null;
  let savedStep = -1;
  // The best evaluation so far by --select-by (a resume replays the log it kept, and checkpoints/best follows it),
  // and D(G(z)) stuck near 0. The watch's window starts empty on a resume: its warnings are advice, not part of what
  // a resumed run reproduces.
  const best = plan.selectBy === null ? null : await openBestScore(run.checkpointsDir, plan.selectBy, (await run.readLog()).filter(isEvalEntry));
  const collapse = new CollapseWatch();
  const warnings: { step: number; warning: string }[] = [];
  const warn = async (step: number, warning: string) => {
    await lock.assertHeld();
    await run.appendLog({ step, warning });
    reporter.onWarning?.(warning);
  };
  const save = async (t: DcganTrainer) => {
    await lock.assertHeld();
    checkpoint = await saveCheckpoint(run.checkpointsDir, t, { backend: describeRunBackend(backend), datasetSize: data.size });
    savedStep = t.step;
    reporter.onCheckpoint?.(checkpoint);
  };
  const prune = async () => {
    for (const name of await pruneCheckpoints(run.checkpointsDir, plan.checkpoints, [LATEST_POINTER, BEST_POINTER])) {
      reporter.onNotice?.(`removed old checkpoint ${path.join(run.checkpointsDir, name)} (--keep-checkpoints ${plan.checkpoints.keep})`);
    }
  };
  try {
    const result = await runTrainingLoop(trainer, sampleLatents, {
      onStep: (step, total, metrics) => {
        const warning = collapse.observe(step, metrics);
        if (warning !== null) warnings.push({ step, warning });
        reporter.onStep?.(step, total, metrics);
      },
      shouldStop: reporter.shouldStop,
      onLog: async (entry) => {
        await lock.assertHeld();
        await run.appendLog(entry);
        reporter.onLog?.(entry);
        for (const w of warnings.splice(0)) await warn(w.step, w.warning);
      },
      onSample: async (step, images) => {
        const grid = makeGrid(await images.data<'float32'>(), sampleCount, imageSize, imageSize, channels);
        const file = run.samplePath(step);
        await lock.assertHeld();
        await writePng(file, grid);
        reporter.onSample?.(file);
      },
      onEval: evaluator
        ? {
            every: evaluator.plan.every,
            run: async (t) => {
              const entry = await evaluator.evaluate(t.sampler, t.step, t.epochsDone, (line) =>
                reporter.onEvalProgress?.(`eval at step ${t.step}: ${line}`, t.step),
              );
              await lock.assertHeld();
              await run.appendLog(entry);
              reporter.onEval?.(entry);
              const verdict = best?.consider(entry);
              if (verdict?.isBest) {
                // checkpoints/best must name a checkpoint of this very step: one is written now if the schedule has none.
                if (savedStep !== t.step) await save(t);
                await writeFileAtomic(path.join(run.checkpointsDir, BEST_POINTER), stepName(t.step) + '\n');
                reporter.onBest?.(t.step, best!.scalar, verdict.value);
                await prune();
              }
              if (verdict?.warning) await warn(t.step, verdict.warning);
            },
          }
        : undefined,
      onCheckpoint: async (t) => {
        if (savedStep !== t.step) await save(t); // not when the best evaluation of this step wrote it already
        await prune();
      },
    });
    return { out: plan.out, step: result.step, interrupted: result.interrupted, checkpoint };
  } finally {
    trainer.dispose();
  }
}

/** The backend a checkpoint records: describeBackend's words, with ", bf16" when the convolutions ran in bf16. */
function describeRunBackend(backend: BackendSelection & { precision: PrecisionSelection }): string {
  return backend.precision.name === 'bf16' ? `${describeBackend(backend)}, bf16` : describeBackend(backend);
}
