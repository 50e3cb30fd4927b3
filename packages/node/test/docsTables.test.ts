// The README's generated tables (the metrics, dcgan train's options) match the declarations they are written from.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

test("README's metric and train-option tables are written from the registry and the declarations", () => {
  const check = spawnSync(process.execPath, [path.join(root, 'scripts/docs-tables.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});
