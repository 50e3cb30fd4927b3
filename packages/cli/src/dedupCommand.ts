import { Command, Option } from 'commander';
import { dedup } from '@dcgan-ts/node';
import { addShapeOptions } from './dataOptions.js';
import { countProgressPrinter } from './countProgress.js';
import { positiveInteger, seed } from './parse.js';
import { backendOption, useBackend } from './useBackend.js';
import { jsonOption } from './sharedOptions.js';

const EXAMPLES = `
Examples:
  $ dcgan dedup --data bedrooms64.dcgan --out bedrooms64-dedup.dcgan   # the paper's LSUN clean-up, on the packed set
  $ dcgan dedup --data photos/ --report duplicates.json                                 # only say what repeats`;

export function dedupCommand(): Command {
  const command = new Command('dedup')
    .description("remove near-duplicate images (the paper's section 4.1.1): an autoencoder's binarised 128-bit codes, equal codes = duplicates")
    .option('--dataset <name>', 'what --data holds (detected when left out)')
    .requiredOption('--data <path>', 'the images: a packed file (any size: LSUN\'s training sets are packed first), a folder, an LMDB database, IDX, CIFAR')
    .option('--epochs <n>', "the autoencoder's training epochs over the data (default: 5)", positiveInteger)
    .option('--code-size <n>', 'code bits (default: 128, the paper\'s)', positiveInteger)
    .option('--seed <n>', "the autoencoder's seed (default: 0)", seed)
    .addOption(new Option('--threshold <t>', "a code bit is on above each unit's median over the data, or above 0 as in the paper (default: median)").choices(['median', 'zero']))
    .option('--out <file>', 'write the kept images as a packed file (train on it with --data FILE)')
    .option('--report <file>', 'write the groups found as JSON: each kept image and the duplicates removed for it');
  addShapeOptions(command, 'side of the images written to --out (default: the source\'s, else 64)', "channels (default: the source's)");
  return command
    .addOption(backendOption())
    .addOption(jsonOption())
    .addHelpText('after', EXAMPLES)
    .action(async (o) => {
      await useBackend(o.backend);
      const printers = new Map<string, (done: number, total: number) => void>();
      const result = await dedup({
        ...o,
        onProgress: (stage, done, total) => {
          if (!printers.has(stage)) printers.set(stage, countProgressPrinter(stage, stage.startsWith('decoding') ? 'images' : 'batches'));
          printers.get(stage)!(done, total);
        },
      });
      const share = ((100 * result.removed) / result.images).toFixed(2);
      const written = [result.out, result.report].filter((f) => f !== undefined);
      process.stdout.write(
        `removed ${result.removed} of ${result.images} images (${share}%) as near-duplicates, in ${result.groups} groups (largest ${result.largestGroup})` +
          `${written.length > 0 ? ` -> ${written.join(', ')}` : ''}\n`,
      );
      if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
    });
}
