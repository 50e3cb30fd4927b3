import { Command, InvalidArgumentError, Option } from 'commander';
import { ablate, extractFeatures, probe, visualize } from '@dcgan-ts/node';
import { CHECKPOINT_DATA_HELP, LABELLED_DATASET_HELP } from './dataOptions.js';
import { positiveInteger, positiveNumber, seed } from './parse.js';
import { backendOption, useBackend } from './useBackend.js';
import { checkpointOption, noEmaOption, jsonOption } from './sharedOptions.js';

/** `--filters 3,7,12`: indices, comma-separated; their range is checked against the layer once it is known. */
function indexList(value: string): number[] {
  return value.split(',').map((v) => {
    if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError(`${v.trim() === '' ? 'an empty entry' : `'${v.trim()}'`} is not an index (a whole number from 0).`);
    return Number(v);
  });
}

export function visualizeCommand(): Command {
  return new Command('visualize')
    .description("what D's filters respond to: guided backpropagation on real test images (paper Figure 5)")
    .addOption(checkpointOption())
    .requiredOption('--layer <n>', "D's block, from 1 (the first strided conv)", positiveInteger)
    .requiredOption('--filters <list>', 'filter indices, comma-separated', indexList)
    .option('--n <n>', 'test images, one column each (default: 8)', positiveInteger)
    .option('--dataset <name>', `${LABELLED_DATASET_HELP}, its test images (default: the checkpoint's)`)
    .option('--data <path>', CHECKPOINT_DATA_HELP)
    .option('--out <file>', 'PNG (default: filters.png): first row the images, then one row per filter')
    .addOption(backendOption())
    .addHelpText('after', '\nExamples:\n  $ dcgan visualize --checkpoint runs/00000-mnist32 --layer 3 --filters 0,1,2,3')
    .action(async (o) => {
      await useBackend(o.backend);
      const r = await visualize(o);
      process.stdout.write(`${r.rows - 1} filters x ${r.columns} images -> ${r.file}\n`);
    });
}

export function ablateCommand(): Command {
  return new Command('ablate')
    .description("samples with chosen G feature maps zeroed at every position (paper section 6.3.1), under the originals")
    .addOption(checkpointOption())
    .addOption(noEmaOption())
    .requiredOption('--layer <n>', "G's block, from 1 (the 4x4 projection)", positiveInteger)
    .requiredOption('--maps <list>', 'feature map indices, comma-separated', indexList)
    .option('--n <n>', 'samples (default: 8)', positiveInteger)
    .option('--seed <n>', 'samples use seeds S..S+n-1 (default: 0)', seed)
    .option('--out <file>', 'PNG (default: ablation.png): originals above, ablated below')
    .addOption(backendOption())
    .addHelpText('after', '\nExamples:\n  $ dcgan ablate --checkpoint runs/00000-mnist32 --layer 2 --maps 0,5,9,17')
    .action(async (o) => {
      await useBackend(o.backend);
      const r = await ablate(o);
      process.stdout.write(`${r.samples} samples, original and ablated -> ${r.file}\n`);
    });
}

export function probeCommand(): Command {
  return new Command('probe')
    .description("which of G's feature maps draw what you boxed (paper section 6.3.1): a logistic regression on a block's activations")
    .addOption(checkpointOption())
    .addOption(noEmaOption())
    .requiredOption('--layer <n>', "G's block, from 1 (the 4x4 projection)", positiveInteger)
    .requiredOption(
      '--masks <dir|file>',
      'a folder of seed-NNNNNN.png masks (white = inside, the size of G\'s images; `dcgan sample --separate` names the images so), or a JSON file {"<seed>": [[x0, y0, x1, y1], ...]} of boxes in pixels',
    )
    .option('--seeds <list>', 'seeds to use, comma-separated (default: every seed with a mask)', indexList)
    .option('--top <k>', 'maps the suggested dcgan ablate drops: the K largest positive weights (default: 5)', positiveInteger)
    .option('--l2 <lambda>', 'L2 strength of the logistic regression (default: 1)', positiveNumber)
    .addOption(jsonOption())
    .addOption(backendOption())
    .addHelpText(
      'after',
      `
Examples:
  $ dcgan sample --checkpoint runs/00001-bedrooms64 --n 100 --separate samples/   # then paint the boxes, white on black, into masks/
  $ dcgan probe --checkpoint runs/00001-bedrooms64 --layer 4 --masks masks/
  $ dcgan probe --checkpoint runs/00001-bedrooms64 --layer 4 --masks boxes.json --top 10 --json`,
    )
    .action(async (o) => {
      await useBackend(o.backend);
      const r = await probe(o);
      const p = r.protocol;
      const lines = [
        `block ${p.layer}: ${p.maps} maps at ${p.resolution}x${p.resolution}, ${p.seeds.length} images, ${p.insidePositions} of ${p.positions} positions inside a box`,
        `fit: accuracy ${(100 * r.accuracy).toFixed(1)}% (inside base rate ${((100 * p.insidePositions) / p.positions).toFixed(1)}%), AUC ${r.auc.toFixed(3)}`,
        'map  weight',
        ...r.ranking.slice(0, Math.max(10, r.drop.length)).map((m) => `${String(m.map).padStart(3)}  ${m.weight >= 0 ? ' ' : ''}${m.weight.toFixed(4)}`),
        r.drop.length > 0 ? `drop them: ${r.ablate}` : 'no map has a positive weight: nothing to drop',
      ];
      process.stdout.write(lines.join('\n') + '\n');
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
    });
}

export function featuresCommand(): Command {
  return new Command('features')
    .description("D's features of a labelled split, as the paper's section 5 builds them, saved as float32 + JSON")
    .addOption(checkpointOption())
    .option('--dataset <name>', `${LABELLED_DATASET_HELP} (default: the checkpoint's)`)
    .option('--data <path>', CHECKPOINT_DATA_HELP)
    .addOption(new Option('--split <split>', 'train or test (default: train)').choices(['train', 'test']))
    .option('--n <n>', 'first N images (default: all)', positiveInteger)
    .requiredOption('--out <file>', 'FILE.f32 (features) and FILE.json (shape, labels, protocol)')
    .addOption(backendOption())
    .addHelpText('after', '\nExamples:\n  $ dcgan features --checkpoint runs/00000-mnist32 --split test --out mnist-test.f32')
    .action(async (o) => {
      await useBackend(o.backend);
      const r = await extractFeatures(o);
      process.stdout.write(`${r.count} x ${r.dims} features -> ${r.files.join(', ')}\n`);
    });
}
