// What `dcgan bench` decides before it times anything (its numbers are a benchmark, never a test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultTorchModes } from '../src/index.js';

test("PyTorch's bf16 autocast is timed only where the CPU has bf16 instructions, or where its flags are unknown", () => {
  const on = (isa: string[]) => defaultTorchModes({ cpu: 'test', cores: 2, isa });
  assert.deepEqual(on(['avx2']), ['default', 'channels_last']);
  assert.deepEqual(on(['avx2', 'avx512f']), ['default', 'channels_last']);
  assert.deepEqual(on(['avx2', 'avx512f', 'avx512_bf16']), ['default', 'channels_last', 'bf16']);
  assert.deepEqual(on(['avx2', 'avx512f', 'amx_bf16', 'amx_tile']), ['default', 'channels_last', 'bf16']);
  assert.deepEqual(on([]), ['default', 'channels_last', 'bf16'], 'no /proc/cpuinfo: nothing known, nothing left out');
});
