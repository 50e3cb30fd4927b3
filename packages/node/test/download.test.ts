import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { downloadDataset } from '../src/index.js';
import { CLI, type CliResult, dcganAsync as runDcgan, tempDir } from './cli.js';
import { cifarRecords, tarOf } from './datasetFixtures.js';

/**
 * A mirror on 127.0.0.1 serving what the test says: /good/<name> the bytes given, /bad/<name> other bytes,
 * /drop/<name> half the promised bytes then a reset connection, /stall/<name> half of them and then nothing, anything
 * else 404.
 */
async function mirror(files: Record<string, Buffer>): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url!);
    const [, kind, name] = req.url!.split('/');
    const body = files[name ?? ''];
    if (!body) {
      res.writeHead(404).end();
    } else if (kind === 'good') {
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } else if (kind === 'bad') {
      const other = Buffer.from(body);
      other[other.length - 1]! ^= 0xff;
      res.writeHead(200, { 'content-length': other.length }).end(other);
    } else if (kind === 'stall') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1)); // and never the rest: a download that hangs until killed
    } else if (kind === 'drop') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => (server.close(() => r()), server.closeAllConnections())) };
}

/** The CLI in a child process that does not block this one (which serves the mirror). */
function dcganAsync(args: string[], env: Record<string, string>, cwd?: string): Promise<CliResult> {
  return runDcgan(args, { env, cwd });
}

function assertOneLineError(r: CliResult, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `stderr has ${lines.length} lines:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

test('download: verified files land in the cache, a second run keeps them, train --dataset cifar10 then uses them', async () => {
  const archive = gzipSync(tarOf([{ name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarRecords(8, 1) }]));
  const server = await mirror({ 'cifar-10-binary.tar.gz': archive });
  const cache = tempDir();
  try {
    const spec = { base: 'unused', files: [{ name: 'cifar-10-binary.tar.gz', md5: md5(archive) }], dataPath: 'cifar-10-binary.tar.gz' };
    const first = await downloadDataset('cifar10', { dir: cache, mirror: `${server.url}/good`, spec });
    assert.deepEqual(first.files.map((f) => [path.basename(f.file), f.bytes, f.reused]), [['cifar-10-binary.tar.gz', archive.length, false]]);
    assert.deepEqual(readFileSync(path.join(cache, 'cifar10', 'cifar-10-binary.tar.gz')), archive);
    const second = await downloadDataset('cifar10', { dir: cache, mirror: `${server.url}/good`, spec });
    assert.equal(second.files[0]!.reused, true);
    assert.equal(server.requests.length, 1);

    const cwd = tempDir();
    const r = await dcganAsync(
      ['train', '--dataset', 'cifar10', '--image-size', '16', '--ngf', '4', '--ndf', '4', '--nz', '8', '--batch-size', '4', '--backend', 'cpu', '--steps', '1', '--out', 'run'],
      { DCGAN_CACHE: cache },
      cwd,
    );
    assert.equal(r.code, 0, r.stderr);
    const config = JSON.parse(readFileSync(path.join(cwd, 'run', 'config.json'), 'utf8'));
    assert.equal(config.data.path, path.join(cache, 'cifar10', 'cifar-10-binary.tar.gz'));
    assert.equal(config.datasetSize, 8);
  } finally {
    await server.close();
  }
});

test('download: a checksum mismatch, a dropped connection and a 404 leave nothing in the cache and say what happened', async () => {
  // Served under the real MNIST names; their bytes cannot match the published MD5s.
  const files = Object.fromEntries(
    ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((n) => [n, Buffer.alloc(300_000, n.length)]),
  );
  const server = await mirror(files);
  const dir = tempDir();
  try {
    const bad = await dcganAsync(['download', 'mnist', '--dir', dir, '--mirror', `${server.url}/bad`], {});
    assertOneLineError(bad, /train-images-idx3-ubyte\.gz: checksum mismatch \(MD5 [0-9a-f]{32}, expected f68b3c2dcbeaaa9fbdd348bbdeb94873\); the file was discarded/);
    assert.deepEqual(readdirSync(path.join(dir, 'mnist')), []);

    const drop = await dcganAsync(['download', 'fashion-mnist', '--dir', dir], { DCGAN_MIRROR: `${server.url}/drop` });
    assertOneLineError(drop, /train-images-idx3-ubyte\.gz: the connection dropped after \d+ of 300000 bytes.*nothing was kept/);
    assert.deepEqual(readdirSync(path.join(dir, 'fashion-mnist')), []);

    const missing = await dcganAsync(['download', 'cifar10', '--dir', dir, '--mirror', `${server.url}/good`], {});
    assertOneLineError(missing, /cifar-10-binary\.tar\.gz: HTTP 404/);
    assert.deepEqual(readdirSync(path.join(dir, 'cifar10')), []);

    // A temporary file left by a killed download is cleared, never taken for the real one.
    mkdirSync(path.join(dir, 'mnist'), { recursive: true });
    writeFileSync(path.join(dir, 'mnist', 'train-images-idx3-ubyte.gz.part-99999'), 'half');
    await dcganAsync(['download', 'mnist', '--dir', dir, '--mirror', `${server.url}/bad`], {});
    assert.ok(!existsSync(path.join(dir, 'mnist', 'train-images-idx3-ubyte.gz.part-99999')));
  } finally {
    await server.close();
  }
});

test('download killed mid-transfer (SIGKILL): the next download removes the temporary file, says so, and fetches', async () => {
  const body = gzipSync(Buffer.alloc(200_000, 7));
  const server = await mirror({ 'train-images-idx3-ubyte.gz': body });
  const dir = tempDir();
  try {
    const child = spawn(process.execPath, [CLI, 'download', 'mnist', '--dir', dir, '--mirror', `${server.url}/stall`], { stdio: 'ignore' });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const mnist = path.join(dir, 'mnist');
    const partial = () => (existsSync(mnist) ? readdirSync(mnist).filter((n) => n.includes('.tmp-')) : []);
    while (partial().length === 0) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await closed;
    const [left] = partial();
    assert.match(left!, /^\.train-images-idx3-ubyte\.gz\.tmp-[0-9a-f]{6}-\d+-[0-9a-f]{8}$/);
    const removed: string[] = [];
    const spec = { base: 'unused', files: [{ name: 'train-images-idx3-ubyte.gz', md5: md5(body) }], dataPath: '.' };
    await downloadDataset('mnist', { dir, mirror: `${server.url}/good`, spec, onRemovedLeftover: (r) => removed.push(`${path.basename(r.path)}: ${r.why}`) });
    assert.deepEqual(removed, [`${left}: PID ${child.pid} is gone`]);
    assert.deepEqual(readdirSync(mnist), ['train-images-idx3-ubyte.gz']);
  } finally {
    await server.close();
  }
});
