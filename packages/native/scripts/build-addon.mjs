// Builds the oneDNN addon with node-gyp. Run by npm's `install` lifecycle.
//
// Never fails `npm install`: without oneDNN (libdnnl-dev) the package still installs, the backend
// `native` is simply not registered, and `nativeBackendError()` says why and how to fix it.
// `--strict` (npm run build:addon) exits non-zero instead, for CI and for people debugging the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
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

const header = ['/usr/include/oneapi/dnnl/dnnl.hpp', '/usr/local/include/oneapi/dnnl/dnnl.hpp'].find((p) =>
  existsSync(p),
);
if (!header) warn('oneDNN headers not found (oneapi/dnnl/dnnl.hpp)');

let nodeGyp;
try {
  nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  warn('node-gyp is not installed (it is a devDependency; run npm install in the repository)');
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
