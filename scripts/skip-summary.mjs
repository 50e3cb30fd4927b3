// A node:test reporter beside `spec`: at the end of the run, one line naming every skipped test or suite with its
// reason, so that a machine without an optional part (oneDNN for `native`, a GPU adapter) says what it did not test.
//
//   node --test --test-reporter=spec --test-reporter-destination=stdout \
//     --test-reporter=./scripts/skip-summary.mjs --test-reporter-destination=stdout ...
export default async function* skipSummary(source) {
  const byReason = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' || !event.data.skip) continue;
    const reason = typeof event.data.skip === 'string' ? event.data.skip : 'skipped';
    if (!byReason.has(reason)) byReason.set(reason, []);
    byReason.get(reason).push(event.data.name);
  }
  const count = [...byReason.values()].reduce((n, names) => n + names.length, 0);
  if (count === 0) {
    yield '# skipped: none\n';
    return;
  }
  const groups = [...byReason].map(([reason, names]) => `${names.map((n) => JSON.stringify(n)).join(', ')} (${reason})`);
  yield `# skipped ${count}: ${groups.join('; ')}\n`;
}
