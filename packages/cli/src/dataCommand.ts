import { Command } from 'commander';
import { DEFAULT_MODEL_CONFIG, DcganError, Rng, RngStream, makeGrid, validateModelConfig } from '@dcgan-ts/core';
import { resolveDatasetSource, writePng } from '@dcgan-ts/node';
import { type DataCliOptions, addImageOptions, addShapeOptions, addSourceOptions } from './dataOptions.js';
import { dataNotes, dataProgressPrinter } from './dataReport.js';
import { positiveInteger, seed } from './parse.js';

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
    .option('--json', 'print the result as one JSON object on the last line')
    .addHelpText('after', EXAMPLES)
    .action(async (o: PreviewCliOptions) => {
      const source = await resolveDatasetSource(o);
      const dataset = source.name;
      const imageSize = o.imageSize ?? source.imageSize ?? DEFAULT_MODEL_CONFIG.imageSize;
      const channels = o.channels ?? source.channels;
      validateModelConfig({ ...DEFAULT_MODEL_CONFIG, imageSize, channels });
      const s = o.seed ?? 0;
      const { crop, flip, background, strict } = o;
      const loaded = await source.open({ imageSize, channels, seed: s, crop, flip, background, strict, onProgress: dataProgressPrinter() });
      for (const line of dataNotes({ ...loaded, path: loaded.path ?? null, crop: null, flip: false, background: null, strict: false, classes: null })) {
        process.stderr.write(`dcgan: ${line}\n`);
      }
      const data = loaded.dataset;
      const n = Math.min(o.n ?? 64, data.size);
      if (n === 0) throw new DcganError('the dataset is empty');
      const indices = Rng.derive(s, RngStream.unnamed).permutation(data.size).subarray(0, n);
      const batch = new Float32Array(n * imageSize * imageSize * channels); // (n, S, S, C) in [-1, 1]
      data.fillBatch(indices, batch);
      let min = Infinity;
      let max = -Infinity;
      for (const v of batch) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const out = o.out ?? 'preview.png';
      await writePng(out, makeGrid(batch, n, imageSize, imageSize, channels));
      const labels = loaded.labels ? Array.from(indices, (i) => loaded.labels![i]!) : null;
      const result = { out, dataset, size: data.size, shape: [n, imageSize, imageSize, channels], min, max, indices: Array.from(indices), labels, classes: loaded.classes ?? null };
      process.stdout.write(
        `${data.size} images (${dataset}); wrote ${n} as ${out}: batch (${result.shape.join(', ')}) in [${min.toFixed(3)}, ${max.toFixed(3)}]` +
          `${labels ? `, labels ${labels.slice(0, 16).join(' ')}${n > 16 ? ' ...' : ''}` : ''}\n`,
      );
      if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
    });
}

export function dataCommand(): Command {
  return new Command('data')
    .description('look at training data: `dcgan data preview` (see also `dcgan prepare`, `dcgan download`)')
    .addCommand(previewCommand());
}
