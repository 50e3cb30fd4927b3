import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { HOST_TAG, parseTemporaryName, removeLeftovers, temporaryName } from '../src/io/leftovers.js';
import { CLI, TINY, dcgan, tempDir } from './cli.js';
import { makeImageFolder } from './datasetFixtures.js';

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

test('temporary names say whose they are, in the forms of every release', () => {
  assert.deepEqual(parseTemporaryName(temporaryName('step-000004', 'abcdef12')), { target: 'step-000004', host: HOST_TAG, pid: process.pid });
  assert.deepEqual(parseTemporaryName('.grid.png.tmp-4321-abcdef12'), { target: 'grid.png', host: null, pid: 4321 });
  assert.deepEqual(parseTemporaryName('faces.dcgan.tmp-77'), { target: 'faces.dcgan', host: null, pid: 77 });
  assert.deepEqual(parseTemporaryName('train.gz.part-78'), { target: 'train.gz', host: null, pid: 78 });
  for (const name of ['grid.png', '.grid.png', '.x.tmp-abc', '.x.tmp-1-xyz', 'model.json']) assert.equal(parseTemporaryName(name), null);
});

test("removeLeftovers removes dead writers' leftovers only, and names why", async () => {
  const dir = tempDir();
  const dead = deadPid();
  const live = process.ppid; // our parent runs
  const names = {
    deadFile: `.a.png.tmp-${HOST_TAG}-${dead}-00000001`,
    deadDir: `.step-000003.tmp-${HOST_TAG}-${dead}-00000002`,
    liveFile: `.b.png.tmp-${HOST_TAG}-${live}-00000003`,
    ours: temporaryName('c.png', '00000004'),
    foreignYoung: `.d.png.tmp-ffffff-${dead}-00000005`,
    foreignOld: `.e.png.tmp-ffffff-${dead}-00000006`,
    legacy: `faces.dcgan.tmp-${dead}`,
    userFile: `notes.tmp-${dead}`,
  };
  for (const [key, name] of Object.entries(names)) {
    if (key === 'deadDir') mkdirSync(path.join(dir, name, 'generator'), { recursive: true });
    else writeFileSync(path.join(dir, name), 'half');
  }
  const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  utimesSync(path.join(dir, names.foreignOld), old, old);

  const removed = await removeLeftovers(dir);
  assert.deepEqual(
    removed.map((r) => [path.basename(r.path), r.why]).sort(),
    [
      [names.deadDir, `PID ${dead} is gone`],
      [names.deadFile, `PID ${dead} is gone`],
      [names.foreignOld, 'written on another host over a day ago'],
    ].sort(),
  );
  // Undotted names of older releases only beside the file they were to become: "notes.tmp-N" may be the user's.
  assert.deepEqual((await removeLeftovers(dir, { of: 'faces.dcgan' })).map((r) => path.basename(r.path)), [names.legacy]);
  assert.deepEqual(readdirSync(dir).sort(), [names.foreignYoung, names.liveFile, names.ours, names.userFile].sort());
  // Holding the directory's lock, every leftover not of this process goes, live PID or not.
  const exclusive = await removeLeftovers(dir, { exclusive: true });
  assert.deepEqual(exclusive.map((r) => path.basename(r.path)).sort(), [names.foreignYoung, names.liveFile].sort());
  assert.deepEqual(readdirSync(dir).sort(), [names.ours, names.userFile].sort());
  assert.deepEqual(await removeLeftovers(path.join(dir, 'missing')), []);
});

test('dcgan prepare killed at random moments: the next prepare of the same file removes the leftover and says so', async () => {
  const cwd = tempDir();
  await makeImageFolder(path.join(cwd, 'imgs'), { copies: 12 }); // 96 images
  const args = ['prepare', '--data', 'imgs', '--image-size', '64', '--workers', '1', '--out', 'packed/imgs.dcgan'];
  let s = 777; // random moments, reproducible
  const next = (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % n);
  let removedSeen = 0;
  for (let round = 0; round < 3; round++) {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    // Killed once its temporary file exists, 0-150 ms into writing it.
    const writing = () => existsSync(path.join(cwd, 'packed')) && readdirSync(path.join(cwd, 'packed')).some((n) => n.includes('.tmp-'));
    while (!writing() && child.exitCode === null) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, next(150)));
    child.kill('SIGKILL');
    await closed;
    const left = readdirSync(path.join(cwd, 'packed')).filter((n) => n.includes('.tmp-'));
    const again = dcgan(args, { cwd });
    assert.equal(again.code, 0, again.stderr);
    for (const name of left) {
      assert.match(again.stderr, new RegExp(`dcgan: removed \\S*${name.replace(/\./g, '\\.')}, left by an interrupted write \\(PID \\d+ is gone\\)`));
      removedSeen++;
    }
    assert.deepEqual(readdirSync(path.join(cwd, 'packed')), ['imgs.dcgan']);
  }
  assert.ok(removedSeen >= 1, 'at least one kill landed mid-write');
});

test('an export into a folder clears the leftovers of an interrupted export there', () => {
  const cwd = tempDir();
  assert.equal(dcgan(['train', ...TINY, '--steps', '2', '--out', 'run'], { cwd }).code, 0);
  mkdirSync(path.join(cwd, 'web'));
  const leftover = `.weights.bin.tmp-${HOST_TAG}-${deadPid()}-0000abcd`;
  writeFileSync(path.join(cwd, 'web', leftover), 'half of the weights');
  const r = dcgan(['export', '--checkpoint', 'run', '--format', 'tfjs', '--out', 'web'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`dcgan: removed web/${leftover.replace(/\./g, '\\.')}, left by an interrupted write`));
  assert.deepEqual(readdirSync(path.join(cwd, 'web')).sort(), ['manifest.json', 'model.json', 'weights.bin']);
});
