import { Command, Option } from 'commander';
import { DcganError, TRUNCATION_MODES, type TruncationMode } from '@dcgan-ts/core';
import { type BackendChoice, type PrecisionChoice, sample, type SampleRequest } from '@dcgan-ts/node';
import { countProgressPrinter } from './countProgress.js';
import { positiveInteger, positiveNumber, seed } from './parse.js';
import { backendOption, precisionOption, useBackend } from './useBackend.js';
import { checkpointOption, noEmaOption, jsonOption } from './sharedOptions.js';

const EXAMPLES = `
Examples:
  $ dcgan sample --checkpoint runs/00000-mnist32                 # 64 images of seeds 0..63 -> grid.png
  $ dcgan sample --checkpoint runs/00000-mnist32/checkpoints/step-002000 --n 100 --seed 500 --out late.png
  $ dcgan sample --checkpoint runs/00000-mnist32 --n 16 --separate digits/   # digits/seed-000000.png ...
  $ dcgan sample --checkpoint runs/00000-mnist32 --n 50000 --separate fid-50k/   # streamed in batches, any count
  $ dcgan sample --checkpoint runs/00000-mnist32 --spatial 6 --out wide.png  # one 72x72 image from a 6x6 map of z
  $ dcgan sample --checkpoint runs/00000-mnist32@best --truncation 1.0  # BigGAN's trick: |z| resampled under 1
  $ dcgan sample --checkpoint runs/00000-mnist32 --truncation 0.7 --truncation-mode scale   # StyleGAN's: z * 0.7
  $ dcgan sample --checkpoint runs/mnist-conditional --class 7 --n 16   # sixteen 7s from a model trained with --conditional
  $ dcgan sample --checkpoint runs/ema-run --no-ema --out raw-G.png   # G itself, not its moving average (train --ema)`;

type SampleCliOptions = Omit<SampleRequest, 'truncation'> & {
  backend?: BackendChoice;
  precision?: PrecisionChoice;
  json?: boolean;
  truncation?: number;
  truncationMode?: TruncationMode;
};

export function sampleCommand(): Command {
  return new Command('sample')
    .description("draw images from a trained generator (batch norm in inference mode: one seed, one image)")
    .addOption(checkpointOption())
    .addOption(noEmaOption())
    .option('--n <n>', 'number of images (default: 64; a grid holds up to 10000, --separate alone up to 1000000)', positiveInteger)
    .option('--seed <n>', 'image i uses the latent of seed S+i (default: 0)', seed)
    .option('--out <file>', 'grid PNG (default: grid.png)')
    .option('--separate <dir>', 'also (or, without --out, only) write one PNG per image into DIR')
    .option('--spatial <k>', 'one large image from a KxK map of latents (seeds S..S+K*K-1); G is fully convolutional', positiveInteger)
    .option('--class <k>', 'a class-conditional model (train --conditional): every image of class K, an index or a name of its classes (default: image i in class i mod classes)')
    .option('--truncation <psi>', 'the truncation trick: fewer odd images, less variety (resample: |z| values over PSI drawn again; scale: z times PSI)', positiveNumber)
    .addOption(new Option('--truncation-mode <mode>', 'resample (BigGAN) or scale (StyleGAN) (default: resample)').choices(TRUNCATION_MODES))
    .addOption(backendOption())
    .addOption(precisionOption())
    .addOption(jsonOption())
    .addHelpText('after', EXAMPLES)
    .action(async (options: SampleCliOptions) => {
      const { precision, truncation: psi, truncationMode, ...request } = options;
      if (truncationMode !== undefined && psi === undefined) throw new DcganError('--truncation-mode needs --truncation PSI');
      const computed = await useBackend(options.backend, precision ?? 'auto');
      const result = await sample({
        ...request,
        truncation: psi === undefined ? undefined : { psi, mode: truncationMode ?? 'resample' },
        onProgress: countProgressPrinter('writing images', 'images'),
        onNotice: (line) => process.stderr.write(`dcgan: ${line}\n`),
      });
      const where = result.files.length === 1 ? result.files[0] : `${result.files.length} files`;
      const notes = [...(result.ema ? ["moving average of G's weights"] : []), ...(computed.name === 'bf16' ? ['G in bf16'] : [])];
      process.stdout.write(`step ${result.step} of ${result.checkpoint} -> ${where}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}\n`);
      if (options.json) process.stdout.write(JSON.stringify({ ...result, precision: computed.name }) + '\n');
    });
}
