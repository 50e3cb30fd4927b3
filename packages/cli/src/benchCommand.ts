import { Command, InvalidArgumentError } from 'commander';
import { type BackendChoice, type PrecisionChoice, runBenchmark, TORCH_MODES, type TorchMode } from '@dcgan-ts/node';
import { positiveInteger } from './parse.js';
import { backendOption, precisionOption } from './useBackend.js';
import { jsonOption } from './sharedOptions.js';

interface BenchOptions {
  steps?: number;
  sizes?: string;
  threads?: number;
  backend?: BackendChoice;
  precision?: PrecisionChoice;
  torchModes?: TorchMode[];
  json?: boolean;
}

/** `--torch-modes default,bf16`: a comma-separated list of PyTorch's CPU modes. */
function torchModeList(value: string): TorchMode[] {
  const modes = value.split(',').map((m) => m.trim());
  for (const m of modes) {
    if (!(TORCH_MODES as readonly string[]).includes(m)) throw new InvalidArgumentError(`${m === '' ? 'an empty mode' : `'${m}'`} is not one of ${TORCH_MODES.join(', ')}.`);
  }
  return [...new Set(modes)] as TorchMode[];
}

const f1 = (x: number) => x.toFixed(1);

export function benchCommand(): Command {
  return new Command('bench')
    .description("speed and memory of the paper's DCGAN (batch 128, ngf = ndf = 64) at 32x32x1 and 64x64x3, beside PyTorch")
    .option('--steps <n>', 'timed training steps and sampling batches per size, after one warm-up (default: 4)', positiveInteger)
    .option('--sizes <list>', 'image sizes to run (default: 32,64)')
    .option('--threads <n>', 'threads for both engines (default: DCGAN_THREADS or 2)', positiveInteger)
    .addOption(backendOption('TF.js backend (default: native)'))
    .addOption(precisionOption('fp32, bf16, or auto: fp32 and, where the CPU has bf16 instructions, bf16 beside it'))
    .option('--torch-modes <list>', `PyTorch's CPU modes to time, of ${TORCH_MODES.join(', ')} (default: all, bf16 only where the CPU has bf16 instructions)`, torchModeList)
    .addOption(jsonOption('the results'))
    .addHelpText('after', '\nExamples:\n  $ dcgan bench\n  $ dcgan bench --sizes 64 --steps 8 --json\n  $ dcgan bench --precision bf16 --sizes 64\n\nWork per training image: 0.41 GFLOP at 32x32x1, 2.50 at 64x64x3. Speed is a benchmark, not a test:\nrun it on a quiet machine and repeat it; the ratios come from one run of both engines.')
    .action(async (o: BenchOptions) => {
      const sizes = o.sizes === undefined ? undefined : o.sizes.split(',').map((s) => Number(s.trim()));
      const say = (line: string) => process.stderr.write(line.endsWith('...') ? `${line}\n` : `dcgan: ${line}\n`);
      const bench = await runBenchmark({ sizes, steps: o.steps, threads: o.threads, backend: o.backend, precision: o.precision, torchModes: o.torchModes, onProgress: say });
      const m = bench.machine;
      process.stdout.write(`machine: ${m.cpu}, ${m.cores} cores, ${m.isa.length > 0 ? m.isa.join(' ') : 'ISA unknown'}\n`);
      process.stdout.write(`sgemm peak (1024^3 matmul on ${bench.engine}): ${f1(bench.sgemmGflops)} GFLOP/s; batch 128, ${bench.threads} threads\n`);
      for (const r of bench.results) {
        process.stdout.write(
          `${r.imageSize}x${r.imageSize}x${r.channels}` +
            r.oursByPrecision
              .map(
                (o) =>
                  `\n         dcgan-ts ${o.precision}: train ${f1(o.trainImgPerSec)} img/s (${f1(o.gflops)} GFLOP/s, ${(100 * o.fractionOfSgemmPeak).toFixed(0)}% of sgemm peak)` +
                  `  sample ${f1(o.sampleImgPerSec)} img/s  peak RSS ${o.peakRssMb.toFixed(0)} MB` +
                  (o.ratios ? `  (x${o.ratios.train.toFixed(2)} / x${o.ratios.sample.toFixed(2)} / RSS x${o.ratios.peakRss.toFixed(2)} of PyTorch's best)` : ''),
              )
              .join('') +
            r.torchModes
              .map(
                (t) =>
                  `\n         PyTorch ${t.version} ${t.mode.padEnd(13)}: train ${f1(t.trainImgPerSec)}  sample ${f1(t.sampleImgPerSec)}  peak RSS ${t.peakRssMb.toFixed(0)} MB` +
                  (t === r.torch ? '  (fastest training mode)' : ''),
              )
              .join('') +
            (r.ratios
              ? `\n         against PyTorch's best, dcgan-ts in ${r.ours.precision}: train x${r.ratios.train.toFixed(2)}  sample x${r.ratios.sample.toFixed(2)}  RSS x${r.ratios.peakRss.toFixed(2)}`
              : '') +
            '\n',
        );
      }
      if (o.json) {
        const { engine, ...result } = bench;
        process.stdout.write(JSON.stringify(result) + '\n');
      }
    });
}
