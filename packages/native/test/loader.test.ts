// Loading and registration: the fallback path (no addon) never throws on import and explains
// itself in one line; with the addon, `native` mirrors every cpu kernel and is never the default.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import { NATIVE_KERNELS, NativeBackend, loadNativeBackend, nativeBackendError } from '../src/index.js';
import { skip } from './util.js';

const indexUrl = new URL('../src/index.js', import.meta.url).href;

/** Imports the package in a fresh Node with `env`, printing what it reports as JSON. */
function importWith(env: Record<string, string>): { registered: boolean; error: string | null; status: unknown } {
  const script = `
    const tf = await import('@tensorflow/tfjs-core');
    const m = await import(${JSON.stringify(indexUrl)});
    console.log(JSON.stringify({ registered: tf.findBackendFactory('native') != null, error: m.nativeBackendError(),
      status: m.loadNativeBackend() }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...env }, encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)),
  });
  assert.equal(r.status, 0, `import failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('loader fallback (runs without the addon too)', () => {
  test('a missing addon: import succeeds, `native` unregistered, one line with the fix', () => {
    const r = importWith({ DCGAN_NATIVE_ADDON: '/nonexistent/dcgan_native.node' });
    assert.equal(r.registered, false);
    assert.ok(r.error !== null);
    assert.ok(!r.error.includes('\n'), 'one line');
    assert.match(r.error, /^native backend unavailable: addon not built .*; fix: apt-get install -y libdnnl-dev && npm rebuild @dcgan-ts\/native$/);
    assert.deepEqual((r.status as { ok: boolean }).ok, false);
  });

  test('an addon that cannot load: the loader error is reported, not thrown', () => {
    // Any file that is not a shared object makes dlopen fail.
    const r = importWith({ DCGAN_NATIVE_ADDON: fileURLToPath(indexUrl) });
    assert.equal(r.registered, false);
    assert.match(r.error!, /^native backend unavailable: addon failed to load: .*; fix: /);
  });

  test('DCGAN_NATIVE_DISABLE=1 turns the backend off', () => {
    const r = importWith({ DCGAN_NATIVE_DISABLE: '1' });
    assert.equal(r.registered, false);
    assert.match(r.error!, /disabled by DCGAN_NATIVE_DISABLE=1/);
  });
});

describe('registration (with the addon)', { skip }, () => {
  test('the addon loads and `native` is registered, but is not the default', () => {
    assert.deepEqual(loadNativeBackend(), { ok: true });
    assert.equal(nativeBackendError(), null);
    assert.ok(tf.findBackendFactory('native') != null);
    const r = importWith({});
    assert.equal(r.registered, true);
    // In a fresh process with cpu and native registered, TF.js picks cpu by itself.
    const pick = spawnSync(process.execPath, ['--input-type=module', '-e',
      `const tf = await import('@tensorflow/tfjs-core'); await import(${JSON.stringify(indexUrl)}); await tf.ready(); console.log(tf.getBackend());`],
    { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)) });
    assert.equal(pick.stdout.trim(), 'cpu', pick.stderr);
  });

  test('every cpu kernel is registered under native; native overrides are native', () => {
    const cpu = tf.getKernelsForBackend('cpu').map((k) => k.kernelName).sort();
    // Everything cpu has, plus the fused Dcgan* kernels only `native` has.
    const native = tf.getKernelsForBackend('native').map((k) => k.kernelName).filter((n) => !n.startsWith('Dcgan')).sort();
    assert.deepEqual(native, cpu);
    for (const k of NATIVE_KERNELS) {
      assert.equal(tf.getKernel(k.kernelName, 'native')!.kernelFunc, k.kernelFunc, k.kernelName);
      assert.notEqual(tf.getKernel(k.kernelName, 'cpu')?.kernelFunc, k.kernelFunc, k.kernelName);
    }
    tf.setBackend('native');
    assert.ok(tf.backend() instanceof NativeBackend);
  });
});
