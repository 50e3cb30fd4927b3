import * as tf from '@tensorflow/tfjs-core';

/**
 * WebGPU in Node: Dawn (Chrome's WebGPU implementation, on Vulkan, Metal or Direct3D 12) from the optional npm
 * package `webgpu`, under TF.js's `webgpu` backend (@tensorflow/tfjs-backend-webgpu). The package is optional: where
 * it is missing, or Dawn finds no adapter, every step says which, with the fix.
 *
 * Without a GPU, Dawn runs on SwiftShader, a software Vulkan driver (Debian's chromium package ships it):
 * VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json. Correct, slow: for tests, never picked by `auto`.
 */
const DAWN_PACKAGE = 'webgpu';
const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';
/** Our WGSL kernels for the fused ops core uses (packages/webgpu). */
const KERNELS_PACKAGE = '@dcgan-ts/webgpu';
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** What Dawn says of its adapter (GPUAdapterInfo), as config.json records it. */
export interface WebgpuAdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  device: string;
  /** A software rasteriser (SwiftShader, llvmpipe, WARP) or an adapter the browser marks as fallback. */
  software: boolean;
}

/** The adapter Dawn found, ready to become TF.js's backend. */
export interface WebgpuAdapter {
  info: WebgpuAdapterInfo;
  activate(): Promise<void>;
}

/** The parts of WebGPU's API used here (the full types are @webgpu/types'). */
interface GpuAdapterInfoLike {
  vendor: string;
  architecture: string;
  description: string;
  device: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  info: GpuAdapterInfoLike;
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(descriptor: { requiredFeatures: string[]; requiredLimits: Record<string, number | undefined> }): Promise<unknown>;
}
interface GpuLike {
  requestAdapter(options: { powerPreference: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

interface KernelsModule {
  registerWebgpuKernels(): void;
}

interface TfjsWebgpuModule {
  WebGPUBackend: new (device: unknown, adapterInfo?: GpuAdapterInfoLike) => tf.KernelBackend;
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|warp/i;

/** One line naming an adapter, e.g. "nvidia hopper (NVIDIA H200)", "google swiftshader (software)". */
export function describeAdapter(info: WebgpuAdapterInfo): string {
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const detail = [info.description || info.device, info.software ? 'software, not a GPU' : ''].filter(Boolean).join(', ');
  return detail ? `${name} (${detail})` : name;
}

let dawn: Promise<GpuLike | string> | undefined;

/** Dawn's GPU object, once per process, or the one-line reason it is not there. */
function loadDawn(): Promise<GpuLike | string> {
  dawn ??= (async () => {
    let mod: DawnModule;
    try {
      mod = (await import(DAWN_PACKAGE)) as DawnModule;
    } catch (e) {
      const first = (e as Error).message.split('\n')[0];
      return `the optional package ${DAWN_PACKAGE} (Dawn for Node) is not installed or does not load on ${process.platform}-${process.arch} (${first}); install it with npm install ${DAWN_PACKAGE}`;
    }
    // TF.js's webgpu backend names GPUBufferUsage, GPUMapMode, ... as globals, as a browser has them.
    for (const [name, value] of Object.entries(mod.globals)) {
      if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    }
    return mod.create([]);
  })();
  return dawn;
}

const NO_ADAPTER_FIX =
  process.platform === 'linux'
    ? 'it needs a GPU with a Vulkan driver and libvulkan1; for the slow software adapter set ' +
      `VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (from Debian's chromium package)`
    : 'it needs a GPU with a Metal (macOS) or Direct3D 12 (Windows) driver';

/** The adapter Dawn offers (high-performance first), or the one-line reason there is none. */
export async function findWebgpuAdapter(): Promise<WebgpuAdapter | string> {
  const gpu = await loadDawn();
  if (typeof gpu === 'string') return gpu;
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return `Dawn failed to look for a WebGPU adapter: ${(e as Error).message}`;
  }
  if (!adapter) return `Dawn found no WebGPU adapter: ${NO_ADAPTER_FIX}`;
  const a = adapter.info;
  const text = `${a.vendor} ${a.architecture} ${a.description} ${a.device}`;
  const info: WebgpuAdapterInfo = {
    vendor: a.vendor,
    architecture: a.architecture,
    description: a.description,
    device: a.device,
    software: a.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(text),
  };
  const found = adapter;
  return { info, activate: () => activate(gpu, found, a) };
}

/** Registers TF.js's webgpu backend on `adapter`'s device (with the limits TF.js itself asks for) and selects it. */
async function activate(gpu: GpuLike, adapter: GpuAdapterLike, adapterInfo: GpuAdapterInfoLike): Promise<void> {
  const { WebGPUBackend } = (await import(TFJS_WEBGPU_PACKAGE)) as TfjsWebgpuModule;
  // The backend checks for navigator.gpu, as in a browser (Node 20 has no navigator; 21+ has one without gpu).
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  if (!('gpu' in g.navigator!)) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  ((await import(KERNELS_PACKAGE)) as KernelsModule).registerWebgpuKernels();
  if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapterInfo));
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not start its webgpu backend');
}
