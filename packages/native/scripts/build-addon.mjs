// Builds the oneDNN addon with node-gyp. Run by npm's `install` lifecycle.
//
// Skips the build when build/Release/dcgan_native.node is newer than binding.gyp and csrc/ (every
// root `npm install` runs this script; a rebuild takes ~20 s). `--force` or `--strict` rebuild.
// Concurrent runs (two `npm install`s) are serialized with a lock directory.
//
// Never fails `npm install`: without oneDNN (libdnnl-dev) the package still installs, the backend
// `native` is simply not registered, and `nativeBackendError()` says why and how to fix it.
// `--strict` (npm run build:addon) exits non-zero instead, for CI and for people debugging the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const force = strict || process.argv.includes('--force');
const require = createRequire(import.meta.url);

function warn(msg) {
  process.stderr.write(`@dcgan-ts/native: ${msg}\n`);
  process.stderr.write(
    '@dcgan-ts/native: the `native` TF.js backend will be unavailable (the `cpu` backend still works).\n' +
      '@dcgan-ts/native: fix: apt-get install -y libdnnl-dev && npm rebuild @dcgan-ts/native\n',
  );
  process.exit(strict ? 1 : 0);
}

if (process.env.DCGAN_SKIP_NATIVE_BUILD === '1') warn('build skipped (DCGAN_SKIP_NATIVE_BUILD=1)');

// An install that got the prebuilt platform package (@dcgan-ts/native-linux-x64 ...) needs no build: the loader
// prefers it (src/binding.ts). Only --force / --strict build from source beside it.
if (!force) {
  const report = process.report?.getReport();
  const musl = process.platform === 'linux' && report?.header?.glibcVersionRuntime === undefined;
  const platformPackage = `@dcgan-ts/native-${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
  try {
    const manifest = require.resolve(`${platformPackage}/package.json`);
    if (existsSync(path.join(path.dirname(manifest), 'lib', 'dcgan_native.node'))) {
      process.stderr.write(`@dcgan-ts/native: using the prebuilt addon of ${platformPackage}; no build needed\n`);
      process.exit(0);
    }
  } catch {
    // not installed: build from source below
  }
}

const addon = path.join(pkgDir, 'build', 'Release', 'dcgan_native.node');
const sources = ['binding.gyp', ...readdirSync(path.join(pkgDir, 'csrc')).map((f) => path.join('csrc', f))];
const upToDate = () =>
  existsSync(addon) && sources.every((f) => statSync(path.join(pkgDir, f)).mtimeMs <= statSync(addon).mtimeMs);

// One build at a time per checkout: mkdir is atomic. A lock older than 10 minutes is stale.
const lock = path.join(os.tmpdir(), `dcgan-native-build-${Buffer.from(pkgDir).toString('hex').slice(-32)}.lock`);
for (let waited = 0; ; waited += 0.5) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
    else if (waited > 300) warn('timed out waiting for another build of the addon');
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
}
process.on('exit', () => rmSync(lock, { recursive: true, force: true }));

if (!force && upToDate()) {
  process.stderr.write('@dcgan-ts/native: addon up to date (npm run build:addon -w @dcgan-ts/native to force)\n');
  process.exit(0);
}

const header = ['/usr/include/oneapi/dnnl/dnnl.hpp', '/usr/local/include/oneapi/dnnl/dnnl.hpp'].find((p) =>
  existsSync(p),
);
if (!header) warn('oneDNN headers not found (oneapi/dnnl/dnnl.hpp)');

let nodeGyp;
try {
  nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  warn('node-gyp is not installed (a devDependency of the repository: npm install there, or npm install -g node-gyp)');
}

// node-gyp downloads Node's headers unless told where they are; machines here are offline. A Node
// installed under a prefix (/usr, /usr/local, nvm) ships them in <prefix>/include/node.
const args = [nodeGyp, 'rebuild'];
const prefix = path.resolve(path.dirname(process.execPath), '..');
if (existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
// Two cores, shared: never more than two compile jobs.
args.push('--jobs=2');

const res = spawnSync(process.execPath, args, { cwd: pkgDir, stdio: 'inherit' });
if (res.status !== 0) warn(`node-gyp rebuild failed (exit ${res.status ?? res.signal})`);
