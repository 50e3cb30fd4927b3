import { Command } from 'commander';
import { DcganError } from '@dcgan-ts/core';
import { DEFAULT_BACKGROUND, prepareFolder } from '@dcgan-ts/node';
import { addImageOptions, addShapeOptions } from './dataOptions.js';
import { dataNotes, dataProgressPrinter } from './dataReport.js';
import { integer } from './parse.js';
import { jsonOption } from './sharedOptions.js';

const EXAMPLES = `
Examples:
  $ dcgan prepare --data celeba/ --image-size 64 --crop 108 --out celeba64.dcgan   # DCGAN-tensorflow's CelebA crop
  $ dcgan prepare --data photos/ --image-size 128 --channels 1 --out photos128g.dcgan
  $ dcgan train --data celeba64.dcgan --epochs 5                                  # later runs read the packed file`;

interface PrepareCliOptions {
  data: string;
  out: string;
  imageSize?: number;
  channels?: number;
  crop?: number;
  background?: [number, number, number];
  strict?: boolean;
  workers?: number;
  json?: boolean;
}

export function prepareCommand(): Command {
  const command = new Command('prepare')
    .description('decode an image folder once (worker threads) and pack the resized images and labels into one file')
    .requiredOption('--data <dir>', 'the image folder (recursive; subfolders become class labels)')
    .requiredOption('--out <file>', 'the packed file to write');
  addShapeOptions(command, 'side of the packed images (default: 64)', 'channels of the packed images (default: 3)');
  addImageOptions(command, { flip: false });
  return command
    .option('--workers <n>', 'decode threads (default: cores, at most 2)', integer)
    .addOption(jsonOption())
    .addHelpText('after', EXAMPLES)
    .action(async (o: PrepareCliOptions) => {
      const channels = (o.channels ?? 3) as 1 | 3; // --channels is checked to be 1 or 3 where it is parsed
      const imageSize = o.imageSize ?? 64;
      if (!(imageSize >= 4 && imageSize <= 1024)) throw new DcganError(`--image-size must be from 4 to 1024, got ${imageSize}`);
      if (o.workers !== undefined && o.workers < 0) throw new DcganError('--workers must be 0 or more');
      const result = await prepareFolder(o.data, o.out, {
        imageSize,
        channels,
        crop: o.crop,
        background: o.background ?? DEFAULT_BACKGROUND,
        strict: o.strict,
        pool: { workers: o.workers, onProgress: dataProgressPrinter() },
      }, (line) => process.stderr.write(`dcgan: ${line}\n`));
      const h = result.header;
      for (const line of dataNotes(h)) {
        process.stderr.write(`dcgan: ${line}\n`);
      }
      process.stdout.write(
        `packed ${h.count} images ${h.imageSize}x${h.imageSize}x${h.channels}${h.classes ? ` in ${h.classes.length} classes` : ''} ` +
          `into ${result.out} (${(h.count / result.seconds).toFixed(0)} img/s); skipped ${h.skipped.count}\n`,
      );
      if (o.json) process.stdout.write(JSON.stringify({ out: result.out, seconds: result.seconds, ...h }) + '\n');
    });
}
