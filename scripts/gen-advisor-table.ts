// Writes the "Extend context…" decision table (core/advisor/table.ts) into README.md between
// <!-- advisor-table --> markers. Part of `npm run docs`; test/unit/advisor-table.test.ts checks it is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withAdvisorTable } from '../core/advisor/table';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const before = readFileSync(readme, 'utf8');
const after = withAdvisorTable(before);
if (after === before && !before.includes('<!-- advisor-table -->')) {
  process.stderr.write('README.md has no <!-- advisor-table --> markers\n');
  process.exitCode = 1;
} else {
  writeFileSync(readme, after);
  process.stdout.write(`README advisor table ${after === before ? 'already current' : 'updated'}\n`);
}
