import {
  type CheckpointState,
  DEFAULT_EVAL_METRICS,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  type DcganConfig,
  DcganError,
  DcganTrainer,
  FlipDataset,
  type EvalEntry,
  type ImageDataset,
  type LatentDistribution,
  type LogEntry,
  type StepMetrics,
  latentsForSeeds,
  makeGrid,
  parseMetricList,
  referenceParameterCounts,
  runTrainingLoop,
  seedRange,
  validateModelConfig,
  validateTrainingConfig,
} from '@dcgan-ts/core';
import { randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type BackendChoice, describeBackend, selectBackend } from './backend.js';
import { type DataPlan, openTrainingData, recordedDataPlan } from './datasets/trainingData.js';
import { type DatasetSource, resolveDatasetSource } from './datasets/registry.js';
import { closeDataset } from './datasets/source.js';
import { writePng } from './io/png.js';
import { DEFAULT_EVAL_N, type EvalPlan, TrainingEvaluator } from './metrics/trainingEval.js';
import { loadCheckpoint, readArchiveState, readCheckpointState, resolveCheckpointDir, saveCheckpoint } from './run/checkpoints.js';
import { RunDirectory, nextRunDirectory } from './run/runDirectory.js';
import { RunLock, RunLockHeldError } from './run/runLock.js';
import { describeRemovedLeftover, removeLeftovers } from './io/leftovers.js';
import { DEFAULT_EPOCHS, optionsFixedOnResume, TRAIN_OPTIONS, trainOption } from './trainOptions.js';
import { PACKAGE_VERSION } from './version.js';

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
}

/** Where numbered run directories go when --out is not given. */
export const RUNS_DIR = 'runs';

/** The resolved run: every option, as config.json records it. */
export interface TrainingPlan {
  config: DcganConfig;
  dataset: string;
  out: string;
  resume: boolean;
  /** The checkpoint archive a resumed run starts from, when it is not the run's own latest checkpoint. */
  resumeFrom: string | null;
  backend: BackendChoice;
  datasetSize: number;
  /** Where the images came from and what was left out (config.json's record for --resume and for the user). */
  data: DataPlan;
  stepsPerEpoch: number;
  /** --eval-every and its protocol; null when the run records no quality metrics. */
  eval: EvalPlan | null;
  parameters: { generator: number; discriminator: number };
  packageVersion: string;
}

/**
 * The evaluation settings: asked, or on --resume the run's (config.json). A resume may change --eval-every (0 turns
 * evaluations off, and the run keeps its protocol for a later resume) but not what one evaluation measures, so that
 * a run's curve keeps one protocol. Null: the run has never evaluated.
 */
function resolveEvalPlan(request: TrainRequest, recorded: EvalPlan | null | undefined): EvalPlan | null {
  const every = request.evalEvery ?? recorded?.every ?? 0;
  if (!Number.isInteger(every) || every < 0) throw new DcganError(`--eval-every must be a whole number of steps, got ${every}`);
  const asked = {
    n: request.evalN,
    metrics: request.evalMetrics === undefined ? undefined : parseMetricList(request.evalMetrics, '--eval-metrics', 'training'),
    classifier: request.classifier === undefined ? undefined : path.resolve(request.classifier),
  };
  if (recorded) {
    const same = { n: recorded.n, metrics: recorded.metrics, classifier: recorded.classifier ?? undefined };
    const protocol = { n: 'evalN', metrics: 'evalMetrics', classifier: 'classifier' } as const;
    for (const key of ['n', 'metrics', 'classifier'] as const) {
      if (asked[key] !== undefined && JSON.stringify(asked[key]) !== JSON.stringify(same[key])) {
        const option = trainOption(protocol[key]).flag;
        throw new DcganError(
          `--resume: this run's evaluations use ${option} ${String(same[key] ?? '(the cached classifier)')}; ` +
            'its curve keeps one protocol: drop the option or start a new run',
        );
      }
    }
    return { ...recorded, every };
  }
  if (every === 0) {
    const given = TRAIN_OPTIONS.find((o) => o.resume === 'eval protocol' && request[o.key as keyof TrainRequest] !== undefined);
    if (given) throw new DcganError(`${given.flag} needs --eval-every N`);
    return null;
  }
  const metrics = asked.metrics ?? DEFAULT_EVAL_METRICS;
  // Precision/recall need each sample's 3rd nearest neighbour among the others.
  const minimum = metrics.includes('pr') ? 4 : 2;
  if (asked.n !== undefined && !(Number.isInteger(asked.n) && asked.n >= minimum)) {
    throw new DcganError(`--eval-n must be at least ${minimum}${minimum > 2 ? ' with pr' : ''}, got ${asked.n}`);
  }
  return { every, n: asked.n ?? DEFAULT_EVAL_N, metrics, classifier: asked.classifier ?? null };
}

async function latestRunDirectory(): Promise<string> {
  const names = (await fs.readdir(RUNS_DIR).catch(() => [] as string[])).filter((n) => /^\d{5}-/.test(n)).sort();
  if (names.length === 0) throw new DcganError(`--resume: no run to resume in ${RUNS_DIR}/; pass --out RUN_DIR`);
  return path.join(RUNS_DIR, names[names.length - 1]!);
}

/**
 * Resolves a request into a plan, validating every option and loading the dataset (to know its size). Throws a
 * DcganError on the first problem; writes nothing.
 */
export async function planTraining(
  request: TrainRequest,
  onDataProgress?: TrainReporter['onDataProgress'],
  /**
   * Called as soon as the run directory is known, before its checkpoint is read or the data opened (which can take
   * minutes for a folder): train() refuses there a run that another process is writing.
   */
  checkRunDirectory?: (out: string) => Promise<void>,
): Promise<{ plan: TrainingPlan; data: ImageDataset }> {
  const resumeFrom = request.resumeFrom === undefined ? null : path.resolve(request.resumeFrom);
  const resume = (request.resume ?? false) || resumeFrom !== null;
  let base: Omit<DcganConfig, 'steps'> & { dataset: string };
  let out: string;
  let resumedSteps: number | undefined;
  let recorded: DataPlan | undefined;
  let source: DatasetSource | undefined;
  let recordedSize: number | undefined;
  let recordedEval: EvalPlan | null | undefined;
  if (resume) {
    let state: CheckpointState;
    if (resumeFrom !== null) {
      state = await readArchiveState(resumeFrom);
      out = request.out ?? (await nextRunDirectory(RUNS_DIR, state.dataset.name, state.config.imageSize));
      await checkRunDirectory?.(out);
      if (await new RunDirectory(out).holdsRun()) {
        throw new DcganError(`--resume ${request.resumeFrom}: ${out} already holds a run; a checkpoint archive starts a new run directory, choose another --out`);
      }
    } else {
      out = request.out ?? (await latestRunDirectory());
      await checkRunDirectory?.(out);
      const dir = await resolveCheckpointDir(out).catch((e: unknown) => {
        throw new DcganError(`--resume: ${(e as Error).message}`);
      });
      state = await readCheckpointState(dir);
      recorded = await recordedDataPlan(out);
      const recordedConfig = await new RunDirectory(out).readConfig().catch(() => ({}) as Record<string, unknown>);
      recordedEval = recordedConfig.eval as EvalPlan | null | undefined;
    }
    const { steps: previousSteps, ...previous } = state.config;
    base = { ...previous, dataset: state.dataset.name };
    resumedSteps = previousSteps;
    recordedSize = state.dataset.size;
    // The fixed options the checkpoint's config records; the data's (--crop, --flip, --background) are checked
    // against config.json's data record when the data opens (trainingData.ts).
    for (const option of optionsFixedOnResume()) {
      if (!(option.key in base)) continue;
      const key = option.key as keyof typeof base;
      const asked = request[key as keyof TrainRequest];
      if (asked !== undefined && asked !== base[key]) {
        throw new DcganError(
          `--resume: ${out} was trained with ${option.flag} ${String(base[key])}, not ${String(asked)}; ` +
            'drop the option or start a new run',
        );
      }
    }
  } else {
    // Resolved once: its defaults here, its images when the data is opened below.
    source = await resolveDatasetSource(request);
    const dataset = source.name;
    const imageSize = request.imageSize ?? source.imageSize ?? DEFAULT_MODEL_CONFIG.imageSize;
    base = {
      ...DEFAULT_MODEL_CONFIG,
      ...DEFAULT_TRAINING_CONFIG,
      dataset,
      imageSize,
      channels: request.channels ?? source.channels,
      nz: request.nz ?? DEFAULT_MODEL_CONFIG.nz,
      ngf: request.ngf ?? DEFAULT_MODEL_CONFIG.ngf,
      ndf: request.ndf ?? DEFAULT_MODEL_CONFIG.ndf,
      kernel: request.kernel ?? DEFAULT_MODEL_CONFIG.kernel,
      z: request.z ?? DEFAULT_MODEL_CONFIG.z,
      batchSize: request.batchSize ?? DEFAULT_TRAINING_CONFIG.batchSize,
      lr: request.lr ?? DEFAULT_TRAINING_CONFIG.lr,
      beta1: request.beta1 ?? DEFAULT_TRAINING_CONFIG.beta1,
      seed: request.seed ?? randomInt(0, 2 ** 32 - 1),
    };
    out = request.out ?? (await nextRunDirectory(RUNS_DIR, dataset, imageSize));
    if (request.out !== undefined) await checkRunDirectory?.(out); // a numbered directory is chosen again if taken
  }
  const schedule = {
    logEvery: request.logEvery ?? base.logEvery,
    sampleEvery: request.sampleEvery ?? base.sampleEvery,
    checkpointEvery: request.checkpointEvery ?? base.checkpointEvery,
  };
  validateModelConfig(base);
  validateTrainingConfig({ ...base, ...schedule, steps: 1 });
  const evalPlan = resolveEvalPlan(request, recordedEval);
  if (request.steps !== undefined && request.epochs !== undefined) {
    throw new DcganError('give --steps or --epochs, not both');
  }

  const { dataset: data, plan: dataPlan } = await openTrainingData(request, base, {
    recorded,
    recordedSize,
    runDir: out,
    onProgress: onDataProgress,
    source,
  });
  const stepsPerEpoch = Math.floor(data.size / base.batchSize);
  if (stepsPerEpoch < 1) {
    throw new DcganError(`dataset ${data.name} has ${data.size} images, fewer than one batch of ${base.batchSize}`);
  }
  const epochs = request.epochs ?? DEFAULT_EPOCHS;
  if (!(epochs > 0)) throw new DcganError(`--epochs must be positive, got ${epochs}`);
  const steps =
    request.steps ??
    (request.epochs === undefined && resumedSteps !== undefined
      ? resumedSteps
      : Math.max(1, Math.round(epochs * stepsPerEpoch)));
  const { dataset, ...rest } = base;
  const config: DcganConfig = { ...rest, ...schedule, steps };
  validateTrainingConfig(config);
  return {
    plan: {
      config,
      dataset,
      out,
      resume,
      resumeFrom,
      backend: request.backend ?? 'auto',
      datasetSize: data.size,
      data: dataPlan,
      stepsPerEpoch,
      eval: evalPlan,
      parameters: referenceParameterCounts(config),
      packageVersion: PACKAGE_VERSION,
    },
    data,
  };
}

/** What `train` tells its caller as it goes; every member optional. */
export interface TrainReporter {
  onStart?(info: { plan: TrainingPlan; backend: string; fromStep: number; note?: string }): void;
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
  shouldStop?(): boolean;
}

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
  const { plan, data } = await planTraining(request, reporter.onDataProgress, (out) => RunLock.refuseIfHeld(out));
  let evaluator: TrainingEvaluator | null = null;
  let lock: RunLock | null = null;
  try {
    lock = await lockRunDirectory(plan, request.out !== undefined, reporter);
    const run = new RunDirectory(plan.out);
    const backend = await selectBackend(plan.backend);
    // The metrics' reference is loaded before anything is written: a missing classifier fails the run up front.
    if (plan.eval && plan.eval.every > 0) {
      evaluator = await TrainingEvaluator.open(plan.eval, { ...plan.config, dataset: plan.dataset, data: plan.data.path ?? undefined }, (line) =>
        reporter.onEvalProgress?.(`quality metrics every ${plan.eval!.every} steps: ${line}`, null),
      );
    }
    return await trainRun(plan, data, run, lock, backend, evaluator, reporter);
  } finally {
    await lock?.release();
    evaluator?.dispose();
    closeDataset(data); // a packed file's descriptor
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
  data: ImageDataset,
  run: RunDirectory,
  lock: RunLock,
  backend: Awaited<ReturnType<typeof selectBackend>>,
  evaluator: TrainingEvaluator | null,
  reporter: TrainReporter,
): Promise<TrainResult> {
  await run.create();
  // Under the lock every temporary file here is a killed writer's: a checkpoint, grid, log or config half-written.
  for (const dir of [run.root, run.samplesDir, run.checkpointsDir]) {
    for (const removed of await removeLeftovers(dir, { exclusive: true })) reporter.onNotice?.(describeRemovedLeftover(removed));
  }
  await run.writeConfig({ ...plan, backend: backend.name, adapter: backend.adapter ?? null, requestedBackend: plan.backend });

  let trainer: DcganTrainer;
  if (plan.resume) {
    const loaded = await loadCheckpoint(plan.resumeFrom ?? plan.out);
    trainer = DcganTrainer.resume(plan.config, data, loaded.generator, loaded.discriminator, loaded.trainerState);
    await run.truncateLogAfter(loaded.state.step);
  } else {
    trainer = DcganTrainer.create(plan.config, data);
  }
  // Flips follow the trainer's epoch, so a resumed run flips exactly as a straight one.
  if (data instanceof FlipDataset) data.followEpochs(() => Math.floor(trainer.step / trainer.stepsPerEpoch));
  reporter.onStart?.({ plan, backend: backend.name, fromStep: trainer.step, note: backend.note });

  const { nz, z, sampleCount, imageSize, channels } = plan.config;
  const sampleLatents = latentsForSeeds(seedRange(0, sampleCount), nz, z);
  let checkpoint: string | null = null;
  try {
    const result = await runTrainingLoop(trainer, sampleLatents, {
      onStep: reporter.onStep,
      shouldStop: reporter.shouldStop,
      onLog: async (entry) => {
        await lock.assertHeld();
        await run.appendLog(entry);
        reporter.onLog?.(entry);
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
              const entry = await evaluator.evaluate(t.generator, t.step, t.epochsDone, (line) =>
                reporter.onEvalProgress?.(`eval at step ${t.step}: ${line}`, t.step),
              );
              await lock.assertHeld();
              await run.appendLog(entry);
              reporter.onEval?.(entry);
            },
          }
        : undefined,
      onCheckpoint: async (t) => {
        await lock.assertHeld();
        checkpoint = await saveCheckpoint(run.checkpointsDir, t, { backend: describeBackend(backend), datasetSize: data.size });
        reporter.onCheckpoint?.(checkpoint);
      },
    });
    return { out: plan.out, step: result.step, interrupted: result.interrupted, checkpoint };
  } finally {
    trainer.dispose();
  }
}
