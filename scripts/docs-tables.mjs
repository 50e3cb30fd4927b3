// The README's tables that code declares: written from the declarations, so that the docs cannot drift from them.
//   node scripts/docs-tables.mjs          rewrites the tables in README.md (after `npm run build`)
//   node scripts/docs-tables.mjs --check  exits 1 naming each table that differs (a test runs this)
// A table sits between `<!-- generated: NAME -->` and `<!-- end: NAME -->`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { METRICS, DEFAULT_EVAL_METRICS } = await import(path.join(root, 'packages/core/dist/src/index.js'));
const { TRAIN_OPTIONS } = await import(path.join(root, 'packages/node/dist/src/index.js'));

const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The quality metrics, from core's metric registry. */
function metricsTable() {
  const rows = METRICS.map((m) => {
    const where = 'inTrainingByDefault' in m ? (DEFAULT_EVAL_METRICS.includes(m.name) ? 'eval, train (default)' : 'eval, train') : 'eval';
    return `| \`${m.name}\` | ${cell(m.summary)} | ${m.reads} | ${m.floor.label} (${m.floor.kind}) | ${where} | ${cell(m.source)} |`;
  });
  return ['| metric | what it measures | reads | floor beside it | where | reference |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** `dcgan train`'s options, from node's declarations (trainOptions.ts). */
function trainOptionsTable() {
  const RESUME = { fixed: 'fixed', 'may change': 'may change', 'eval protocol': 'fixed once the run has evaluated' };
  const rows = TRAIN_OPTIONS.map((o) => {
    const value = typeof o.value === 'object' ? o.value.choices.join(' \\| ') : o.value === 'flag' ? '' : (o.placeholder ?? '');
    return `| \`${o.flag}${value === '' ? '' : ` ${value}`}\` | ${cell(o.help)} | ${o.default === undefined ? '' : cell(o.default)} | ${RESUME[o.resume]} |`;
  });
  return ['| option | what | default | on `--resume` |', '|---|---|---|---|', ...rows].join('\n');
}

const TABLES = { metrics: metricsTable, 'train-options': trainOptionsTable };

const readme = path.join(root, 'README.md');
let text = readFileSync(readme, 'utf8');
const stale = [];
for (const [name, make] of Object.entries(TABLES)) {
  const begin = `<!-- generated: ${name} -->`;
  const end = `<!-- end: ${name} -->`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    process.stderr.write(`docs-tables: README.md has no ${begin} ... ${end}\n`);
    process.exit(1);
  }
  const fresh = `${begin}\n${make()}\n${end}`;
  if (text.slice(i, j + end.length) !== fresh) stale.push(name);
  text = text.slice(0, i) + fresh + text.slice(j + end.length);
}
if (process.argv.includes('--check')) {
  if (stale.length > 0) {
    process.stderr.write(`docs-tables: README.md's ${stale.join(', ')} table(s) differ from the code: run node scripts/docs-tables.mjs\n`);
    process.exit(1);
  }
} else {
  writeFileSync(readme, text);
  process.stdout.write(stale.length > 0 ? `docs-tables: rewrote ${stale.join(', ')}\n` : 'docs-tables: up to date\n');
}
