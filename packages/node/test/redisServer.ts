import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A real Redis for the queue's tests: the one `.ci/run` started ($DCGAN_TEST_REDIS, on a random free port of
 * 127.0.0.1), else a redis-server this process starts the same way and stops at the end. Without either the tests
 * skip, saying so, unless DCGAN_REQUIRE_REDIS=1 (CI), where a missing Redis fails them.
 */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Why the queue's tests cannot run here, or null. */
export function redisUnavailable(): string | null {
  if (process.env.DCGAN_TEST_REDIS) return null;
  if (spawnSync('redis-server', ['--version']).status === 0) return null;
  const why = 'no redis-server (apt-get install redis-server) and no DCGAN_TEST_REDIS';
  if (process.env.DCGAN_REQUIRE_REDIS === '1') throw new Error(`DCGAN_REQUIRE_REDIS=1 but ${why}`);
  return why;
}

export async function startTestRedis(): Promise<TestRedis> {
  if (process.env.DCGAN_TEST_REDIS) return { url: process.env.DCGAN_TEST_REDIS, stop: async () => {} };
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'dcgan-redis-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
