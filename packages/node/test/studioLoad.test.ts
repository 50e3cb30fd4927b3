import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { decodePng } from '../src/io/png.js';
import { CLI, TINY, dcgan, dcganAsync, tempDir } from './cli.js';

/**
 * `dcgan studio` under load while its run trains: rounds of 50 concurrent requests (models loaded as the page loads
 * them, the log, the status, sample grids, and clients that hang up mid-download) while `dcgan train --resume` writes
 * a checkpoint and a grid every few steps, so the studio re-exports its model about once a second. Every answer
 * must be whole, the three files of a model load must be one export, and the server's memory and open files must
 * stay bounded.
 */

const CONCURRENT = 50;
const MIN_ROUNDS = 12;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENT });

function get(port: number, p: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** A client that goes away after the first bytes of a download (a closed tab): the server must let go of the file. */
function hangUp(port: number, p: string): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: p }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
      res.on('end', resolve);
    });
    req.on('error', () => resolve());
  });
}

/** A whole answer: 200, and as many bytes as its Content-Length promised. */
function whole(a: Answer, what: string): Buffer {
  assert.equal(a.status, 200, `${what}: HTTP ${a.status} ${a.body.toString().slice(0, 200)}`);
  assert.equal(a.body.length, Number(a.headers['content-length']), `${what}: ${a.body.length} bytes of ${a.headers['content-length']}`);
  return a.body;
}

/** The process's resident memory, and how many files it holds open (sockets not counted: keep-alive holds those). */
function procStatus(pid: number): { rssKiB: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const fdDir = `/proc/${pid}/fd`;
  const files = readdirSync(fdDir).filter((fd) => {
    try {
      return readlinkSync(path.join(fdDir, fd)).startsWith('/');
    } catch {
      return false; // closed while listed
    }
  });
  return { rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)![1]), fds: files.length };
}

test('the studio under 50 concurrent requests while its run writes checkpoints: whole answers, one export per model load, bounded memory', async () => {
  const cwd = tempDir();
  const every = ['--log-every', '1', '--sample-every', '3', '--checkpoint-every', '3'];
  assert.equal(dcgan(['train', ...TINY, '--steps', '3', ...every, '--out', 'run'], { cwd }).code, 0);

  const studio = spawn(process.execPath, [CLI, 'studio', '--checkpoint', 'run', '--port', '0'], { cwd, env: { ...process.env, DEBUG: '' } });
  let stderr = '';
  studio.stderr.on('data', (d: Buffer) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    studio.stdout.on('data', (d: Buffer) => {
      stdout += d;
      const m = /at http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    studio.on('exit', (code) => reject(new Error(`dcgan studio exited (${code}): ${stderr}`)));
  });

  try {
    let trainingDone = false;
    const training = dcganAsync(['train', '--resume', '--out', 'run', '--steps', '120', '--backend', 'cpu'], { cwd }).then((r) => {
      trainingDone = true;
      return r;
    });

    const exports = new Map<string, { step: number; weights: string }>(); // export id -> what its answers held
    const counts = { requests: 0, modelLoads: 0, hangUps: 0 };
    const rss: number[] = [];
    const fdsAtStart = procStatus(studio.pid!).fds;

    /** The page's model load: the manifest, then model.json and weights.bin of the export the manifest names. */
    const loadModel = async () => {
      const manifestAnswer = await get(port, '/model/manifest.json');
      const manifest = JSON.parse(whole(manifestAnswer, 'manifest.json').toString()) as { step: number; model: string };
      const id = String(manifestAnswer.headers['x-dcgan-export']);
      assert.match(id, /^export-\d+$/);
      assert.equal(manifest.step, Number(manifestAnswer.headers['x-dcgan-step']));
      const modelJson = JSON.parse(whole(await get(port, `/model/${id}/${manifest.model}`), 'model.json').toString()) as {
        weightsManifest: { paths: string[]; weights: { shape: number[]; dtype: string }[] }[];
      };
      const group = modelJson.weightsManifest[0]!;
      const weightsAnswer = await get(port, `/model/${id}/${group.paths[0]}`);
      const weights = whole(weightsAnswer, 'weights.bin');
      assert.equal(weightsAnswer.headers['x-dcgan-export'], id);
      assert.equal(Number(weightsAnswer.headers['x-dcgan-step']), manifest.step, 'weights of the manifest\'s step');
      const expected = group.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
      assert.equal(weights.length, expected, 'weights.bin holds what model.json lists');
      const digest = createHash('sha256').update(weights).digest('hex');
      const seen = exports.get(id);
      if (seen) assert.deepEqual(seen, { step: manifest.step, weights: digest }, `export ${id} answered two different models`);
      else exports.set(id, { step: manifest.step, weights: digest });
      counts.modelLoads++;
      counts.requests += 3;
    };
    const clients: (() => Promise<void>)[] = [
      loadModel,
      async () => {
        const log = JSON.parse(whole(await get(port, '/api/log'), 'log').toString()) as { step: number }[];
        const steps = log.map((e) => e.step);
        assert.deepEqual(steps, [...steps].sort((a, b) => a - b), 'log lines in step order');
        counts.requests++;
      },
      async () => {
        const status = JSON.parse(whole(await get(port, '/api/status'), 'status').toString()) as { modelStep: number; run: { logLines: number } };
        assert.ok(status.modelStep >= 3 && status.run.logLines >= 3);
        counts.requests++;
      },
      async () => {
        const grid = decodePng(whole(await get(port, '/api/sample.png'), 'sample grid')); // a cut PNG does not decode
        assert.ok(grid.width > 0);
        counts.requests++;
      },
      async () => {
        await hangUp(port, '/model/weights.bin');
        counts.hangUps++;
      },
    ];

    let round = 0;
    for (; round < MIN_ROUNDS || !trainingDone; round++) {
      await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => clients[(i + round) % clients.length]!()));
      rss.push(procStatus(studio.pid!).rssKiB);
      assert.equal(studio.exitCode, null, `the studio stopped: ${stderr}`);
    }
    const trained = await training;
    assert.equal(trained.code, 0, trained.stderr);
    // Once training has stopped, the studio serves its last checkpoint (polled once a second).
    const deadline = Date.now() + 10_000;
    let last = 0;
    while (Date.now() < deadline && (last = Number((await get(port, '/model/manifest.json')).headers['x-dcgan-step'])) !== 120) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(last, 120, 'the studio followed the run to its end');

    const steps = [...exports.values()].map((e) => e.step);
    assert.ok(exports.size >= 3, `model loads spanned ${exports.size} exports (steps ${steps.join(', ')})`);
    // Memory: whatever the first rounds allocate (buffers, the exports), later rounds do not add to.
    // Memory: V8's heap saw-tooths as it collects; bounded means the last third of the rounds peaks no higher than
    // the middle third (plus slack for one more heap step), not a steady climb with the number of requests served.
    const third = Math.floor(rss.length / 3);
    const middle = Math.max(...rss.slice(third, 2 * third));
    const peak = Math.max(...rss);
    const lastPeak = Math.max(...rss.slice(2 * third));
    assert.ok(lastPeak <= middle + 32 * 1024, `resident memory still climbing: ${middle} KiB in the middle third, ${lastPeak} KiB in the last`);
    assert.ok(peak < 512 * 1024, `resident memory peaked at ${peak} KiB`);
    const { fds } = procStatus(studio.pid!);
    assert.ok(fds <= fdsAtStart + 8, `open files ${fdsAtStart} -> ${fds} after ${counts.hangUps} hang-ups`);
    assert.equal(stderr.trim(), '', 'no warnings from the studio');
    const line =
      `studio load: ${round} rounds of ${CONCURRENT} concurrent clients, ${counts.requests} whole answers, ` +
      `${counts.modelLoads} model loads over ${exports.size} exports (steps ${Math.min(...steps)}..${Math.max(...steps)}), ` +
      `${counts.hangUps} hang-ups; studio RSS ${(rss[0]! / 1024).toFixed(0)} MiB after the first round, peak ${(middle / 1024).toFixed(0)} MiB in the middle third, ${(lastPeak / 1024).toFixed(0)} in the last, open files ${fdsAtStart} -> ${fds}`;
    console.log(`# ${line}`);
  } finally {
    studio.kill();
    agent.destroy();
  }
});
