import { Command, Option } from 'commander';
import { backendOption } from './useBackend.js';
import { DcganError } from '@dcgan-ts/core';
import { spawnSync } from 'node:child_process';
import {
  type BackendChoice,
  BENCH_CASES,
  type BenchCase,
  describeBackend,
  measureOurs,
  measureSgemmPeak,
  measureTorch,
  type OurMeasurement,
  selectBackend,
  type TorchMeasurement,
  torchUnavailable,
} from '@dcgan-ts/node';
import { CLI_ENTRY } from './entry.js';
import { positiveInteger } from './parse.js';

interface BenchOptions {
  steps?: number;
  sizes?: string;
  threads?: number;
  backend?: BackendChoice;
  json?: boolean;
  single?: number;
}

interface CaseResult {
  imageSize: number;
  channels: number;
  ours: OurMeasurement & { gflops: number; fractionOfSgemmPeak: number };
  torch: TorchMeasurement | null;
  ratios: { train: number; sample: number; peakRss: number } | null;
}

const f1 = (x: number) => x.toFixed(1);

function caseFor(size: number): BenchCase {
  const c = BENCH_CASES.find((b) => b.imageSize === size);
  if (!c) throw new DcganError(`--sizes: the benchmark runs ${BENCH_CASES.map((b) => b.imageSize).join(' and ')}, not ${size}`);
  return c;
}

/** Our side of one case in a process of its own, so that its peak RSS is its own. */
function measureInChild(c: BenchCase, o: BenchOptions, backend: string, threads: number): OurMeasurement {
  const args = [CLI_ENTRY, 'bench', '--single', String(c.imageSize), '--steps', String(o.steps ?? 4), '--backend', backend];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, DCGAN_THREADS: String(threads) } });
  const line = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !line) throw new DcganError(`benchmark of ${c.imageSize}x${c.imageSize} failed: ${(r.stderr ?? '').trim().split('\n').pop()}`);
  return JSON.parse(line) as OurMeasurement;
}

export function benchCommand(): Command {
  return new Command('bench')
    .description("speed and memory of the paper's DCGAN (batch 128, ngf = ndf = 64) at 32x32x1 and 64x64x3, beside PyTorch")
    .option('--steps <n>', 'timed training steps and sampling batches per size, after one warm-up (default: 4)', positiveInteger)
    .option('--sizes <list>', 'image sizes to run (default: 32,64)')
    .option('--threads <n>', 'threads for both engines (default: DCGAN_THREADS or 2)', positiveInteger)
    .addOption(backendOption('TF.js backend (default: native)'))
    .addOption(new Option('--single <size>', 'internal: measure one size in this process and print JSON').argParser(Number).hideHelp())
    .option('--json', 'print the results as one JSON object on the last line')
    .addHelpText('after', '\nExamples:\n  $ dcgan bench\n  $ dcgan bench --sizes 64 --steps 8 --json\n\nWork per training image: 0.41 GFLOP at 32x32x1, 2.50 at 64x64x3. Speed is a benchmark, not a test:\nrun it on a quiet machine and repeat it; the ratios come from one run of both engines.')
    .action(async (o: BenchOptions) => {
      const backend = await selectBackend(o.backend ?? 'native');
      if (o.single !== undefined) {
        process.stdout.write(JSON.stringify(await measureOurs(caseFor(o.single), o.steps ?? 4)) + '\n');
        return;
      }
      const threads = o.threads ?? (Number(process.env.DCGAN_THREADS) || 2);
      const sizes = (o.sizes ?? '32,64').split(',').map((s) => Number(s.trim()));
      const cases = sizes.map(caseFor);
      const sgemm = await measureSgemmPeak();
      const engine = describeBackend(backend);
      if (backend.adapter?.software) {
        process.stderr.write(`dcgan: ${engine} is a software adapter: its numbers are a CPU emulating a GPU, not a GPU's\n`);
      }
      const noTorch = torchUnavailable();
      if (noTorch) process.stderr.write(`dcgan: no PyTorch reference: ${noTorch}\n`);
      const results: CaseResult[] = [];
      for (const c of cases) {
        process.stderr.write(`${c.imageSize}x${c.imageSize}x${c.channels}: dcgan-ts (${engine}, ${threads} threads)...\n`);
        const ours = measureInChild(c, o, backend.name, threads);
        let torch: TorchMeasurement | null = null;
        if (!noTorch) {
          process.stderr.write(`${c.imageSize}x${c.imageSize}x${c.channels}: PyTorch...\n`);
          torch = measureTorch(c, o.steps ?? 4, threads);
        }
        const gflops = ours.trainImgPerSec * c.gflopPerImage;
        results.push({
          imageSize: c.imageSize,
          channels: c.channels,
          ours: { ...ours, gflops, fractionOfSgemmPeak: gflops / sgemm },
          torch,
          ratios: torch && {
            train: ours.trainImgPerSec / torch.trainImgPerSec,
            sample: ours.sampleImgPerSec / torch.sampleImgPerSec,
            peakRss: ours.peakRssMb / torch.peakRssMb,
          },
        });
      }
      process.stdout.write(`sgemm peak (1024^3 matmul on ${engine}): ${f1(sgemm)} GFLOP/s; batch 128, ${threads} threads\n`);
      for (const r of results) {
        const t = r.torch;
        process.stdout.write(
          `${r.imageSize}x${r.imageSize}x${r.channels}  train ${f1(r.ours.trainImgPerSec)} img/s (${f1(r.ours.gflops)} GFLOP/s, ${(100 * r.ours.fractionOfSgemmPeak).toFixed(0)}% of sgemm peak)` +
            `  sample ${f1(r.ours.sampleImgPerSec)} img/s  peak RSS ${r.ours.peakRssMb.toFixed(0)} MB` +
            (t && r.ratios
              ? `\n         PyTorch ${t.version}: train ${f1(t.trainImgPerSec)}  sample ${f1(t.sampleImgPerSec)}  peak RSS ${t.peakRssMb.toFixed(0)} MB` +
                `  ->  train x${r.ratios.train.toFixed(2)}  sample x${r.ratios.sample.toFixed(2)}  RSS x${r.ratios.peakRss.toFixed(2)}`
              : '') +
            '\n',
        );
      }
      if (o.json) {
        const adapter = backend.adapter ?? null;
        process.stdout.write(JSON.stringify({ backend: backend.name, adapter, threads, sgemmGflops: sgemm, results }) + '\n');
      }
    });
}
