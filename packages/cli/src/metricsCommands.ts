import { Command } from 'commander';
import { DcganError } from '@dcgan-ts/core';
import { DEFAULT_CLASSIFIER_EPOCHS, evaluate, METRIC_NAMES, type MetricName, trainClassifier } from '@dcgan-ts/node';
import { integer, positiveInteger, seed } from './parse.js';
import { backendOption, useBackend } from './useBackend.js';

export function trainClassifierCommand(): Command {
  return new Command('train-classifier')
    .description("train the quality metrics' feature extractor for a dataset (a small CNN) and cache it")
    .option('--dataset <name>', 'labelled IDX set: mnist, fashion-mnist, idx (default: mnist)')
    .option('--data <path>', 'folder of the IDX files, for fashion-mnist and idx')
    .option('--image-size <n>', 'the size your generators draw (default: 32)', integer)
    .option('--channels <n>', '1 or 3 (default: 1)', integer)
    .option('--epochs <n>', `epochs over the training split (default: ${DEFAULT_CLASSIFIER_EPOCHS})`, positiveInteger)
    .option('--steps <n>', 'stop after N batches instead', positiveInteger)
    .option('--batch-size <n>', 'minibatch (default: 128)', positiveInteger)
    .option('--seed <n>', 'seed (default: 0)', seed)
    .option('--out <dir>', 'where to save it (default: the cache dcgan eval reads)')
    .addOption(backendOption())
    .option('--json', 'print the result as one JSON object on the last line')
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

const f = (x: number, digits = 3) => x.toFixed(digits);

export function evalCommand(): Command {
  return new Command('eval')
    .description("sample quality: FID, KID, Inception-style score, precision/recall, class histogram, memorisation check")
    .requiredOption('--checkpoint <path>', 'a run directory (its latest checkpoint), a checkpoint directory or a checkpoint .zip')
    .option('--dataset <name>', 'reference set (default: what the checkpoint trained on)')
    .option('--data <path>', 'folder of the IDX files, for fashion-mnist and idx')
    .option('--metrics <list>', `comma-separated from ${METRIC_NAMES.join(',')} (default: all)`)
    .option('--n <n>', 'samples and reference images (default: 10000)', positiveInteger)
    .option('--nn-samples <n>', 'samples checked against every training image (default: 500)', positiveInteger)
    .option('--classifier <dir>', 'feature extractor: any TF.js LayersModel with a "features" layer (default: the cached one)')
    .option('--seed <n>', 'samples use the latents of seeds S..S+n-1 (default: 0)', seed)
    .addOption(backendOption())
    .option('--json', 'print the result as one JSON object on the last line')
    .addHelpText('after', '\nExamples:\n  $ dcgan train-classifier --dataset mnist && dcgan eval --checkpoint runs/00000-mnist32\n  $ dcgan eval --checkpoint runs/00000-mnist32 --metrics fid,kid --n 5000 --json')
    .action(async (o) => {
      await useBackend(o.backend);
      const metrics = o.metrics === undefined ? undefined : (o.metrics as string).split(',').map((m) => m.trim());
      const unknown = metrics?.filter((m) => !(METRIC_NAMES as readonly string[]).includes(m)) ?? [];
      if (unknown.length > 0) throw new DcganError(`unknown metric ${unknown.join(', ')}; known: ${METRIC_NAMES.join(', ')}`);
      const r = await evaluate({ ...o, metrics: metrics as MetricName[] | undefined, onProgress: (line) => process.stderr.write(line + '\n') });
      const p = r.protocol;
      const lines = [
        `checkpoint step ${p.step}: ${p.samples} samples (seeds ${p.sampleSeeds}); features: ${p.extractor}` +
          (p.extractorTestAccuracy === null ? '' : ` (test accuracy ${(100 * p.extractorTestAccuracy).toFixed(2)}%)`),
        `reference: ${p.reference}; floor: ${p.floor}`,
      ];
      if (r.fid) lines.push(`  FID        ${f(r.fid.value)}   (floor ${f(r.fid.floor)})`);
      if (r.kid) lines.push(`  KID        ${f(r.kid.value.mean, 5)} +- ${f(r.kid.value.std, 5)}   (floor ${f(r.kid.floor.mean, 5)}; ${r.kid.value.subsetSize}-image subsets x 100)`);
      if (r.is) lines.push(`  IS         ${f(r.is.value.mean)} +- ${f(r.is.value.std)}   (test set ${f(r.is.floor.mean)}; 10 splits)`);
      if (r.pr) lines.push(`  precision  ${f(r.pr.value.precision)}  recall ${f(r.pr.value.recall)}   (floor ${f(r.pr.floor.precision)} / ${f(r.pr.floor.recall)}; k = 3)`);
      if (r.hist) lines.push(`  classes    ${r.hist.value.counts.join(' ')}   KL to uniform ${f(r.hist.value.klToUniform)}, ${r.hist.value.modesCovered} modes covered (test set KL ${f(r.hist.floor.klToUniform)})`);
      if (r.nn) lines.push(`  nearest training image of ${r.nn.samples} samples: median ${f(r.nn.value.median)}, 1% ${f(r.nn.value.p1)}   (test images: median ${f(r.nn.floor.median)}, 1% ${f(r.nn.floor.p1)}; ${r.nn.space})`);
      process.stdout.write(lines.join('\n') + '\n');
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
    });
}
