// Typed facade over the oneDNN addon (csrc/), and the loader that finds it.
//
// The addon is optional at install time (no oneDNN -> no build), so loading never throws: it
// returns either the addon or one line saying what failed and how to fix it, in the style of
// sharp / better-sqlite3.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Operation codes; keep in sync with the enums in csrc/elementwise.cc and csrc/reduce.cc. */
export const BinaryOp = { Add: 0, Sub: 1, Mul: 2, RealDiv: 3, Maximum: 4, Minimum: 5, SquaredDifference: 6 } as const;
export type BinaryOp = (typeof BinaryOp)[keyof typeof BinaryOp];

export const UnaryOp = {
  Relu: 0, LeakyRelu: 1, Tanh: 2, Sigmoid: 3, Exp: 4, Log: 5, Log1p: 6, Softplus: 7, Sqrt: 8, Rsqrt: 9,
  Square: 10, Neg: 11, Abs: 12, Step: 13, Relu6: 14, Elu: 15, Reciprocal: 16,
} as const;
export type UnaryOp = (typeof UnaryOp)[keyof typeof UnaryOp];

export const CompareOp = { Greater: 0, GreaterEqual: 1, Less: 2, LessEqual: 3, Equal: 4, NotEqual: 5 } as const;
export type CompareOp = (typeof CompareOp)[keyof typeof CompareOp];

export const ReduceOp = { Sum: 0, Mean: 1, Max: 2, Min: 3 } as const;
export type ReduceOp = (typeof ReduceOp)[keyof typeof ReduceOp];

/**
 * Conv geometry, 17 integers: N, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW,
 * dilationH, dilationW, padTop, padBottom, padLeft, padRight (see kernels/conv_util.ts).
 */
export type ConvGeometry = readonly number[];

/**
 * The addon's entry points. Every array argument is read or written in place; outputs are
 * preallocated by the caller with the exact element count (the addon checks and throws otherwise).
 */
export interface NativeAddon {
  info(): { onednn: string; cpuRuntime: string; threads: number };
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** y [N,oH,oW,outC] = conv(x [N,H,W,inC], filter [fH,fW,inC,outC]). */
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, geometry: ConvGeometry): void;
  /** dx [N,H,W,inC] from dy [N,oH,oW,outC] and filter [fH,fW,inC,outC]. */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: ConvGeometry): void;
  /** dfilter [fH,fW,inC,outC] from x [N,H,W,inC] and dy [N,oH,oW,outC]. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dfilter: Float32Array, geometry: ConvGeometry): void;
  /**
   * 'bf16': every convolution reads bf16 copies of its float32 inputs (rounded to nearest even) and accumulates and
   * writes float32; 'fp32' (the default): float32 throughout. Throws for 'bf16' on a CPU without bf16 instructions.
   */
  setConvPrecision(precision: 'fp32' | 'bf16'): void;
  getConvPrecision(): 'fp32' | 'bf16';
  /** The bf16 instructions oneDNN found on this CPU: 'amx' (AMX-BF16), 'avx512_bf16', or '' for none. */
  bf16Isa(): '' | 'avx512_bf16' | 'amx';
  /** y = float32(bf16(x)): what a bf16 convolution reads of x. */
  toBf16RoundTrip(x: Float32Array, y: Float32Array): void;
  /** Number of cached convolution primitives (one per geometry, direction and precision). */
  convCacheSize(): number;
  binary(op: BinaryOp, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[],
    out: Float32Array, outShape: readonly number[]): void;
  /** out (bool, one byte per element) = a <op> b with broadcasting. */
  compare(op: CompareOp, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[],
    out: Uint8Array, outShape: readonly number[]): void;
  /** out = cond ? t : e, all of one size. */
  select(cond: Uint8Array, t: Float32Array, e: Float32Array, out: Float32Array): void;
  /** out [shape[d] * reps[d]] = x tiled. */
  tile(x: Float32Array, shape: readonly number[], reps: readonly number[], out: Float32Array): void;
  /** out may be x itself. alpha: LeakyRelu's slope, Step's value at x <= 0; ignored otherwise. */
  unary(op: UnaryOp, x: Float32Array, out: Float32Array, alpha: number): void;
  /** axes: sorted, unique, non-empty reduction; out holds the kept dims in order. */
  reduce(op: ReduceOp, x: Float32Array, shape: readonly number[], axes: readonly number[], out: Float32Array): void;
  transpose(x: Float32Array, shape: readonly number[], perm: readonly number[], out: Float32Array): void;
  /** params: [batchA, batchB, M, K, N, transposeA (0|1), transposeB (0|1)]. */
  batchMatMul(a: Float32Array, b: Float32Array, c: Float32Array, params: readonly number[]): void;
  batchNorm(x: Float32Array, mean: Float32Array, variance: Float32Array, offset: Float32Array | null,
    scale: Float32Array | null, varianceEpsilon: number, out: Float32Array): void;
  /**
   * Training-mode batch norm over all dims but the last (C): y, and the batch mean/variance [C]. With alpha, y is
   * the (leaky) ReLU of it: alpha 0 for ReLU, the slope for LeakyReLU.
   */
  batchNormTraining(x: Float32Array, scale: Float32Array | null, offset: Float32Array | null, varianceEpsilon: number,
    y: Float32Array, mean: Float32Array, variance: Float32Array, alpha?: number): void;
  /** One Adam step: scalars [b1, 1-b1, b2, 1-b2, sqrtCorrection2, eps, stepSize] (see csrc/adam.cc). */
  adamUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
    paramOut: Float32Array, mOut: Float32Array, vOut: Float32Array, scalars: readonly number[]): void;
  /** (Leaky) ReLU's gradient from its output: dx = y > 0 ? dy : dy * alpha (csrc/activation_grad.cc). */
  reluGradFromOutput(dy: Float32Array, y: Float32Array, dx: Float32Array, alpha: number): void;
  /** Its full gradient: dx, dscale [C], doffset [C]; with y (the activation's output) and alpha, through both. */
  batchNormTrainingGrad(dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array,
    scale: Float32Array | null, varianceEpsilon: number, dx: Float32Array, dscale: Float32Array, doffset: Float32Array,
    y?: Float32Array, alpha?: number): void;
}

export type LoadResult = { ok: true; addon: NativeAddon; path: string } | { ok: false; reason: string; fix: string };

/** Building from source: oneDNN's headers, then the package's install script (which npm 11 runs only if allowed). */
export const FIX = 'apt-get install -y libdnnl-dev && npm rebuild @dcgan-ts/native';

// dist/src/binding.js -> the package root is two levels up.
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The platforms with a prebuilt addon: an optional dependency `@dcgan-ts/native-<platform>` per entry, which npm
 * installs only where its os/cpu/libc match (as sharp ships libvips). It holds lib/dcgan_native.node and the shared
 * libraries it needs (oneDNN, OpenMP, OpenCL's loader), found through the addon's RPATH $ORIGIN.
 */
export const PREBUILT_PLATFORMS = ['linux-x64'] as const;

/** This machine's platform as the prebuilt packages name it; musl Linux is its own ("linux-x64-musl"). */
export function platformId(): string {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const musl = process.platform === 'linux' && report?.header?.glibcVersionRuntime === undefined;
  return `${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
}

export const prebuiltPackage = (platform: string) => `@dcgan-ts/native-${platform}`;

type Candidate = { file: string; kind: 'override' | 'prebuilt' | 'source build' };

/** The prebuilt package's addon, or null when that package is not installed. */
function prebuiltAddon(platform: string): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve(`${prebuiltPackage(platform)}/package.json`);
    return path.join(path.dirname(manifest), 'lib', 'dcgan_native.node');
  } catch {
    return null;
  }
}

/** Where the addon is looked for, in order. DCGAN_NATIVE_ADDON overrides (tests, custom builds). */
export function addonCandidates(): string[] {
  return candidates().map((c) => c.file);
}

function candidates(): Candidate[] {
  const override = process.env.DCGAN_NATIVE_ADDON;
  if (override) return [{ file: path.resolve(override), kind: 'override' }];
  const prebuilt = prebuiltAddon(platformId());
  return [
    ...(prebuilt ? [{ file: prebuilt, kind: 'prebuilt' as const }] : []),
    ...['Release', 'Debug'].map((c) => ({ file: path.join(packageRoot, 'build', c, 'dcgan_native.node'), kind: 'source build' as const })),
  ];
}

const REQUIRED: ReadonlyArray<keyof NativeAddon> = [
  'info', 'setNumThreads', 'getNumThreads', 'convCacheSize', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'binary', 'unary', 'reduce',
  'transpose', 'batchMatMul', 'batchNorm', 'compare', 'select', 'tile', 'batchNormTraining', 'batchNormTrainingGrad', 'adamUpdate',
  'reluGradFromOutput', 'setConvPrecision', 'getConvPrecision', 'bf16Isa', 'toBf16RoundTrip',
];

let cached: LoadResult | undefined;

/** Loads the addon once; never throws. */
export function loadAddon(): LoadResult {
  if (cached) return cached;
  cached = tryLoad();
  return cached;
}

/**
 * Why no addon was found, naming the actual cause: a platform without a prebuilt package, a prebuilt package that
 * was left out (--omit=optional), or a source build that never ran (no oneDNN, or npm did not run the install script).
 */
function notFound(list: Candidate[]): { reason: string; fix: string } {
  if (list[0]?.kind === 'override') return { reason: `addon not built (no ${list[0].file})`, fix: FIX };
  const platform = platformId();
  const build = path.relative(process.cwd(), list[list.length - 2]!.file) || list[list.length - 2]!.file;
  const prebuilt = (PREBUILT_PLATFORMS as readonly string[]).includes(platform)
    ? `the prebuilt package ${prebuiltPackage(platform)} is not installed (an install with --omit=optional?)`
    : `no prebuilt addon for ${platform} (prebuilt: ${PREBUILT_PLATFORMS.join(', ')})`;
  return {
    reason:
      `addon not built: ${prebuilt}, and there is no source build (no ${build}: oneDNN was missing, the build failed, ` +
      'or npm did not run the install script of @dcgan-ts/native: npm 11 runs only approved scripts)',
    fix: (PREBUILT_PLATFORMS as readonly string[]).includes(platform) ? `npm install ${prebuiltPackage(platform)}, or ${FIX}` : FIX,
  };
}

function tryLoad(): LoadResult {
  if (process.env.DCGAN_NATIVE_DISABLE === '1') {
    return { ok: false, reason: 'disabled by DCGAN_NATIVE_DISABLE=1', fix: 'unset DCGAN_NATIVE_DISABLE' };
  }
  const list = candidates();
  const found = list.find((c) => existsSync(c.file));
  if (!found) return { ok: false, ...notFound(list) };
  try {
    const addon = createRequire(import.meta.url)(found.file) as NativeAddon;
    const missing = REQUIRED.filter((k) => typeof addon[k] !== 'function');
    if (missing.length > 0) {
      return { ok: false, reason: `addon at ${found.file} is stale (lacks ${missing.join(', ')})`, fix: 'npm rebuild @dcgan-ts/native' };
    }
    return { ok: true, addon, path: found.file };
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    const lib = /lib(dnnl|gomp|OpenCL|stdc\+\+)[^:\s]*/.exec(msg)?.[0];
    if (found.kind === 'prebuilt') {
      // The package ships its libraries: one that fails is a broken install or an older system than it was built on.
      return {
        ok: false,
        reason: `the prebuilt addon of ${prebuiltPackage(platformId())} failed to load: ${msg}`,
        fix: `reinstall ${prebuiltPackage(platformId())} (a library it ships is missing or this system's glibc is older than its build's), or ${FIX}`,
      };
    }
    return {
      ok: false,
      reason: lib ? `addon cannot load ${lib}, a library missing on this system (${msg})` : `addon failed to load: ${msg}`,
      fix: FIX,
    };
  }
}
