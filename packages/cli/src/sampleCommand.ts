import { Command } from 'commander';
import { type BackendChoice, type PrecisionChoice, sample, type SampleRequest } from '@dcgan-ts/node';
import { countProgressPrinter } from './countProgress.js';
import { positiveInteger, seed } from './parse.js';
import { backendOption, precisionOption, useBackend } from './useBackend.js';
import { checkpointOption, jsonOption } from './sharedOptions.js';

const EXAMPLES = `
Examples:
  $ dcgan sample --checkpoint runs/00000-mnist32                 # 64 images of seeds 0..63 -> grid.png
  $ dcgan sample --checkpoint runs/00000-mnist32/checkpoints/step-002000 --n 100 --seed 500 --out late.png
  $ dcgan sample --checkpoint runs/00000-mnist32 --n 16 --separate digits/   # digits/seed-000000.png ...
  $ dcgan sample --checkpoint runs/00000-mnist32 --n 50000 --separate fid-50k/   # streamed in batches, any count
  $ dcgan sample --checkpoint runs/00000-mnist32 --spatial 6 --out wide.png  # one 72x72 image from a 6x6 map of z`;

type SampleCliOptions = SampleRequest & { backend?: BackendChoice; precision?: PrecisionChoice; json?: boolean };

export function sampleCommand(): Command {
  return new Command('sample')
    .description("draw images from a trained generator (batch norm in inference mode: one seed, one image)")
    .addOption(checkpointOption())
    .option('--n <n>', 'number of images (default: 64; a grid holds up to 10000, --separate alone up to 1000000)', positiveInteger)
    .option('--seed <n>', 'image i uses the latent of seed S+i (default: 0)', seed)
    .option('--out <file>', 'grid PNG (default: grid.png)')
    .option('--separate <dir>', 'also (or, without --out, only) write one PNG per image into DIR')
    .option('--spatial <k>', 'one large image from a KxK map of latents (seeds S..S+K*K-1); G is fully convolutional', positiveInteger)
    .addOption(backendOption())
    .addOption(precisionOption())
    .addOption(jsonOption())
    .addHelpText('after', EXAMPLES)
    .action(async (options: SampleCliOptions) => {
      const { precision, ...request } = options;
      const computed = await useBackend(options.backend, precision ?? 'auto');
      const result = await sample({
        ...request,
        onProgress: countProgressPrinter('writing images', 'images'),
        onNotice: (line) => process.stderr.write(`dcgan: ${line}\n`),
      });
      const where = result.files.length === 1 ? result.files[0] : `${result.files.length} files`;
      process.stdout.write(`step ${result.step} of ${result.checkpoint} -> ${where}${computed.name === 'bf16' ? ' (G in bf16)' : ''}\n`);
      if (options.json) process.stdout.write(JSON.stringify({ ...result, precision: computed.name }) + '\n');
    });
}
