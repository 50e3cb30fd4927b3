// Packs the packages as they would be published, into one folder of .tgz files that `npm install ./*.tgz` takes:
//
//   npm run build && node scripts/pack-release.mjs [--out DIR]      (default DIR: release/)
//
// - the prebuilt platform package of this machine (@dcgan-ts/native-linux-x64) is filled from the source build
//   (packages/native/scripts/prebuild.mjs: the addon with libdnnl, libgomp, libOpenCL, checked with ldd) and packed;
// - @dcgan-ts/native is packed with the platform packages as optionalDependencies, injected here rather than kept in
//   its package.json: in the repository they are not installable (lib/ is a build output, and npm would look them up
//   in the registry), and npm installs an optional dependency only where its os/cpu/libc match, as sharp ships libvips.
// Prints the tarballs, one per line, last.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = path.resolve(outArg === -1 ? path.join(root, 'release') : process.argv[outArg + 1]);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The packages a user installs, dependencies first. */
const PACKAGES = ['core', 'webgpu', 'studio', 'native', 'node', 'cli'];

function fail(message) {
  process.stderr.write(`pack-release: ${message}\n`);
  process.exit(1);
}

function pack(dir) {
  const json = execFileSync(npm, ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return path.join(out, JSON.parse(json)[0].filename);
}

/** The file that shows a package is built: the page, the command's entry, else the library's index. */
const BUILT = { studio: 'dist/index.html', cli: 'dist/src/main.js' };
for (const p of PACKAGES) {
  if (!existsSync(path.join(root, 'packages', p, BUILT[p] ?? 'dist/src/index.js'))) {
    fail(`packages/${p} is not built: run npm run build first`);
  }
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// Platform packages: this machine's is filled from the source build when there is one; others come from their own CI.
const platformPackages = readdirSync(path.join(root, 'packages')).filter((d) => d.startsWith('native-'));
const { platformId } = await import(path.join(root, 'packages/native/dist/src/binding.js'));
const here = `native-${platformId()}`;
const tarballs = [];
const prebuilt = {};
if (platformPackages.includes(here) && existsSync(path.join(root, 'packages/native/build/Release/dcgan_native.node'))) {
  // Its report goes to stderr: stdout carries only the list of tarballs.
  execFileSync(process.execPath, [path.join(root, 'packages/native/scripts/prebuild.mjs')], { stdio: ['ignore', 2, 2] });
  const dir = path.join(root, 'packages', here);
  const { name, version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  tarballs.push(pack(dir));
  prebuilt[name] = version;
} else {
  process.stderr.write(`pack-release: no prebuilt addon for ${platformId()} (no packages/${here} or no source build); @dcgan-ts/native builds from source on install\n`);
}

for (const p of PACKAGES) {
  const dir = path.join(root, 'packages', p);
  const manifestFile = path.join(dir, 'package.json');
  const original = readFileSync(manifestFile, 'utf8');
  try {
    if (p === 'native' && Object.keys(prebuilt).length > 0) {
      const manifest = JSON.parse(original);
      manifest.optionalDependencies = { ...manifest.optionalDependencies, ...prebuilt };
      writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
    }
    tarballs.push(pack(dir));
  } finally {
    writeFileSync(manifestFile, original);
  }
}
process.stdout.write(tarballs.join('\n') + '\n');
