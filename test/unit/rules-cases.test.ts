// Every core rule fires on a config that has the problem and stays quiet on one that does not,
// under the transformers version whose behaviour it describes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allRules } from '../../core/rules/index';
import { check } from './rules-helpers';
import { CASES } from './rules-cases-data';

for (const c of CASES) {
  test(`${c.rule} ${c.fires ? 'fires' : 'quiet'} @${c.version}: ${c.text.replace(/\s+/g, ' ').slice(150, 260)}`, () => {
    const found = check(c.text, c.version).filter((f) => f.ruleId === c.rule);
    if (!c.fires) return assert.equal(found.length, 0, JSON.stringify(found.map((f) => f.message)));
    assert.ok(found.length >= 1, `expected ${c.rule}`);
    if (c.severity) assert.equal(found[0]!.severity, c.severity, found[0]!.message);
    if (c.message) assert.match(found.map((f) => f.message).join('\n'), c.message);
  });
}

test('every rule has full docs; every rule that reads config.json has a firing case', () => {
  const covered = new Set(CASES.filter((c) => c.fires).map((c) => c.rule));
  for (const r of allRules()) {
    // Reported by the checker (analysis-failed) or the CLI (syntax-error), not run as rules: tested in security-*.test.ts.
    if (!r.check && !r.checkDocument) continue;
    // Rules limited to other dialects fire in the dialect tests (test/unit/dialect-*.test.ts).
    if (!r.dialects || r.dialects.includes('json')) assert.ok(covered.has(r.id), `no firing case for ${r.id}`);
    assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const k of ['summary', 'why', 'frameworks', 'fix'] as const) assert.ok(r.docs[k].length > 20, `${r.id}.${k}`);
  }
});
