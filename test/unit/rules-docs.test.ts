// docs/rules.md and the README rule table are generated from the rules: they must be up to date (npm run docs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRulesDoc, withReadmeTable } from '../../scripts/gen-rule-docs';
import { allRules } from '../../core/rules/index';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('docs/rules.md is up to date and has an anchor per rule', () => {
  const doc = readFileSync(`${root}docs/rules.md`, 'utf8');
  assert.equal(doc, renderRulesDoc(), 'run `npm run docs`');
  for (const r of allRules()) assert.ok(doc.includes(`<a id="${r.id}"></a>`), r.id);
});

test('README rules section is up to date', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  assert.equal(readme, withReadmeTable(readme), 'run `npm run docs`');
});
