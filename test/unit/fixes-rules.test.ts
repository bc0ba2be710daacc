// Every fix every rule offers: apply it, re-parse, re-check under the same version: the file is still a valid
// config and the finding it fixed is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../core/edits';
import { CASES } from './rules-cases-data';
import { check, parse } from './rules-helpers';
import { jsonData } from '../../core/parse/json';

let fixCount = 0;
for (const c of CASES.filter((x) => x.fires)) {
  test(`fixes of ${c.rule} @${c.version} re-check clean`, () => {
    const findings = check(c.text, c.version).filter((f) => f.ruleId === c.rule);
    for (const f of findings) {
      const preferred = (f.fixes ?? []).filter((x) => x.isPreferred);
      assert.ok(preferred.length <= 1, 'at most one preferred fix');
      for (const fix of f.fixes ?? []) {
        fixCount++;
        const out = applyEdits(c.text, fix.edits);
        const doc = parse(out);
        assert.equal(jsonData(doc)!.syntaxErrors.length, 0, `${fix.title} broke the JSON:\n${out}`);
        assert.ok(doc.relevant);
        const again = check(out, c.version).filter((g) => g.ruleId === f.ruleId && g.message === f.message);
        assert.equal(again.length, 0, `${fix.title} did not clear: ${f.message}\n${out}`);
      }
    }
  });
}

test('fixes were exercised', () => {
  assert.ok(fixCount >= 40, `only ${fixCount} fixes`);
});
