import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { DcganError } from '@dcgan-ts/core';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { type WebgpuAdapterInfo, describeAdapter, findWebgpuAdapter } from './webgpu.js';

/** What --backend (selectBackend) takes: 'auto' picks webgpu on a GPU, else native, else cpu. */
export const BACKEND_CHOICES = ['auto', 'webgpu', 'native', 'cpu'] as const;
/** A --backend value: 'auto' or a backend's name. */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
/** A TF.js backend dcgan-ts runs on: 'webgpu' (Dawn), 'native' (oneDNN, @dcgan-ts/native) or 'cpu'. */
export type BackendName = Exclude<BackendChoice, 'auto'>;

/** The help text of every command's --backend. */
export const BACKEND_HELP =
  'TF.js backend: auto (webgpu on a GPU, else native, else cpu), webgpu (Dawn: GPUs, macOS, Windows), native (oneDNN), cpu';

/** The backend selectBackend activated, with webgpu's adapter and, for auto, what it picked and why. */
export interface BackendSelection {
  /** The TF.js backend now active. */
  name: BackendName;
  /** webgpu's adapter, as config.json records it. */
  adapter?: WebgpuAdapterInfo;
  /** One line for the user: what `auto` picked and why. */
  note?: string;
  /** Set when auto had to fall back to the slow cpu backend: the note is then a warning. */
  slow?: boolean;
}

/** The backend a checkpoint records, e.g. "native", "webgpu (nvidia hopper (NVIDIA H200))". */
export function describeBackend(b: BackendSelection): string {
  return b.adapter ? `${b.name} (${describeAdapter(b.adapter)})` : b.name;
}

/** The package of the oneDNN backend (packages/native); optional, so it is imported by name at run time. */
const NATIVE_PACKAGE = '@dcgan-ts/native';

/** What this package uses of @dcgan-ts/native, every member optional (an older or missing package). */
export interface NativeModule {
  /** Why the addon did not load (what failed and the fix), or null when it did. */
  nativeBackendError?: () => string | null;
  /** 'amx', 'avx512_bf16' or null: the CPU's bf16 instructions oneDNN can use. */
  nativeBf16Isa?: () => 'amx' | 'avx512_bf16' | null;
  /** Sets the convolutions' precision on `native`, process-wide. */
  setNativePrecision?: (precision: 'fp32' | 'bf16') => void;
  /** The convolutions' precision on `native` now. */
  nativePrecision?: () => 'fp32' | 'bf16';
  /** oneDNN's version and the addon's thread count, or null without the addon. */
  nativeInfo?: () => { threads: number } | null;
  /** Sets the thread count of oneDNN and the elementwise kernels, process-wide. */
  setNativeThreads?: (n: number) => void;
}

/** The native package, or null when it is not installed. */
export async function importNative(): Promise<NativeModule | null> {
  try {
    return (await import(NATIVE_PACKAGE)) as NativeModule;
  } catch {
    return null;
  }
}

/**
 * The native backend's thread count (DCGAN_THREADS, else the cores), or null without it. Its float sums depend on it:
 * a run is bit-reproducible, and resumes exactly, at the same count.
 */
export async function nativeThreads(): Promise<number | null> {
  return (await importNative())?.nativeInfo?.()?.threads ?? null;
}

/** Sets the native backend's thread count, process-wide (oneDNN and the elementwise kernels); no-op without it. */
export async function setNativeThreadCount(n: number): Promise<void> {
  (await importNative())?.setNativeThreads?.(n);
}

/** Tries to activate the native backend; returns null on success, else the one-line reason. */
async function tryNative(): Promise<string | null> {
  let mod: NativeModule;
  try {
    mod = (await import(NATIVE_PACKAGE)) as NativeModule;
  } catch (e) {
    // An optional dependency: left out by `npm install --omit=optional`, or where it failed to install.
    return `the optional package ${NATIVE_PACKAGE} (oneDNN on the CPU) is not installed (${(e as Error).message.split('\n')[0]}); install it without --omit=optional`;
  }
  const error = mod.nativeBackendError?.() ?? null;
  if (error) return error;
  try {
    if (await tf.setBackend('native')) return null;
  } catch (e) {
    return `the native backend failed to start: ${(e as Error).message}`;
  }
  return 'the native backend is not registered';
}

/** Activates webgpu on Dawn's adapter: the selection, or the one-line reason it cannot. */
async function tryWebgpu(allowSoftware: boolean): Promise<BackendSelection | string> {
  // auto takes hardware adapters only: on a Linux machine with no GPU device at all, Dawn is not even loaded, since
  // probing the software Vulkan drivers it would only refuse (Mesa's lavapipe) prints lines of driver noise. A Vulkan
  // driver named in the environment (VK_ICD_FILENAMES, VK_DRIVER_FILES) is looked at all the same.
  if (!allowSoftware && !linuxHasGpuDevice() && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
    return 'this machine has no GPU device (no /dev/dri/renderD* or /dev/nvidia*)';
  }
  const adapter = await findWebgpuAdapter();
  if (typeof adapter === 'string') return adapter;
  if (adapter.info.software && !allowSoftware) {
    return `WebGPU's only adapter is ${describeAdapter(adapter.info)}, which auto leaves alone (--backend webgpu uses it)`;
  }
  try {
    await adapter.activate();
  } catch (e) {
    return `TF.js's webgpu backend failed to start on ${describeAdapter(adapter.info)}: ${(e as Error).message}`;
  }
  return { name: 'webgpu', adapter: adapter.info };
}

/**
 * False only on Linux without a GPU device node: a DRM render node (Mesa, AMD, Intel, nvidia-drm), one of NVIDIA's own
 * (/dev/nvidiaN: a container given GPU 1 alone has /dev/nvidia1), or WSL2's /dev/dxg.
 */
export function linuxHasGpuDevice(devices = '/dev'): boolean {
  if (process.platform !== 'linux') return true;
  const names = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return (
    names(path.join(devices, 'dri')).some((name) => name.startsWith('renderD')) ||
    names(devices).some((name) => /^nvidia\d+$/.test(name) || name === 'dxg')
  );
}

/**
 * Activates the backend a user asked for, or fails with one line saying why and how to fix it:
 * - `webgpu`: TF.js's WebGPU backend on Dawn's adapter, a software one (SwiftShader) included;
 * - `native`: the oneDNN backend (fast on x86 Linux CPUs);
 * - `cpu`: TF.js's pure-JS kernels (slow, runs everywhere);
 * - `auto`: webgpu on a hardware adapter, else native, else cpu; never fails for want of the optional ones, and its
 *   note says what it picked and why.
 */
export async function selectBackend(choice: BackendChoice): Promise<BackendSelection> {
  // TF.js prints a banner suggesting tfjs-node on first use in Node; we have our own answer to that.
  tf.env().set('PROD', true);
  if (choice === 'cpu') {
    await tf.setBackend('cpu');
    return { name: 'cpu' };
  }
  if (choice === 'webgpu') {
    const webgpu = await tryWebgpu(true);
    if (typeof webgpu === 'string') throw new DcganError(`--backend webgpu: ${webgpu}`);
    return { ...webgpu, note: `backend webgpu on ${describeAdapter(webgpu.adapter!)}` };
  }
  if (choice === 'native') {
    const reason = await tryNative();
    if (reason !== null) throw new DcganError(`--backend native: ${reason}`);
    return { name: 'native' };
  }
  const webgpu = await tryWebgpu(false);
  if (typeof webgpu !== 'string') return { ...webgpu, note: `backend webgpu on the GPU ${describeAdapter(webgpu.adapter!)}` };
  const native = await tryNative();
  if (native === null) return { name: 'native', note: `backend native (oneDNN on the CPU): no GPU for webgpu (${webgpu})` };
  await tf.setBackend('cpu');
  return { name: 'cpu', slow: true, note: `using the slow cpu backend: ${native}; and no GPU for webgpu (${webgpu})` };
}
