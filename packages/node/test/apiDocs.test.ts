// Every name a package index exports has TSDoc at its declaration (scripts/check-api-docs.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

test("every name the packages' indexes export has a /** ... */ comment at its declaration", () => {
  const check = spawnSync(process.execPath, [path.join(root, 'scripts/check-api-docs.mjs')], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
});
