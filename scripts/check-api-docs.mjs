// Each package's public API has TSDoc: every name a package index (packages/<pkg>/src/index.ts) exports, re-exported
// or declared there, has a `/** ... */` comment directly above its declaration. A re-export of a re-export (from
// another module, or an import from @dcgan-ts/<pkg> exported again) is followed to the declaration.
//   node scripts/check-api-docs.mjs [pkg ...]   exits 1 listing each name without one (a test runs this)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packages = process.argv.length > 2 ? process.argv.slice(2) : ['core', 'node', 'native', 'webgpu'];

const KINDS = '(?:function\\*?|const|let|var|class|interface|type|enum|namespace)';
/** A line that declares `name` (exported or not). */
const declares = (name) =>
  new RegExp(`^(export\\s+)?(declare\\s+)?(default\\s+)?(abstract\\s+)?(async\\s+)?${KINDS}\\s+${name.replaceAll('$', '\\$')}\\b`);

const sources = new Map();
/** A source file's text with its lines. */
function source(file) {
  if (!sources.has(file)) {
    const text = readFileSync(file, 'utf8');
    sources.set(file, { text, lines: text.split('\n') });
  }
  return sources.get(file);
}

/** The .ts file a module specifier in `from` names: a relative path, or a workspace package's index. */
function resolveSpecifier(from, spec) {
  const pkg = /^@dcgan-ts\/([\w-]+)$/.exec(spec);
  if (pkg) return path.join(root, 'packages', pkg[1], 'src/index.ts');
  if (!spec.startsWith('.')) return null;
  const file = path.resolve(path.dirname(from), spec.replace(/\.js$/, '.ts'));
  if (existsSync(file)) return file;
  const index = path.join(file.replace(/\.ts$/, ''), 'index.ts');
  return existsSync(index) ? index : null;
}

/** The names in a `{ a, type b, c as d }` list: [name inside the module, name outside]. */
function names(list) {
  return list
    .replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '')
    .split(',')
    .map((s) => s.trim().replace(/^type\s+/, ''))
    .filter(Boolean)
    .map((s) => {
      const [inner, outer] = s.split(/\s+as\s+/);
      return [inner, outer ?? inner];
    });
}

/** The `export { ... } from '...'` (or `import { ... } from '...'`) lists of a text: each name with its module. */
function lists(text, keyword) {
  const out = [];
  for (const m of text.matchAll(new RegExp(`^${keyword}\\s+(?:type\\s+)?\\{([^}]*)\\}\\s*from\\s*'([^']+)'`, 'gm'))) {
    for (const [inner, outer] of names(m[1])) out.push({ inner, outer, spec: m[2] });
  }
  return out;
}

/**
 * Where `name`, as `file` exports it, is declared: { file, line } (0-based), following re-exports (`export { x }
 * from`, or an import exported again by `export { x };`), or null.
 */
function declaration(file, name, seen = new Set()) {
  const key = `${file}#${name}`;
  if (file === null || seen.has(key) || !existsSync(file)) return null;
  seen.add(key);
  const { text, lines } = source(file);
  const exported = lines.findIndex((l) => l.startsWith('export') && declares(name).test(l));
  if (exported >= 0) return { file, line: exported };
  const reExport = lists(text, 'export').find((r) => r.outer === name);
  if (reExport) return declaration(resolveSpecifier(file, reExport.spec), reExport.inner, seen);
  for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}\s*;?\s*$/gm)) {
    const hit = names(m[1]).find(([, outer]) => outer === name);
    if (!hit) continue;
    const imported = lists(text, 'import').find((r) => r.outer === hit[0]);
    if (imported) return declaration(resolveSpecifier(file, imported.spec), imported.inner, seen);
    const local = lines.findIndex((l) => declares(hit[0]).test(l));
    return local >= 0 ? { file, line: local } : null;
  }
  return null;
}

/** Whether a `/** ... *\/` comment ends directly above line i (decorators and `//` lines between are skipped). */
function documented(lines, i) {
  let j = i - 1;
  while (j >= 0 && (lines[j].trim().startsWith('@') || lines[j].trim().startsWith('//'))) j--;
  if (!(lines[j] ?? '').trim().endsWith('*/')) return false;
  while (j >= 0 && !lines[j].includes('/*')) j--;
  return j >= 0 && /\/\*\*(?!\/)/.test(lines[j]);
}

const rel = (file) => path.relative(root, file);
let failures = 0;
for (const pkg of packages) {
  const index = path.join(root, 'packages', pkg, 'src/index.ts');
  const { text, lines } = source(index);
  if (/^export\s+\*/m.test(text)) {
    console.log(`api docs: ${pkg}: ${rel(index)} has \`export *\`; list the names users may rely on`);
    failures++;
  }
  const missing = [];
  let total = 0;
  for (const r of lists(text, 'export')) {
    total++;
    const found = declaration(resolveSpecifier(index, r.spec), r.inner);
    if (found === null) missing.push(`${r.outer}: declaration not found (from '${r.spec}' in ${rel(index)})`);
    else if (!documented(source(found.file).lines, found.line)) missing.push(`${r.outer} ${rel(found.file)}:${found.line + 1}`);
  }
  // names the index declares itself
  let local = 0;
  const localMissing = [];
  const decl = new RegExp(`^export\\s+(declare\\s+)?(abstract\\s+)?(async\\s+)?${KINDS}\\s+([\\w$]+)`);
  lines.forEach((l, i) => {
    const m = decl.exec(l);
    if (!m) return;
    local++;
    if (!documented(lines, i)) localMissing.push(`${m[4]} ${rel(index)}:${i + 1}`);
  });
  const also = local > 0 ? `, ${local - localMissing.length} of ${local} declared in the index` : '';
  console.log(`api docs: ${pkg}: ${total - missing.length} of ${total} re-exported names documented${also}`);
  for (const x of [...missing, ...localMissing]) console.log(`  ${x}`);
  failures += missing.length + localMissing.length;
}
if (failures > 0) {
  console.log(`api docs: ${failures} problem(s): a name without a /** ... */ comment directly above its declaration, or an \`export *\``);
  process.exit(1);
}
