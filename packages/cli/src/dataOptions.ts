import { type Command, InvalidArgumentError, Option } from 'commander';
import { DATASET_NAMES } from '@dcgan-ts/node';
import { integer, positiveInteger } from './parse.js';

const NAMED_COLOURS: Record<string, [number, number, number]> = {
  white: [255, 255, 255],
  black: [0, 0, 0],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
};

/** `--background`: white, black, gray, #rrggbb or r,g,b. */
export function colour(value: string): [number, number, number] {
  const v = value.trim().toLowerCase();
  if (NAMED_COLOURS[v]) return NAMED_COLOURS[v];
  const hex = /^#?([0-9a-f]{6})$/.exec(v);
  if (hex) return [0, 2, 4].map((i) => parseInt(hex[1]!.slice(i, i + 2), 16)) as [number, number, number];
  const parts = v.split(',').map((p) => p.trim());
  if (parts.length === 3 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return parts.map(Number) as [number, number, number];
  }
  throw new InvalidArgumentError('not a colour: white, black, gray, #rrggbb or r,g,b');
}

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

/** --dataset and --data. */
export function addSourceOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--dataset <name>', 'training images (default: what --data holds, else mnist, embedded)').choices(DATASET_NAMES),
    )
    .option('--data <path>', 'file or folder of the data: IDX folder, CIFAR folder or .tar.gz, image folder, packed file');
}

/** How images are cut and converted: --crop, --flip, --background, --strict. */
export function addImageOptions(command: Command, { flip = true } = {}): Command {
  command
    .option('--crop <n>', 'folder: cut the centre NxN square before resizing (e.g. 108 for CelebA)', positiveInteger)
    .option('--background <colour>', 'folder: colour under transparent pixels: white, black, gray, #rrggbb, r,g,b (default: white)', colour)
    .option('--strict', 'a file that does not decode, or an image smaller than the target, is an error (default: skip or upscale, and report)');
  if (flip) command.option('--flip', 'random horizontal flips, the same on --resume');
  return command;
}

/** --image-size and --channels, for commands other than train (which declares its own). */
export function addShapeOptions(command: Command, sizeHelp = 'image side, a power of two from 16 to 256 (default: 32)'): Command {
  return command
    .option('--image-size <n>', sizeHelp, integer)
    .addOption(new Option('--channels <n>', "1 or 3 (default: the dataset's)").argParser(integer));
}
