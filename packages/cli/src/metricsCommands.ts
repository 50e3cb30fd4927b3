import { Command } from 'commander';
import { METRICS, parseMetricList } from '@dcgan-ts/core';
import { DEFAULT_CLASSIFIER_EPOCHS, evaluate, evaluationLines, trainClassifier } from '@dcgan-ts/node';
import { CHECKPOINT_DATA_HELP, LABELLED_DATASET_HELP, LABELLED_DATA_HELP } from './dataOptions.js';
import { integer, positiveInteger, seed } from './parse.js';
import { backendOption, useBackend } from './useBackend.js';
import { checkpointOption, noEmaOption, jsonOption } from './sharedOptions.js';

export function trainClassifierCommand(): Command {
  return new Command('train-classifier')
    .description("train the quality metrics' feature extractor for a dataset (a small CNN) and cache it")
    .option('--dataset <name>', `${LABELLED_DATASET_HELP} (default: mnist)`)
    .option('--data <path>', LABELLED_DATA_HELP)
    .option('--image-size <n>', 'the size your generators draw (default: 32)', integer)
    .option('--channels <n>', "1 or 3 (default: the dataset's)", integer)
    .option('--epochs <n>', `epochs over the training split (default: ${DEFAULT_CLASSIFIER_EPOCHS})`, positiveInteger)
    .option('--steps <n>', 'stop after N batches instead', positiveInteger)
    .option('--batch-size <n>', 'minibatch (default: 128)', positiveInteger)
    .option('--seed <n>', 'seed (default: 0)', seed)
    .option('--out <dir>', 'where to save it (default: the cache dcgan eval reads)')
    .addOption(backendOption())
    .addOption(jsonOption())
    .addHelpText('after', '\nExamples:\n  $ dcgan train-classifier --dataset mnist\n  $ dcgan train-classifier --dataset fashion-mnist --image-size 64')
    .action(async (o) => {
      await useBackend(o.backend);
      let last = 0;
      const { dir, info } = await trainClassifier({
        ...o,
        dataset: o.dataset ?? 'mnist',
        onProgress: (step, total, loss) => {
          if (step === total || step - last >= Math.max(1, Math.floor(total / 10))) {
            last = step;
            process.stderr.write(`step ${step}/${total} loss ${loss.toFixed(4)}\n`);
          }
        },
      });
      process.stdout.write(`${info.name}: test accuracy ${(100 * info.testAccuracy).toFixed(2)}% on ${info.testImages} images -> ${dir}\n`);
      if (o.json) process.stdout.write(JSON.stringify({ dir, ...info }) + '\n');
    });
}

export function evalCommand(): Command {
  return new Command('eval')
    .description("sample quality: FID, KID, Inception-style score, precision/recall, class histogram, memorisation check")
    .addOption(checkpointOption())
    .addOption(noEmaOption())
    .option('--dataset <name>', `reference set, a ${LABELLED_DATASET_HELP} (default: what the checkpoint trained on)`)
    .option('--data <path>', CHECKPOINT_DATA_HELP)
    .option('--metrics <list>', `comma-separated from ${METRICS.map((m) => m.name).join(',')} (default: all)`)
    .option('--n <n>', 'samples and reference images (default: 10000)', positiveInteger)
    .option('--nn-samples <n>', 'samples checked against every training image (default: 500)', positiveInteger)
    .option('--classifier <dir>', 'feature extractor: any TF.js LayersModel with a "features" layer (default: the cached one)')
    .option('--seed <n>', 'samples use the latents of seeds S..S+n-1 (default: 0)', seed)
    .addOption(backendOption())
    .addOption(jsonOption())
    .addHelpText('after', '\nExamples:\n  $ dcgan train-classifier --dataset mnist && dcgan eval --checkpoint runs/00000-mnist32\n  $ dcgan eval --checkpoint runs/00000-mnist32 --metrics fid,kid --n 5000 --json')
    .action(async (o) => {
      await useBackend(o.backend);
      const metrics = o.metrics === undefined ? undefined : parseMetricList(o.metrics, '--metrics', 'eval');
      const r = await evaluate({ ...o, metrics, onProgress: (line) => process.stderr.write(line + '\n') });
      const p = r.protocol;
      const lines = [
        `checkpoint step ${p.step}: ${p.samples} samples (seeds ${p.sampleSeeds}); features: ${p.extractor}` +
          (p.extractorTestAccuracy === null ? '' : ` (test accuracy ${(100 * p.extractorTestAccuracy).toFixed(2)}%)`),
        `reference: ${p.reference}; floor: ${p.floor}`,
        ...evaluationLines(r),
      ];
      process.stdout.write(lines.join('\n') + '\n');
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
    });
}
