// Golden validation outcomes from running transformers (test/fixtures/validation/SOURCE.md):
// raised → at least one error, warned → at least one warning or error, passed → no error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';

interface Case { id: string; transformers: string; outcome: 'raised' | 'warned' | 'passed'; config: Record<string, unknown>; exception?: { message?: string } | null; logs: Array<{ message: string }> }

const dir = fileURLToPath(new URL('../fixtures/validation/', import.meta.url));
for (const version of ['4.45.0', '4.57.0', '5.15.0']) {
  const raw = readFileSync(join(dir, `validation_v${version}.json`), 'utf8');
  const cases = JSON.parse(raw) as Case[];
  const tree = parseTree(raw)!;
  test(`golden validation v${version}: ${cases.length} cases`, () => {
    assert.ok(cases.length >= 30);
    cases.forEach((c, i) => {
      // The case's config exactly as written (2.0 stays a float literal), marked as a Llama config.
      const node = findNodeAtLocation(tree, [i, 'config'])!;
      const cfgText = raw.slice(node.offset, node.offset + node.length);
      const text = cfgText.replace(/^\{/, '{"model_type": "llama",');
      const doc = parseDocument('file:///golden/config.json', text);
      const findings = checkDocument(doc, { transformersVersion: version });
      const errors = findings.filter((f) => f.severity === 'error');
      const warnings = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
      const why = `${c.id} (${c.outcome}): ${JSON.stringify(findings.map((f) => `${f.severity} ${f.ruleId}`))} logs=${JSON.stringify(c.logs.map((l) => l.message.slice(0, 80)))}`;
      if (c.outcome === 'raised') assert.ok(errors.length >= 1, why);
      else if (c.outcome === 'warned') assert.ok(warnings.length >= 1, why);
      else assert.equal(errors.length, 0, why);
    });
  });
}

