// Fills the prebuilt platform package (packages/native-<platform>/lib) from the source build: the addon, and the shared
// libraries it needs that a user's machine may lack (oneDNN, OpenMP, the OpenCL loader oneDNN links), each under its
// soname, with their copyright files. The addon finds them through its RPATH $ORIGIN (binding.gyp). Then it loads the
// copy in a fresh process, with the libraries resolved from lib/ (checked with ldd), before calling it done.
//
//   npm run build:addon -w @dcgan-ts/native && node packages/native/scripts/prebuild.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { platformId } = await import(path.join(nativeDir, 'dist', 'src', 'binding.js'));
const platform = platformId();
const pkgDir = path.resolve(nativeDir, '..', `native-${platform}`);
const fail = (msg) => {
  process.stderr.write(`prebuild: ${msg}\n`);
  process.exit(1);
};
if (!existsSync(path.join(pkgDir, 'package.json'))) fail(`no platform package for ${platform} (${pkgDir}/package.json)`);
const addon = path.join(nativeDir, 'build', 'Release', 'dcgan_native.node');
if (!existsSync(addon)) fail(`no source build at ${addon}: run npm run build:addon -w @dcgan-ts/native`);

// The libraries to ship, by soname, and the Debian package whose copyright file covers each.
const SHIPPED = { 'libdnnl.so.2': 'libdnnl2', 'libgomp.so.1': 'libgomp1', 'libOpenCL.so.1': 'ocl-icd-libopencl1' };

const lib = path.join(pkgDir, 'lib');
rmSync(lib, { recursive: true, force: true });
mkdirSync(path.join(lib, 'LICENSES'), { recursive: true });
copyFileSync(addon, path.join(lib, 'dcgan_native.node'));
const resolved = Object.fromEntries(
  execFileSync('ldd', [addon], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\S+) => (\S+)/.exec(l))
    .filter((m) => m !== null)
    .map((m) => [m[1], m[2]]),
);
for (const [soname, debianPackage] of Object.entries(SHIPPED)) {
  const from = resolved[soname];
  if (!from || from === 'not') fail(`${soname} is not resolved for ${addon}`);
  copyFileSync(realpathSync(from), path.join(lib, soname));
  const copyright = `/usr/share/doc/${debianPackage}/copyright`;
  if (existsSync(copyright)) copyFileSync(copyright, path.join(lib, 'LICENSES', `${soname}.txt`));
  else fail(`no copyright file for ${soname} (${copyright})`);
}

// The copy must take its libraries from lib/, not from the system.
const copied = execFileSync('ldd', [path.join(lib, 'dcgan_native.node')], { encoding: 'utf8' });
for (const soname of Object.keys(SHIPPED)) {
  const line = copied.split('\n').find((l) => l.trim().startsWith(soname));
  if (!line?.includes(lib)) fail(`the copied addon does not resolve ${soname} from ${lib}: ${line?.trim()}`);
}
const check = spawnSync(process.execPath, ['-e', `const a = require(${JSON.stringify(path.join(lib, 'dcgan_native.node'))}); console.log(JSON.stringify(a.info()))`], { encoding: 'utf8' });
if (check.status !== 0) fail(`the copied addon does not load: ${check.stderr.trim()}`);
process.stdout.write(`prebuild: ${path.relative(process.cwd(), lib)} ready for ${platform}: ${check.stdout.trim()}\n`);
