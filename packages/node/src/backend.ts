import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { DcganError } from '@dcgan-ts/core';

export const BACKEND_CHOICES = ['auto', 'native', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface BackendSelection {
  /** The TF.js backend now active. */
  name: 'native' | 'cpu';
  /** One line for the user when `auto` fell back to cpu. */
  fallbackNote?: string;
}

/** The package of the oneDNN backend (packages/native); optional, so it is imported by name at run time. */
const NATIVE_PACKAGE = '@dcgan-ts/native';

interface NativeModule {
  /** Why the addon did not load (what failed and the fix), or null when it did. */
  nativeBackendError?: () => string | null;
}

/** Tries to activate the native backend; returns null on success, else the one-line reason. */
async function tryNative(): Promise<string | null> {
  let mod: NativeModule;
  try {
    mod = (await import(NATIVE_PACKAGE)) as NativeModule;
  } catch (e) {
    return `${NATIVE_PACKAGE} is not installed (${(e as Error).message.split('\n')[0]}); run npm install in the repository`;
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

/**
 * Activates the backend a user asked for: `native` (oneDNN, fast) or fails with the reason; `cpu` (TF.js's pure-JS
 * kernels, slow); `auto`: native when it loads, else cpu with a note naming the reason.
 */
export async function selectBackend(choice: BackendChoice): Promise<BackendSelection> {
  // TF.js prints a banner suggesting tfjs-node on first use in Node; we have our own answer to that.
  tf.env().set('PROD', true);
  if (choice !== 'cpu') {
    const reason = await tryNative();
    if (reason === null) return { name: 'native' };
    if (choice === 'native') throw new DcganError(`--backend native: ${reason}`);
    await tf.setBackend('cpu');
    return { name: 'cpu', fallbackNote: `using the slow cpu backend: ${reason}` };
  }
  await tf.setBackend('cpu');
  return { name: 'cpu' };
}
