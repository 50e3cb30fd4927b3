import type { Command } from 'commander';
import { trainOption } from '@dcgan-ts/node';
import { commanderOption } from './declaredOptions.js';

/** The options that say which images to read and how (train, data preview; prepare takes the folder ones). */
export interface DataCliOptions {
  dataset?: string;
  data?: string;
  imageSize?: number;
  channels?: number;
  crop?: number;
  flip?: boolean;
  background?: [number, number, number];
  strict?: boolean;
}

/** --dataset and --data of the commands that read a labelled set's own train and test splits (classify, eval, ...). */
export const LABELLED_DATASET_HELP = 'labelled set: mnist, fashion-mnist, idx, cifar10, cifar100, folder';
export const LABELLED_DATA_HELP =
  "its files: an IDX folder (train-* and t10k-*), CIFAR's folder or .tar.gz, or a folder of train/ and test/ class folders";

/** --data of the commands on a checkpoint (eval, classify, features, visualize): the run's own by default. */
export const CHECKPOINT_DATA_HELP = `${LABELLED_DATA_HELP} (default, for the checkpoint's own dataset: where its run read it)`;

/** --dataset and --data, as train declares them. */
export function addSourceOptions(command: Command): Command {
  return command.addOption(commanderOption(trainOption('dataset'))).addOption(commanderOption(trainOption('data')));
}

/** How images are cut and converted, as train declares them: --crop, --background, --strict, --flip. */
export function addImageOptions(command: Command, { flip = true } = {}): Command {
  for (const key of ['crop', 'background', 'strict', ...(flip ? ['flip' as const] : [])] as const) command.addOption(commanderOption(trainOption(key)));
  return command;
}

/**
 * --image-size and --channels for commands other than train, which share train's declarations; `sizeHelp` and
 * `channelsHelp` (with their defaults) where the command's defaults differ from train's.
 */
export function addShapeOptions(command: Command, sizeHelp?: string, channelsHelp?: string): Command {
  const size = trainOption('imageSize');
  const channels = trainOption('channels');
  return command
    .addOption(commanderOption(sizeHelp === undefined ? size : { ...size, help: sizeHelp, default: undefined }))
    .addOption(commanderOption(channelsHelp === undefined ? channels : { ...channels, help: channelsHelp, default: undefined }));
}
