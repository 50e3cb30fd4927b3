import { Command, InvalidArgumentError, Option } from 'commander';
import { arithmetic, type BackendChoice, interpolate, project, sweep } from '@dcgan-ts/node';
import { countProgressPrinter } from './countProgress.js';
import { integer, positiveInteger, positiveNumber, seed } from './parse.js';
import { backendOption, useBackend } from './useBackend.js';
import { checkpointOption, noEmaOption, jsonOption } from './sharedOptions.js';

/** Shared by the commands that only run G: --checkpoint, --backend, --json. */
function generatorCommand(name: string, description: string, examples: string): Command {
  return new Command(name)
    .description(description)
    .addOption(checkpointOption())
    .addOption(noEmaOption())
    .option('--class <k>', 'a class-conditional model (train --conditional): the class every image is drawn in, an index or a name of its classes')
    .addOption(backendOption())
    .addOption(jsonOption())
    .addHelpText('after', `\nExamples:\n${examples}`);
}

async function withBackend<T extends object>(options: { backend?: BackendChoice; json?: boolean }, work: () => Promise<T>, say: (r: T) => string): Promise<void> {
  await useBackend(options.backend);
  const result = await work();
  process.stdout.write(say(result) + '\n');
  if (options.json) process.stdout.write(JSON.stringify(result) + '\n');
}

export function interpolateCommand(): Command {
  return generatorCommand(
    'interpolate',
    'walk through latent points (paper Figure 4): a PNG with one row per segment, or an animated GIF',
    `  $ dcgan interpolate --checkpoint runs/00000-mnist32                       # seeds 0..8, 8 steps each, slerp -> walk.png
  $ dcgan interpolate --checkpoint runs/00000-mnist32 --seeds 3,17,42,3 --steps 16 --out loop.gif
  $ dcgan interpolate --checkpoint runs/00000-mnist32 --seeds 3,smile.json --mode lerp`,
  )
    .option('--seeds <list>', 'points: seeds or z files saved by the studio, comma-separated (default: 0..8)')
    .option('--steps <n>', 'frames per segment (default: 8)', positiveInteger)
    .addOption(new Option('--mode <mode>', 'interpolation (default: slerp)').choices(['slerp', 'lerp']))
    .option('--out <file>', 'walk.png or walk.gif (default: walk.png)')
    .option('--delay <ms>', 'GIF frame time (default: 80)', positiveInteger)
    .action(async (o) =>
      withBackend(
        o,
        () => interpolate({ ...o, delayMs: o.delay }),
        (r) => `${r.frames} frames through ${r.points} points -> ${r.file}`,
      ),
    );
}

export function arithmeticCommand(): Command {
  return generatorCommand(
    'arithmetic',
    'vector arithmetic on averaged z (paper Figure 7): mean(A) - mean(B) + mean(C), with 8 noisy neighbours',
    `  $ dcgan arithmetic --checkpoint runs/00000-mnist32 --a 3,17,42 --b 5,8,13 --c 21,34,55
  $ dcgan arithmetic --checkpoint runs/faces --a smile1.json,smile2.json,smile3.json --b 1,2,3 --c 4,5,6 --out man-smiling.png`,
  )
    .requiredOption('--a <list>', 'group A: seeds or z files, comma-separated')
    .requiredOption('--b <list>', 'group B, subtracted')
    .requiredOption('--c <list>', 'group C, added')
    .option('--out <file>', 'PNG (default: arithmetic.png)')
    .option('--radius <x>', "neighbours' uniform noise on z (default: 0.25)", positiveNumber)
    .option('--seed <n>', "seed of the neighbours' noise (default: 0)", seed)
    .action(async (o) => withBackend(o, () => arithmetic(o), (r) => `A - B + C -> ${r.file}`));
}

/** `--dim 12` or `--dim all`; the index's range is checked against the model's nz once it is loaded. */
function dimension(value: string): number | 'all' {
  if (value === 'all') return 'all';
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("give a dimension index (a whole number from 0) or 'all'.");
  return Number(value);
}

export function sweepCommand(): Command {
  return generatorCommand(
    'sweep',
    'vary one latent dimension at a time from -range to +range: a PNG grid (rows: dimensions) or a GIF',
    `  $ dcgan sweep --checkpoint runs/00000-mnist32 --seed 7 --dim 12
  $ dcgan sweep --checkpoint runs/00000-mnist32 --seed 7 --dim all --out dims.gif`,
  )
    .option('--seed <seed-or-file>', 'the base latent: a seed or a z file (default: 0)')
    .requiredOption('--dim <d>', "a dimension index, or 'all'", dimension)
    .option('--steps <n>', 'values per dimension (default: 9)', integer)
    .option('--range <x>', 'sweep over [-x, x] (default: 2 for normal z, 1 for uniform)', positiveNumber)
    .option('--out <file>', 'sweep.png or sweep.gif (default: sweep.png)')
    .action(async (o) =>
      withBackend(
        o,
        () => sweep(o),
        (r) => `${r.dims} dimension(s) x ${r.values.length} values -> ${r.file}`,
      ),
    );
}

export function projectCommand(): Command {
  return generatorCommand(
    'project',
    "find the z whose image reconstructs a real one (StyleGAN2's projector, with D's features): z.json for interpolate, arithmetic and the studio",
    `  $ dcgan project --checkpoint runs/00000-mnist32 --image my-digit.png          # -> projection/z.json, reconstruction.png, optimisation.gif
  $ dcgan project --checkpoint runs/faces@best --image me.jpg --crop 108 --steps 2000 --out me/
  $ dcgan arithmetic --checkpoint runs/faces@best --a me/z.json --b 1,2,3 --c 4,5,6   # vector arithmetic on your own photo`,
  )
    .requiredOption('--image <file>', 'the image to reconstruct (PNG, JPEG, WebP, ...), cut and resized as training folders are')
    .option('--steps <n>', 'optimisation steps (default: 1000)', positiveInteger)
    .option('--starts <n>', 'random starts optimised together; the best wins (default: 8)', positiveInteger)
    .option('--seed <n>', 'seed of the random starts (default: 0)', seed)
    .option('--feature-weight <x>', "weight of D's features against pixels (default: 1; 0: pixels only)", (v) => (v === '0' ? 0 : positiveNumber(v)))
    .option('--crop <n>', 'cut the centre NxN square before resizing (as train --crop)', positiveInteger)
    .option('--out <dir>', 'output folder (default: projection)')
    .action(async (o) => {
      const progress = countProgressPrinter('projecting', 'steps');
      await withBackend(
        o,
        () => project({ ...o, onProgress: (step, steps) => progress(step, steps) }),
        (r) =>
          `reconstruction RMSE ${r.rmse.toFixed(2)} (0-255), best of ${r.starts} random starts before optimising ${r.startRmse.toFixed(2)} -> ` +
          `${r.files.z}, ${r.files.reconstruction}, ${r.files.animation}${r.ema ? " (moving average of G's weights)" : ''}`,
      );
    });
}
