import { DcganError } from '@dcgan-ts/core';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type BackendChoice, type BackendName, describeBackend, selectBackend } from '../backend.js';
import { type Precision, type PrecisionChoice, selectPrecision } from '../precision.js';
import type { WebgpuAdapterInfo } from '../webgpu.js';
import {
  type BenchCase,
  caseForSize,
  measureSgemmPeak,
  measureTorch,
  type OurMeasurement,
  TORCH_MODES,
  type TorchMeasurement,
  type TorchMode,
  torchUnavailable,
} from './benchmark.js';

/** `dcgan bench`'s settings. */
export interface BenchmarkRequest {
  /** Image sizes of BENCH_CASES to run (default 32 and 64). */
  sizes?: number[];
  /** Timed training steps and sampling batches per size, after one warm-up (default 4). */
  steps?: number;
  /** Threads for both engines (default DCGAN_THREADS, else 2). */
  threads?: number;
  /** dcgan-ts's backend (default native). */
  backend?: BackendChoice;
  /**
   * dcgan-ts's precision: auto (default) measures fp32 and, where the backend and CPU run it, bf16 beside it; fp32
   * or bf16 that one alone (bf16 fails where it cannot run).
   */
  precision?: PrecisionChoice;
  /**
   * PyTorch's modes to time (default: `defaultTorchModes` of this machine: bf16 autocast only where the CPU has
   * bf16 instructions).
   */
  torchModes?: TorchMode[];
  /** A line per stage ("64x64x3: PyTorch..."), and what the user should know (a software adapter, no PyTorch). */
  onProgress?(line: string): void;
}

/** One case measured: dcgan-ts's speed and memory, PyTorch's on the same CPU in the same run, and their ratios. */
export interface BenchmarkCaseResult {
  imageSize: number;
  channels: number;
  /** dcgan-ts at the run's headline precision: bf16 when it was measured, else fp32. */
  ours: OurPrecisionMeasurement;
  /** dcgan-ts at every precision measured (fp32 first), each with its ratios to PyTorch's best. */
  oursByPrecision: (OurPrecisionMeasurement & { ratios: BenchmarkRatios | null })[];
  /** PyTorch in its fastest training mode of those timed; null without PyTorch. */
  torch: TorchMeasurement | null;
  /** PyTorch in every mode measured. */
  torchModes: TorchMeasurement[];
  /**
   * Ours over PyTorch's best (> 1: faster; for memory: more): training against its fastest training mode, sampling
   * against its fastest sampling mode, peak RSS against the fastest training mode's. Null without PyTorch.
   */
  ratios: BenchmarkRatios | null;
}

/** dcgan-ts's measurement at one precision, with the GFLOP/s its training speed means. */
export type OurPrecisionMeasurement = OurMeasurement & { precision: Precision; gflops: number; fractionOfSgemmPeak: number };

/** Ours over PyTorch's best: > 1 is faster (for memory: more). */
export interface BenchmarkRatios {
  train: number;
  sample: number;
  peakRss: number;
}

/** The CPU every number was measured on: vendor and model as the OS names it, and the ISA extensions that matter. */
export interface BenchmarkMachine {
  cpu: string;
  cores: number;
  /** Of avx2, avx512f, avx512_bf16, amx_bf16, amx_tile: those /proc/cpuinfo lists (empty where it cannot be read). */
  isa: string[];
}

/** What `dcgan bench` measured, as `--json` prints it. */
export interface BenchmarkResult {
  backend: string;
  adapter: WebgpuAdapterInfo | null;
  /** The backend in words, with its adapter. */
  engine: string;
  threads: number;
  machine: BenchmarkMachine;
  /** A 1024^3 float32 matmul on the backend: the ceiling the GFLOP/s are read against. */
  sgemmGflops: number;
  results: BenchmarkCaseResult[];
}

/** The ISA extensions that decide what runs fast here: AVX2/AVX-512 for fp32, AVX512-BF16 and AMX for bf16. */
const ISA_FLAGS = ['avx2', 'avx512f', 'avx512_bf16', 'amx_bf16', 'amx_tile'];

/** This machine's CPU, named beside every number (a ratio from one CPU does not carry over to another). */
export function benchmarkMachine(): BenchmarkMachine {
  let flags: string[] = [];
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    flags = line?.split(':')[1]?.trim().split(/\s+/) ?? [];
  } catch {
    // Not Linux: the model name alone.
  }
  return { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism(), isa: ISA_FLAGS.filter((f) => flags.includes(f)) };
}

/** The ISA extensions on which PyTorch's bf16 autocast (oneDNN inside) runs bf16 natively. */
const BF16_ISA = ['avx512_bf16', 'amx_bf16'];

/**
 * The PyTorch modes worth timing on `machine`: NCHW and channels_last always; bf16 autocast only where the CPU has
 * bf16 instructions. Elsewhere PyTorch 1.13 emulates bf16 and no user would pick it: on an AVX2 AMD EPYC it trained
 * at 1/3 of its fp32 speed (9.9 vs 33.0 img/s at 32x32x1, 1.6 vs 5.1 at 64x64x3) and took 20 of the bench's 25
 * minutes. Where the CPU's flags are unknown (no /proc/cpuinfo: `isa` empty), all three.
 */
export function defaultTorchModes(machine: BenchmarkMachine): TorchMode[] {
  const bf16 = machine.isa.length === 0 || machine.isa.some((f) => BF16_ISA.includes(f));
  return TORCH_MODES.filter((mode) => mode !== 'bf16' || bf16);
}

const MEASURE_CASE = fileURLToPath(new URL('./measureCase.js', import.meta.url));

/** Our side of one case in a child process, so that its peak RSS is its own. */
function measureInChild(c: BenchCase, steps: number, backend: string, precision: Precision, threads: number): OurMeasurement {
  const r = spawnSync(process.execPath, [MEASURE_CASE, String(c.imageSize), String(steps), backend, precision], {
    encoding: 'utf8',
    env: { ...process.env, DCGAN_THREADS: String(threads) },
  });
  const line = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !line) throw new DcganError(`benchmark of ${c.imageSize}x${c.imageSize} in ${precision} failed: ${(r.stderr ?? '').trim().split('\n').pop()}`);
  return JSON.parse(line) as OurMeasurement;
}

/**
 * `dcgan bench`: the paper's DCGAN (batch 128, ngf = ndf = 64) trained and sampled at each size on the chosen backend,
 * each size in its own process, beside PyTorch on the same CPU and threads in the same run, in each of its CPU modes
 * (NCHW, channels_last, bf16 autocast), the fastest being the reference (the machine is shared and noisy: only ratios
 * from one run compare, and only on the CPU named).
 */
export async function runBenchmark(request: BenchmarkRequest = {}): Promise<BenchmarkResult> {
  const say = request.onProgress ?? (() => {});
  const steps = request.steps ?? 4;
  const cases = (request.sizes ?? [32, 64]).map(caseForSize);
  const backend = await selectBackend(request.backend ?? 'native');
  const threads = request.threads ?? (Number(process.env.DCGAN_THREADS) || 2);
  const sgemm = await measureSgemmPeak();
  const engine = describeBackend(backend);
  if (backend.adapter?.software) say(`${engine} is a software adapter: its numbers are a CPU emulating a GPU, not a GPU's`);
  const precisions = await benchPrecisions(request.precision ?? 'auto', backend.name, say);
  const machine = benchmarkMachine();
  const noTorch = torchUnavailable();
  if (noTorch) say(`no PyTorch reference: ${noTorch}`);
  const torchModes = request.torchModes ?? defaultTorchModes(machine);
  if (!noTorch && request.torchModes === undefined && !torchModes.includes('bf16')) {
    say('PyTorch bf16 autocast not timed: this CPU has no AVX512-BF16 or AMX-BF16, PyTorch would emulate bf16 (slower than its fp32); --torch-modes default,channels_last,bf16 times it anyway');
  }
  const results: BenchmarkCaseResult[] = [];
  for (const c of cases) {
    const shape = `${c.imageSize}x${c.imageSize}x${c.channels}`;
    const measured = precisions.map((precision) => {
      say(`${shape}: dcgan-ts (${engine} ${precision}, ${threads} threads)...`);
      const m = measureInChild(c, steps, backend.name, precision, threads);
      const gflops = m.trainImgPerSec * c.gflopPerImage;
      return { ...m, precision, gflops, fractionOfSgemmPeak: gflops / sgemm };
    });
    const torchMeasured: TorchMeasurement[] = [];
    if (!noTorch) {
      for (const mode of torchModes) {
        say(`${shape}: PyTorch (${mode})...`);
        try {
          torchMeasured.push(measureTorch(c, steps, threads, mode));
        } catch (e) {
          // A mode this CPU or PyTorch build cannot run (bf16 without the instructions) leaves the others to compare with.
          say(`${(e as Error).message}; left out of the comparison`);
        }
      }
    }
    const fastest = (key: 'trainImgPerSec' | 'sampleImgPerSec') =>
      torchMeasured.reduce<TorchMeasurement | null>((best, t) => (best === null || t[key] > best[key] ? t : best), null);
    const torch = fastest('trainImgPerSec');
    const torchSample = fastest('sampleImgPerSec');
    const ratios = (ours: OurMeasurement): BenchmarkRatios | null =>
      torch && torchSample && {
        train: ours.trainImgPerSec / torch.trainImgPerSec,
        sample: ours.sampleImgPerSec / torchSample.sampleImgPerSec,
        peakRss: ours.peakRssMb / torch.peakRssMb,
      };
    const headline = measured[measured.length - 1]!;
    results.push({
      imageSize: c.imageSize,
      channels: c.channels,
      ours: headline,
      oursByPrecision: measured.map((m) => ({ ...m, ratios: ratios(m) })),
      torch,
      torchModes: torchMeasured,
      ratios: ratios(headline),
    });
  }
  return { backend: backend.name, adapter: backend.adapter ?? null, engine, threads, machine, sgemmGflops: sgemm, results };
}

/**
 * The precisions a bench measures: the one asked, or for auto fp32 and, where it runs (native on a CPU with bf16
 * instructions), bf16 beside it; where it does not, a line saying why fp32 alone.
 */
async function benchPrecisions(choice: PrecisionChoice, backend: BackendName, say: (line: string) => void): Promise<Precision[]> {
  const probe = await selectPrecision(choice, backend); // fails here, once, for a bf16 that cannot run
  await selectPrecision('fp32', backend); // the parent process computes the sgemm reference in fp32
  if (choice !== 'auto') return [choice];
  if (probe.name === 'fp32') {
    say(`fp32 only: ${probe.note.replace(/^precision fp32: /, '')}`);
    return ['fp32'];
  }
  return ['fp32', 'bf16'];
}
