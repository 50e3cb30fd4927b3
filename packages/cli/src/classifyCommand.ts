import { Command } from 'commander';
import { type BackendChoice, classify } from '@dcgan-ts/node';
import { CHECKPOINT_DATA_HELP, LABELLED_DATASET_HELP } from './dataOptions.js';
import { positiveInteger, seed } from './parse.js';
import { backendOption, useBackend } from './useBackend.js';
import { checkpointOption, jsonOption } from './sharedOptions.js';

const pct = (x: number) => (100 * x).toFixed(2);

export function classifyCommand(): Command {
  return new Command('classify')
    .description("the paper's section 5: a linear L2-SVM on D's features with few labels, beside raw pixels and a random D")
    .addOption(checkpointOption())
    .option('--dataset <name>', `${LABELLED_DATASET_HELP} (default: what the checkpoint trained on)`)
    .option('--data <path>', CHECKPOINT_DATA_HELP)
    .requiredOption('--labels-per-class <n>', 'labelled training images per class', positiveInteger)
    .option('--repeats <n>', 'random label draws (default: 5)', positiveInteger)
    .option('--test-limit <n>', 'use only the first N test images (default: all)', positiveInteger)
    .option('--seed <n>', 'seed of the label draws (default: 0)', seed)
    .addOption(backendOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Examples:
  $ dcgan classify --checkpoint runs/00000-mnist32 --labels-per-class 100 --repeats 5
  $ dcgan classify --checkpoint runs/fashion --dataset fashion-mnist --labels-per-class 1000 --json`,
    )
    .action(async (o: { checkpoint: string; dataset?: string; data?: string; labelsPerClass: number; repeats?: number; testLimit?: number; seed?: number; backend?: BackendChoice; json?: boolean }) => {
      await useBackend(o.backend);
      const result = await classify({ ...o, onProgress: (line) => process.stderr.write(line + '\n') });
      const p = result.protocol;
      process.stdout.write(
        `${p.dataset}, ${p.labelsPerClass} labels per class, ${p.repeats} draws, ${p.testImages} test images, checkpoint step ${p.step}\n` +
          `classifier: ${p.classifier}\n`,
      );
      for (const row of result.rows) {
        process.stdout.write(
          `  ${row.features.padEnd(28)} ${String(row.dims).padStart(6)} dims  accuracy ${pct(row.accuracy.mean)} +- ${pct(row.accuracy.std)}%  error ${pct(row.error.mean)}%\n`,
        );
      }
      if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
    });
}
