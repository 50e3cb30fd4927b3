import { DcganError, type ImageDataset } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import { runOfCheckpoint } from '../run/checkpoints.js';
import { RunDirectory } from '../run/runDirectory.js';
import { trainOption } from '../trainOptions.js';
import { DEFAULT_BACKGROUND } from './kinds/folder.js';
import type { SplitCut } from './kinds/kind.js';
import { type DatasetSource, resolveDatasetSource } from './registry.js';
import { closeDataset, type FileProblems } from './source.js';

/** The data section of config.json: enough for --resume to reopen the same images, and the report of bad files. */
export interface DataPlan {
  /** The file or folder read, absolute; null for embedded and generated data. */
  path: string | null;
  crop: number | null;
  flip: boolean;
  background: [number, number, number] | null;
  strict: boolean;
  /** Number of classes when the source is labelled, else null. */
  classes: number | null;
  /** Their names in class order, where the source names them (class subfolders, CIFAR's batches.meta), else null. */
  classNames: string[] | null;
  skipped: FileProblems;
  upscaled: FileProblems;
}

/** How a run's data record cut its images: a folder's --crop and --background. */
export function cutOf(data: DataPlan): SplitCut {
  return { crop: data.crop ?? undefined, background: data.background ?? undefined };
}

/** The real images a command on a checkpoint compares with (eval, classify, features, visualize, queue eval). */
export interface CheckpointData {
  /** --dataset, else the checkpoint's own. */
  dataset: string;
  /** --data, else, for the checkpoint's own dataset, the file or folder its run read (config.json). */
  data?: string;
  /** For the checkpoint's own dataset, how its run cut the images (a folder's --crop and --background). */
  cut?: SplitCut;
}

/**
 * The data a command on a checkpoint reads: `dataset` and `data` as the user gave them, else what the checkpoint
 * trained on, read where its run read it (config.json's data record) and cut as the run cut it, so that real images
 * compared with its samples or features are the run's own, cut alike. Outside a run directory (an exported archive)
 * only the dataset's name is known.
 */
export async function checkpointData(checkpoint: { dir: string; state: { dataset: { name: string } } }, dataset?: string, data?: string): Promise<CheckpointData> {
  const name = dataset ?? checkpoint.state.dataset.name;
  const run = name === checkpoint.state.dataset.name ? runOfCheckpoint(checkpoint.dir) : undefined;
  const recorded = run === undefined ? undefined : await recordedDataPlan(run).catch(() => undefined);
  const fromRun = data === undefined ? (recorded?.path ?? undefined) : undefined;
  if (fromRun !== undefined && !(await fs.stat(fromRun).then(() => true, () => false))) {
    throw new DcganError(`the run read its data from ${fromRun} (its config.json), which is no longer there; give --data PATH`);
  }
  return { dataset: name, data: data ?? fromRun, cut: recorded ? cutOf(recorded) : undefined };
}

/** The data section of a run's config.json, or undefined for runs recorded before it existed. */
export async function recordedDataPlan(runDir: string): Promise<DataPlan | undefined> {
  const config = await new RunDirectory(runDir).readConfig().catch(() => ({}) as Record<string, unknown>);
  return config.data as DataPlan | undefined;
}

interface DataOptions {
  data?: string;
  crop?: number;
  flip?: boolean;
  background?: [number, number, number];
  strict?: boolean;
}

/**
 * On --resume: a data option the user repeats must agree with the run (trainOptions.ts declares --crop, --flip and
 * --background fixed); otherwise the run's value is used.
 */
function sameAsRun<T>(option: string, asked: T | undefined, recorded: T | null | undefined, run: string): T | undefined {
  if (asked === undefined) return recorded ?? undefined;
  if (JSON.stringify(asked) !== JSON.stringify(recorded ?? undefined)) {
    throw new DcganError(`--resume: ${run} was trained with ${option} ${JSON.stringify(recorded ?? 'unset')}, not ${JSON.stringify(asked)}; drop the option or start a new run`);
  }
  return asked;
}

/**
 * Opens the training images of a new or resumed run and describes them for config.json. On --resume the recorded data
 * path is reopened (a --data given again may point at a moved copy, provided it holds as many images). `source`: the
 * source a new run resolved for its defaults, opened as it is; else resolved here.
 */
export async function openTrainingData(
  request: DataOptions,
  base: { dataset: string; imageSize: number; channels: number; seed: number },
  resume: { recorded?: DataPlan; recordedSize?: number; runDir?: string; onProgress?(done: number, total: number): void; source?: DatasetSource },
): Promise<{ dataset: ImageDataset; labels?: Uint16Array; plan: DataPlan }> {
  const { recorded, recordedSize } = resume;
  const resuming = recordedSize !== undefined;
  const run = resume.runDir ?? 'the run';
  const options: DataOptions = resuming
    ? {
        data: request.data ?? recorded?.path ?? undefined,
        crop: sameAsRun(trainOption('crop').flag, request.crop, recorded?.crop, run),
        flip: sameAsRun(trainOption('flip').flag, request.flip, recorded?.flip ?? false, run) || undefined,
        background: sameAsRun(trainOption('background').flag, request.background, recorded?.background, run),
        strict: request.strict ?? recorded?.strict,
      }
    : request;
  const { dataset, imageSize, channels, seed } = base;
  const source = resume.source ?? (await resolveDatasetSource({ dataset, data: options.data }));
  const { crop, flip, background, strict } = options;
  const loaded = await source.open({ imageSize, channels, seed, crop, flip, background, strict, onProgress: resume.onProgress });
  // A folder refuses unreadable files itself under --strict; a packed file was made without them by `dcgan prepare`,
  // and is refused here, at the start of a run (one started before this rule resumes as it trained).
  if (strict && !resuming && loaded.skipped.count > 0) {
    closeDataset(loaded.dataset);
    const first = loaded.skipped.first[0] ?? ''; // from the file's header: any length
    throw new DcganError(
      `--strict: ${options.data ?? dataset} was packed without ${loaded.skipped.count} file(s) that are not readable images ` +
        `(${first.length > 200 ? `${first.slice(0, 200)}...` : first}); fix or remove them and pack again`,
    );
  }
  if (resuming && loaded.dataset.size !== recordedSize) {
    throw new DcganError(
      `--resume: ${options.data ?? dataset} now gives ${loaded.dataset.size} images; the run was trained on ${recordedSize}, ` +
        'so its data order would not continue',
    );
  }
  return {
    dataset: loaded.dataset,
    labels: loaded.labels,
    plan: {
      path: loaded.path ?? null,
      crop: options.crop ?? null,
      flip: options.flip ?? false,
      background: dataset === 'folder' ? (options.background ?? DEFAULT_BACKGROUND) : null,
      strict: options.strict ?? false,
      classes: loaded.labels ? (loaded.classes?.length ?? loaded.labels.reduce((m, l) => Math.max(m, l + 1), 0)) : null,
      classNames: loaded.labels && loaded.classes ? loaded.classes : null,
      skipped: loaded.skipped,
      upscaled: loaded.upscaled,
    },
  };
}
