// Installs dcgan-ts as a user would and uses it: packs the packages (scripts/pack-release.mjs), installs the tarballs
// into fresh projects outside the repository, and checks that
//   1. `npm install ./*.tgz` needs no install script, compiler or apt: the prebuilt addon loads, and
//      `npx dcgan train --dataset fake --steps 2 --backend native` trains on it, and `npx dcgan report` draws its PNG;
//   2. the README's library example runs as written (its ```ts block under "## Library");
//   3. `npm install --omit=optional` (no native addon, no WebGPU) installs, and `npx dcgan train` trains on `cpu`
//      with one line saying why; image folders (sharp's libvips) and `dcgan report` (resvg's binary) say one line.
//
//   npm run build && node scripts/install-test.mjs        (CI: .ci/run; needs the npm registry for the dependencies)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(path.join(tmpdir(), 'dcgan-install-'));
const started = performance.now();

function fail(message) {
  process.stderr.write(`install-test: FAILED: ${message}\n(work folder kept: ${work})\n`);
  process.exit(1);
}

function say(line) {
  process.stdout.write(`install-test: ${line} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}

/** Runs a command in `cwd`; returns stdout and stderr; fails the test on a non-zero exit. */
function run(cwd, command, args, env = {}) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) fail(`${command} ${args.join(' ')} in ${cwd} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

function project(name) {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `dcgan-user-${name}`, private: true, type: 'module' }, null, 2));
  return dir;
}

const release = path.join(work, 'release');
const tarballs = run(root, process.execPath, [path.join(root, 'scripts/pack-release.mjs'), '--out', release])
  .stdout.trim()
  .split('\n');
const sizes = tarballs.map((t) => `${path.basename(t)} ${(readFileSync(t).length / 2 ** 20).toFixed(1)} MiB`);
say(`packed ${sizes.join(', ')}`);
const TINY = ['--dataset', 'fake', '--steps', '2', '--image-size', '16', '--ngf', '4', '--ndf', '4', '--batch-size', '4'];
// A user's environment: the repository's test settings must not leak in.
const userEnv = { DCGAN_REQUIRE_NATIVE: '', DCGAN_NATIVE_ADDON: '', NODE_OPTIONS: '' };

// 1. Everything, as `npm install` takes it: no scripts run (npm 11 runs only approved ones; --ignore-scripts makes
//    that so on every npm), so the addon must come prebuilt.
const full = project('full');
run(full, npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs]);
const modules = path.join(full, 'node_modules');
const installedMiB = Number(execFileSync('du', ['-sm', modules], { encoding: 'utf8' }).split('\t')[0]);
say(`installed into ${full} (${installedMiB} MiB of node_modules)`);
const trained = run(full, 'npx', ['dcgan', 'train', ...TINY, '--backend', 'native', '--out', 'run', '--json'], userEnv);
const config = JSON.parse(readFileSync(path.join(full, 'run', 'config.json'), 'utf8'));
if (config.backend !== 'native') fail(`dcgan train ran on ${config.backend}, not native:\n${trained.stderr}`);
const prebuilt = readdirSync(modules + '/@dcgan-ts').filter((n) => n.startsWith('native-'));
if (prebuilt.length !== 1) fail(`expected one prebuilt platform package, found: ${prebuilt.join(', ') || 'none'}`);
say(`npx dcgan train --backend native: trained 2 steps on the addon of @dcgan-ts/${prebuilt[0]}`);
// dcgan report draws with resvg's prebuilt binary in the font the package ships (assets/).
const reported = JSON.parse(run(full, 'npx', ['dcgan', 'report', '--run', 'run', '--out', 'report.png', '--json'], userEnv).stdout.trim().split('\n').pop());
if (!(reported.width >= 1000) || readFileSync(path.join(full, 'report.png')).length < 10_000) fail(`dcgan report wrote ${JSON.stringify(reported)}`);
say(`npx dcgan report: ${reported.width}x${reported.height} PNG`);

// 2. The README's library example, as written.
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const example = /## Library[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
if (!example) fail('no ```ts block under "## Library" in README.md');
writeFileSync(path.join(full, 'example.mjs'), `${example}\nconsole.log('shape ' + JSON.stringify(images.shape));\n`);
const ran = run(full, process.execPath, ['example.mjs'], userEnv);
const shape = /shape (\[.*\])/.exec(ran.stdout)?.[1];
if (shape !== '[3,32,32,1]') fail(`the README's library example printed ${shape ?? 'no shape'}:\n${ran.stdout.slice(-2000)}\n${ran.stderr}`);
say(`the README's library example ran: images ${shape}`);

// 3. Without the optional packages: the addon and WebGPU left out.
const lean = project('lean');
const required = tarballs.filter((t) => !/dcgan-ts-native/.test(path.basename(t)));
run(lean, npm, ['install', '--no-audit', '--no-fund', '--omit=optional', ...required]);
const installed = readdirSync(path.join(lean, 'node_modules', '@dcgan-ts'));
if (installed.some((n) => n.startsWith('native'))) fail(`--omit=optional installed ${installed.join(', ')}`);
const cpu = run(lean, 'npx', ['dcgan', 'train', ...TINY, '--out', 'run'], userEnv);
const cpuConfig = JSON.parse(readFileSync(path.join(lean, 'run', 'config.json'), 'utf8'));
const why = cpu.stderr.split('\n').filter((l) => /@dcgan-ts\/native/.test(l));
if (cpuConfig.backend !== 'cpu' || why.length !== 1) fail(`without optional packages: backend ${cpuConfig.backend}, lines naming native:\n${cpu.stderr}`);
say(`--omit=optional: trained on cpu, saying: ${why[0]}`);
// sharp's libvips is optional too: image files need it, and without it a folder is one line naming the fix.
execFileSync('mkdir', ['-p', path.join(lean, 'imgs')]);
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
for (let i = 0; i < 4; i++) writeFileSync(path.join(lean, 'imgs', `${i}.png`), Buffer.from(PNG_1X1, 'base64'));
const folder = spawnSync('npx', ['dcgan', 'train', '--dataset', 'folder', '--data', 'imgs', '--steps', '1', '--out', 'run2'], {
  cwd: lean, encoding: 'utf8', env: { ...process.env, ...userEnv },
});
const folderLines = folder.stderr.trim().split('\n');
if (folder.status === 0 || folderLines.length !== 1 || !/needs sharp's prebuilt libvips/.test(folderLines[0])) {
  fail(`an image folder without sharp's libvips: exit ${folder.status}, stderr:\n${folder.stderr}`);
}
say(`--omit=optional: an image folder says: ${folderLines[0]}`);
// resvg's binary is optional too: dcgan report says so in one line.
const report = spawnSync('npx', ['dcgan', 'report', '--run', 'run'], { cwd: lean, encoding: 'utf8', env: { ...process.env, ...userEnv } });
const reportLines = report.stderr.trim().split('\n');
if (report.status === 0 || reportLines.length !== 1 || !/needs @resvg\/resvg-js's prebuilt binary/.test(reportLines[0])) {
  fail(`dcgan report without resvg's binary: exit ${report.status}, stderr:\n${report.stderr}`);
}
say(`--omit=optional: dcgan report says: ${reportLines[0]}`);

rmSync(work, { recursive: true, force: true });
say('passed');
