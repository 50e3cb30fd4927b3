import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The `dcgan` command as a user runs it: the bin of @dcgan-ts/cli, found through the package as npm installed it (the
 * workspace's link), not by a path into its folder. The root build writes its dist/.
 */
export const CLI = path.join(path.dirname(createRequire(import.meta.url).resolve('@dcgan-ts/cli/package.json')), 'bin', 'dcgan.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `nodeOptions`: arguments for node itself, before the CLI's (e.g. `--import` a test seam). */
export function dcgan(args: string[], options: { cwd?: string; env?: Record<string, string>; nodeOptions?: string[] } = {}): CliResult {
  const r = spawnSync(process.execPath, [...(options.nodeOptions ?? []), CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, DEBUG: '', ...options.env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'dcgan-test-'));
}

/** Options of a run that takes well under a second a step on the JS cpu backend. */
export const TINY = ['--dataset', 'fake', '--image-size', '16', '--ngf', '4', '--ndf', '4', '--nz', '8', '--batch-size', '4', '--backend', 'cpu'];

/** packages/node/test/fixtures (sources, not compiled: the tests run from dist/test). */
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures');

/** `dcgan` in a child process, not blocking the test's event loop (for races, kills and servers beside it). */
export function dcganAsync(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, DEBUG: '', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The run's log without wall-clock fields: what a straight run and a resumed one must share exactly. */
export function logWithoutTiming(run: string): object[] {
  return readFileSync(path.join(run, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { imgPerSec: _, ...rest } = JSON.parse(line) as Record<string, number>;
      return rest;
    });
}
