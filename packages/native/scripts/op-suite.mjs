// Runs TensorFlow.js's own op test suite (tfjs-core/dist/tests.js and its *_test.js) against the
// `native` backend, the way tfjs-node and tfjs-backend-wasm run it against themselves.
//
// tfjs-core ships the tests as extensionless ESM that Node cannot load, so an entry is bundled with
// esbuild (CJS, `module` fields first so everything shares one tfjs-core instance) and run under
// jasmine. Specs listed in test/op-suite-ignore.json (each with its reason) are filtered out.
//
//   npm run test:ops -w @dcgan-ts/native [-- --backend cpu] [-- --filter "conv2d"]
// Exits non-zero when any spec fails.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import * as esbuild from 'esbuild';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const backend = opt('backend', 'native');
const filter = opt('filter', '');

// Without the addon there is no `native` to test: skip with the reason (like the unit tests), or
// fail where the addon is required (CI: DCGAN_REQUIRE_NATIVE=1).
// (binding.js only: importing index.js would load a second tfjs-core next to the bundle's, and
// tfjs keeps its registries on globalThis.)
if (backend === 'native') {
  const { loadAddon } = await import(pathToFileURL(path.join(pkgDir, 'dist', 'src', 'binding.js')).href);
  const r = loadAddon();
  if (!r.ok) {
    const err = `native backend unavailable: ${r.reason}; fix: ${r.fix}`;
    const required = process.env.DCGAN_REQUIRE_NATIVE === '1';
    console.error(`${required ? 'op suite: DCGAN_REQUIRE_NATIVE=1 but' : 'skipping op suite:'} ${err}`);
    process.exit(required ? 1 : 0);
  }
}

const outDir = path.join(pkgDir, 'dist', 'op-suite');
mkdirSync(outDir, { recursive: true });
const entry = path.join(outDir, 'entry.cjs');
const bundle = path.join(outDir, 'bundle.cjs');
const index = path.join(pkgDir, 'dist', 'src', 'index.js');

// Order matters: chained ops and gradients before the tests, the test environment before the specs
// are declared (describeWithFlags reads it at require time).
writeFileSync(entry, `
require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');
require('@tensorflow/tfjs-core/dist/register_all_gradients');
const native = require(${JSON.stringify(index)});
if (${JSON.stringify(backend)} === 'native' && native.nativeBackendError() !== null) {
  throw new Error(native.nativeBackendError());
}
const jasmine_util = require('@tensorflow/tfjs-core/dist/jasmine_util');
jasmine_util.setTestEnvs([{ name: ${JSON.stringify(backend)}, backendName: ${JSON.stringify(backend)}, isDataSync: true }]);
require('@tensorflow/tfjs-core/dist/tests');
`);

const t0 = Date.now();
await esbuild.build({
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  ignoreAnnotations: true,          // the test files are marked side-effect free
  mainFields: ['module', 'main'],   // ESM sources everywhere: one tfjs-core instance in the bundle
  external: ['jasmine-core'],
  // binding.ts finds the addon relative to its own location; keep that its real location.
  define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(pkgDir, 'dist', 'src', 'binding.js')).href) },
  logLevel: 'error',
});
const bundleSeconds = (Date.now() - t0) / 1000;

const ignore = JSON.parse(readFileSync(path.join(pkgDir, 'test', 'op-suite-ignore.json'), 'utf8'));
for (const e of ignore) {
  if (typeof e.spec !== 'string' || typeof e.reason !== 'string' || e.reason.length < 10) {
    throw new Error(`op-suite-ignore.json: every entry needs "spec" and a real "reason": ${JSON.stringify(e)}`);
  }
}
// Only the `native` run skips; `--backend cpu` runs everything (the reference).
const ignored = backend === 'native' ? ignore.map((e) => e.spec) : [];

const Jasmine = require('jasmine');
const runner = new Jasmine({ projectBaseDir: pkgDir });
runner.loadConfig({ spec_files: [], random: false, stopSpecOnExpectationFailure: false });
let skippedByList = 0;
runner.env.configure({
  specFilter: (spec) => {
    const name = spec.getFullName();
    if (filter && !name.includes(filter)) return false;
    if (ignored.some((s) => name.includes(s))) {
      skippedByList++;
      return false;
    }
    return true;
  },
});
let passed = 0, failed = 0, pending = 0;
runner.env.addReporter({
  specDone: (r) => {
    if (r.status === 'passed') passed++;
    else if (r.status === 'failed') failed++;
    else pending++;
  },
  jasmineDone: () => {
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    console.log(`\nop suite on '${backend}': ${pending} pending or excluded by --filter, ${skippedByList} ignored by ` +
      `test/op-suite-ignore.json; ${secs} s (bundle ${bundleSeconds.toFixed(1)} s)`);
    // The plain closing line CI tools read.
    console.log(`ops: ${passed} passed, ${failed} failed, ${pending + skippedByList} skipped`);
  },
});
runner.showColors(process.stdout.isTTY === true);
runner.exitOnCompletion = true;
await runner.execute([bundle]);
