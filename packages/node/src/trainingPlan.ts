import {
  type CheckpointState,
  conditionalDiscriminator,
  DEFAULT_EVAL_METRICS,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  type DcganConfig,
  DcganError,
  DEFAULT_SELECT_BY,
  type EvalScalar,
  type ImageDataset,
  type ModelConfig,
  parseAugmentPolicies,
  parseMetricList,
  parseSelectBy,
  referenceParameterCounts,
  validateModelConfig,
  checkClassNames,
  validateTrainingConfig,
} from '@dcgan-ts/core';
import { randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BackendChoice } from './backend.js';
import type { PrecisionChoice } from './precision.js';
import { type DatasetSource, resolveDatasetSource } from './datasets/registry.js';
import { type DataPlan, openTrainingData, recordedDataPlan } from './datasets/trainingData.js';
import { DEFAULT_EVAL_N, type EvalPlan } from './metrics/trainingEval.js';
import { readArchiveState, readCheckpointState, resolveCheckpointDir } from './run/checkpoints.js';
import { DEFAULT_KEEP_CHECKPOINTS, type RetentionPolicy } from './run/checkpointRetention.js';
import { nextRunDirectory, RunDirectory } from './run/runDirectory.js';
import type { TrainReporter, TrainRequest } from './train.js';
import { DEFAULT_EPOCHS, optionsFixedOnResume, TRAIN_OPTIONS, trainOption } from './trainOptions.js';
import { PACKAGE_VERSION } from './version.js';

/**
 * From what a user asked of `dcgan train` to the resolved run (TrainingPlan, config.json's record): a fresh run takes
 * the paper's defaults and the dataset's shape; a resumed one takes its checkpoint's config and refuses options that
 * contradict it (trainOptions.ts declares which); then the evaluation protocol, the data and the number of steps.
 */

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
  /** --precision as asked; config.json also records the precision the run got. */
  precision: PrecisionChoice;
  datasetSize: number;
  /** Where the images came from and what was left out (config.json's record for --resume and for the user). */
  data: DataPlan;
  stepsPerEpoch: number;
  /** --eval-every and its protocol; null when the run records no quality metrics. */
  eval: EvalPlan | null;
  /** The eval score that picks checkpoints/best (--select-by); null without evaluations. */
  selectBy: EvalScalar | null;
  /** Which checkpoints the run keeps (--keep-checkpoints, --keep-every). */
  checkpoints: RetentionPolicy;
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

/**
 * A conditional model's class count: the labelled data's (--conditional on a fresh run), or on --resume the run's,
 * which the data must still have. Undefined: an unconditional model.
 */
function conditionalClasses(request: TrainRequest, base: BaseConfig, data: DataPlan, resuming: boolean): number | undefined {
  if (resuming) {
    if (request.conditional && base.classes === undefined) throw new DcganError('--resume: this run is not class-conditional; --conditional starts a new run');
    if (base.classes !== undefined && data.classes !== base.classes) {
      throw new DcganError(`--resume: the run is conditional on ${base.classes} classes, but the data now has ${data.classes ?? 'no'} classes`);
    }
    // The same count under other names (a class folder renamed or swapped): label k would now mean another class.
    if (base.classNames !== undefined && data.classNames !== null && data.classNames.join('\0') !== base.classNames.join('\0')) {
      throw new DcganError(`--resume: the run's classes are ${base.classNames.join(', ')}; the data's are now ${data.classNames.join(', ')}`);
    }
    return base.classes;
  }
  if (!request.conditional) return undefined;
  if (data.classes === null || data.classes < 2) {
    throw new DcganError(
      `--conditional needs labelled data with at least two classes (IDX with its labels file, CIFAR, a folder whose subfolders are classes); ${base.dataset} has ${data.classes === null ? 'no labels' : 'one class'}`,
    );
  }
  return data.classes;
}

/** --select-by, else the run's (config.json), else FID: checked against the metrics the run evaluates. */
function resolveSelectBy(request: TrainRequest, evalPlan: EvalPlan | null, recorded: string | null | undefined): EvalScalar | null {
  if (evalPlan === null) {
    if (request.selectBy !== undefined) throw new DcganError('--select-by needs --eval-every N: checkpoints are picked by their evaluations');
    return null;
  }
  const asked = request.selectBy ?? recorded ?? (evalPlan.metrics.includes('fid') ? DEFAULT_SELECT_BY : null);
  return asked === null ? null : parseSelectBy(asked, evalPlan.metrics);
}

/** --keep-checkpoints and --keep-every, else the run's (config.json), else the defaults. */
function resolveRetention(request: TrainRequest, recorded: RetentionPolicy | undefined): RetentionPolicy {
  const keep = request.keepCheckpoints ?? recorded?.keep ?? DEFAULT_KEEP_CHECKPOINTS;
  if (!Number.isInteger(keep) || keep < 0) throw new DcganError(`--keep-checkpoints must be a whole number (0 keeps all), got ${keep}`);
  const keepEvery = request.keepEvery ?? recorded?.keepEvery ?? null;
  if (keepEvery !== null && !(Number.isInteger(keepEvery) && keepEvery > 0)) throw new DcganError(`--keep-every must be a positive number of steps, got ${keepEvery}`);
  return { keep, keepEvery };
}

async function latestRunDirectory(): Promise<string> {
  const names = (await fs.readdir(RUNS_DIR).catch(() => [] as string[])).filter((n) => /^\d{5}-/.test(n)).sort();
  if (names.length === 0) throw new DcganError(`--resume: no run to resume in ${RUNS_DIR}/; pass --out RUN_DIR`);
  return path.join(RUNS_DIR, names[names.length - 1]!);
}

/** A run's base config: every setting but the number of steps, and the dataset's name. */
type BaseConfig = Omit<DcganConfig, 'steps'> & { dataset: string };

/** Where a run starts: its base config and directory, and on --resume what the run recorded. */
interface RunStart {
  base: BaseConfig;
  out: string;
  /** --resume: the checkpoint's steps and dataset size, config.json's records (absent from an archive). */
  resumed?: { steps: number; at: number; datasetSize: number; data?: DataPlan; eval?: EvalPlan | null; selectBy?: string | null; checkpoints?: RetentionPolicy };
  /** A fresh run's dataset, resolved once: its defaults fill the base config, its images open later. */
  source?: DatasetSource;
}

/** Called as soon as the run directory is known: train() refuses there a run another process is writing. */
type DirectoryCheck = (out: string) => Promise<void>;

/** --resume: the run's (or the archive's) checkpoint gives the base config; asked options must agree with it. */
async function resumedStart(request: TrainRequest, resumeFrom: string | null, checkRunDirectory?: DirectoryCheck): Promise<RunStart> {
  let state: CheckpointState;
  let out: string;
  let recorded: { data?: DataPlan; eval?: EvalPlan | null; selectBy?: string | null; checkpoints?: RetentionPolicy } = {};
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
    const config = await new RunDirectory(out).readConfig().catch(() => ({}) as Record<string, unknown>);
    recorded = {
      data: await recordedDataPlan(out),
      eval: config.eval as EvalPlan | null | undefined,
      selectBy: config.selectBy as string | null | undefined,
      checkpoints: config.checkpoints as RetentionPolicy | undefined,
    };
  }
  const { steps, ...previous } = state.config;
  const base: BaseConfig = { ...previous, dataset: state.dataset.name };
  refuseChangedOptions(request, base, out);
  refuseChangedConditionalD(request, base, out);
  return { base, out, resumed: { steps, at: state.step, datasetSize: state.dataset.size, ...recorded } };
}

/**
 * The options a resume may not change (trainOptions.ts: 'fixed') that the checkpoint's config records; the data's
 * (--crop, --flip, --background) are checked against config.json's data record when the data opens (trainingData.ts).
 */
function refuseChangedOptions(request: TrainRequest, base: BaseConfig, out: string): void {
  for (const option of optionsFixedOnResume()) {
    // The config's optional members (--ema, --augment) are absent from a run without them: that is a value too.
    if (!(option.key in base) && !OPTIONAL_CONFIG_KEYS.includes(option.key)) continue;
    const key = option.key as keyof BaseConfig;
    const asked = request[key as keyof TrainRequest];
    if (asked !== undefined && asked !== base[key]) {
      const had = base[key] === undefined ? `without ${option.flag}, not ${option.flag}` : `with ${option.flag} ${String(base[key])}, not`;
      throw new DcganError(`--resume: ${out} was trained ${had} ${String(asked)}; drop the option or start a new run`);
    }
  }
}

/**
 * --conditional-d on --resume: the run's wiring, which a checkpoint records only for projection (absent: concat, as
 * every checkpoint from before the option); an unconditional run takes none.
 */
function refuseChangedConditionalD(request: TrainRequest, base: BaseConfig, out: string): void {
  const asked = request.conditionalD;
  if (asked === undefined) return;
  const had = conditionalDiscriminator(base);
  if (had === null) throw new DcganError('--resume: this run is not class-conditional; --conditional-d needs --conditional, which starts a new run');
  if (asked !== had) throw new DcganError(`--resume: ${out} was trained with --conditional-d ${had}, not ${asked}; drop the option or start a new run`);
}

/** DcganConfig's members that a run may lack (older checkpoints, runs without the option). */
const OPTIONAL_CONFIG_KEYS: readonly string[] = ['ema', 'augment'];

/**
 * The network a request asks for: its values over `defaults` (the paper's, or with a dataset's image size and
 * channels). The queue checks a sweep's points with it before they are queued (queue/trainArguments.ts).
 */
export function requestedModelConfig(request: TrainRequest, defaults: ModelConfig = DEFAULT_MODEL_CONFIG): ModelConfig {
  return {
    ...defaults,
    imageSize: request.imageSize ?? defaults.imageSize,
    channels: request.channels ?? defaults.channels,
    nz: request.nz ?? defaults.nz,
    ngf: request.ngf ?? defaults.ngf,
    ndf: request.ndf ?? defaults.ndf,
    kernel: request.kernel ?? defaults.kernel,
    z: request.z ?? defaults.z,
  };
}

/** A new run: the paper's defaults, the dataset's size and channels, and what was asked. */
async function freshStart(request: TrainRequest, checkRunDirectory?: DirectoryCheck): Promise<RunStart> {
  const source = await resolveDatasetSource(request);
  const model = requestedModelConfig(request, { ...DEFAULT_MODEL_CONFIG, imageSize: source.imageSize ?? DEFAULT_MODEL_CONFIG.imageSize, channels: source.channels });
  const { imageSize } = model;
  const base: BaseConfig = {
    ...model,
    ...DEFAULT_TRAINING_CONFIG,
    dataset: source.name,
    batchSize: request.batchSize ?? DEFAULT_TRAINING_CONFIG.batchSize,
    lr: request.lr ?? DEFAULT_TRAINING_CONFIG.lr,
    beta1: request.beta1 ?? DEFAULT_TRAINING_CONFIG.beta1,
    seed: request.seed ?? randomInt(0, 2 ** 32 - 1),
    ...(request.ema === undefined ? {} : { ema: request.ema }),
    ...(request.augment === undefined ? {} : { augment: request.augment }),
  };
  const out = request.out ?? (await nextRunDirectory(RUNS_DIR, source.name, imageSize));
  if (request.out !== undefined) await checkRunDirectory?.(out); // a numbered directory is chosen again if taken
  return { base, out, source };
}

/** Whether a source's class names can be a model's (checkClassNames). */
function namesFit(names: string[] | null, classes: number): boolean {
  if (names === null) return false;
  try {
    checkClassNames(names, classes);
    return true;
  } catch {
    return false;
  }
}

/** A resume to fewer steps than the run has trained would train nothing, and end at its own step: one line instead. */
function refuseStepsBehind(request: TrainRequest, steps: number, at: number): void {
  if (steps >= at) return;
  const asked = request.steps !== undefined ? `--steps ${steps}` : `--epochs ${request.epochs} (${steps} step${steps === 1 ? '' : 's'})`;
  throw new DcganError(`--resume: the checkpoint is at step ${at} already, past ${asked}; give more steps to train on, or sample its checkpoints`);
}

/** --steps, else --epochs over the dataset, else (on --resume) the run's own total, else the default epochs. */
function totalSteps(request: TrainRequest, stepsPerEpoch: number, resumedSteps: number | undefined): number {
  const epochs = request.epochs ?? DEFAULT_EPOCHS;
  if (!(epochs > 0)) throw new DcganError(`--epochs must be positive, got ${epochs}`);
  if (request.steps !== undefined) return request.steps;
  if (request.epochs === undefined && resumedSteps !== undefined) return resumedSteps;
  return Math.max(1, Math.round(epochs * stepsPerEpoch));
}

/**
 * Resolves a request into a plan, validating every option and loading the dataset (to know its size). Throws a
 * DcganError on the first problem; writes nothing.
 */
export async function planTraining(
  request: TrainRequest,
  onDataProgress?: TrainReporter['onDataProgress'],
  /** Called before the run's checkpoint is read or its data opened (which can take minutes for a folder). */
  checkRunDirectory?: DirectoryCheck,
): Promise<{ plan: TrainingPlan; data: ImageDataset; labels?: Uint16Array }> {
  // --augment in its canonical order, so that a resume compares like with like.
  if (request.augment !== undefined) request = { ...request, augment: parseAugmentPolicies(request.augment) };
  const resumeFrom = request.resumeFrom === undefined ? null : path.resolve(request.resumeFrom);
  const resume = (request.resume ?? false) || resumeFrom !== null;
  // Before anything is read: a fresh run's D takes a class only with --conditional (a resume checks the run's).
  if (!resume && request.conditionalD !== undefined && !request.conditional) throw new DcganError('--conditional-d needs --conditional');
  const { base, out, resumed, source } = resume ? await resumedStart(request, resumeFrom, checkRunDirectory) : await freshStart(request, checkRunDirectory);
  const schedule = {
    logEvery: request.logEvery ?? base.logEvery,
    sampleEvery: request.sampleEvery ?? base.sampleEvery,
    checkpointEvery: request.checkpointEvery ?? base.checkpointEvery,
  };
  validateModelConfig(base);
  validateTrainingConfig({ ...base, ...schedule, steps: 1 });
  const evalPlan = resolveEvalPlan(request, resumed?.eval);
  const selectBy = resolveSelectBy(request, evalPlan, resumed?.selectBy);
  const checkpoints = resolveRetention(request, resumed?.checkpoints);
  // Before the data opens, which can take minutes.
  if (request.steps !== undefined && request.epochs !== undefined) throw new DcganError('give --steps or --epochs, not both');
  if (resumed !== undefined && request.steps !== undefined) refuseStepsBehind(request, request.steps, resumed.at);

  const { dataset: data, labels, plan: dataPlan } = await openTrainingData(request, base, {
    recorded: resumed?.data,
    recordedSize: resumed?.datasetSize,
    runDir: out,
    onProgress: onDataProgress,
    source,
  });
  const stepsPerEpoch = Math.floor(data.size / base.batchSize);
  if (stepsPerEpoch < 1) {
    throw new DcganError(`dataset ${data.name} has ${data.size} images, fewer than one batch of ${base.batchSize}`);
  }
  const { dataset, ...rest } = base;
  const classes = conditionalClasses(request, base, dataPlan, resumed !== undefined);
  const config: DcganConfig = {
    ...rest,
    ...(classes === undefined ? {} : { classes }),
    // A fresh conditional run names its classes where the data does (a resumed one keeps its own, in `rest`); names a
    // model may not carry (a 300-character folder name) leave it numbered 0..K-1 rather than refuse the data.
    ...(!resume && classes !== undefined && namesFit(dataPlan.classNames, classes) ? { classNames: dataPlan.classNames! } : {}),
    // A fresh conditional run's D wiring, recorded for projection only (absent: concat); a resumed run keeps its own.
    ...(!resume && classes !== undefined && request.conditionalD === 'projection' ? { conditionalD: 'projection' as const } : {}),
    ...schedule,
    steps: totalSteps(request, stepsPerEpoch, resumed?.steps),
  };
  if (resumed !== undefined) refuseStepsBehind(request, config.steps, resumed.at); // --epochs, now in steps
  validateModelConfig(config); // as checkpoints will be read back (class names included)
  validateTrainingConfig(config);
  return {
    plan: {
      config,
      dataset,
      out,
      resume,
      resumeFrom,
      backend: request.backend ?? 'auto',
      precision: request.precision ?? 'auto',
      datasetSize: data.size,
      data: dataPlan,
      stepsPerEpoch,
      eval: evalPlan,
      selectBy,
      checkpoints,
      parameters: referenceParameterCounts(config),
      packageVersion: PACKAGE_VERSION,
    },
    data,
    labels: classes === undefined ? undefined : labels,
  };
}
