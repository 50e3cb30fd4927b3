import { Command } from 'commander';
import { previewData } from '@dcgan-ts/node';
import { type DataCliOptions, addImageOptions, addShapeOptions, addSourceOptions } from './dataOptions.js';
import { dataNotes, dataProgressPrinter } from './dataReport.js';
import { positiveInteger, seed } from './parse.js';
import { jsonOption } from './sharedOptions.js';

const EXAMPLES = `
Examples:
  $ dcgan data preview --dataset cifar10 --out cifar.png         # 64 random training images as the trainer sees them
  $ dcgan data preview --data photos/ --image-size 64 --crop 300 --flip --out check.png
  $ dcgan data preview --data faces64.dcgan --n 16 --json         # also prints shape, value range and labels`;

interface PreviewCliOptions extends DataCliOptions {
  out?: string;
  n?: number;
  seed?: number;
  json?: boolean;
}

/** `dcgan data preview`: one batch exactly as the trainer receives it (shape, [-1, 1] range, flips), as a PNG grid. */
function previewCommand(): Command {
  const command = new Command('preview').description('write a grid of images as the trainer receives them, and their shape and range');
  addShapeOptions(addSourceOptions(command));
  addImageOptions(command);
  return command
    .option('--n <n>', 'number of images (default: 64)', positiveInteger)
    .option('--seed <n>', 'which images: a random sample drawn from this seed (default: 0)', seed)
    .option('--out <file>', 'grid PNG (default: preview.png)')
    .addOption(jsonOption())
    .addHelpText('after', EXAMPLES)
    .action(async (o: PreviewCliOptions) => {
      const r = await previewData({ ...o, onProgress: dataProgressPrinter() });
      for (const line of dataNotes(r)) {
        process.stderr.write(`dcgan: ${line}\n`);
      }
      const { skipped, upscaled, ...result } = r;
      const n = result.shape[0];
      process.stdout.write(
        `${result.size} images (${result.dataset}); wrote ${n} as ${result.out}: batch (${result.shape.join(', ')}) in [${result.min.toFixed(3)}, ${result.max.toFixed(3)}]` +
          `${result.labels ? `, labels ${result.labels.slice(0, 16).join(' ')}${n > 16 ? ' ...' : ''}` : ''}\n`,
      );
      if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
    });
}

export function dataCommand(): Command {
  return new Command('data')
    .description('look at training data: `dcgan data preview` (see also `dcgan prepare`, `dcgan download`)')
    .addCommand(previewCommand());
}
