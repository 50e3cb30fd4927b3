import type { ImageDataset } from '@dcgan-ts/core';

/** Releases what a dataset holds open (a packed file's descriptor); datasets in memory have nothing to close. */
export function closeDataset(dataset: ImageDataset): void {
  (dataset as ImageDataset & { close?(): void }).close?.();
}

/** Files a source could not use, as reported at the start of training and recorded in config.json. */
export interface FileProblems {
  count: number;
  /** The first few paths with the reason, e.g. "cats/x.jpg: premature end of JPEG image". */
  first: string[];
}

/** How many offending paths a report lists before it only counts. */
export const PROBLEMS_LISTED = 5;

/** An empty FileProblems, to fill with addProblem. */
export function noProblems(): FileProblems {
  return { count: 0, first: [] };
}

/** Counts one problem, keeping its line if fewer than PROBLEMS_LISTED are kept. */
export function addProblem(problems: FileProblems, line: string): void {
  problems.count += 1;
  if (problems.first.length < PROBLEMS_LISTED) problems.first.push(line);
}

/**
 * A dataset as a loader returns it: the images the trainer reads, plus what the trainer does not need but other
 * commands do (class labels for classification, the files that were skipped, where the data came from).
 */
export interface LoadedDataset {
  dataset: ImageDataset;
  /** (size,) class index of each image, when the source has classes (IDX labels, CIFAR, class subfolders). */
  labels?: Uint16Array;
  /** Class names that `labels` index, when the source names them (folder names, CIFAR-10's classes). */
  classes?: string[];
  /** The file or folder read, absolute; absent for embedded and generated data. */
  path?: string;
  /** Files that could not be decoded (folders) and were left out. */
  skipped: FileProblems;
  /** Images smaller than the target size, upscaled. */
  upscaled: FileProblems;
}
