// checkDocument options (severity overrides, "off", ignore), suppression comments, and the real model configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import { isSuppressed, parseSuppressions, suppressionsFor } from '../../core/suppress';
import type { ParsedDocument } from '../../core/model';

const URI = 'file:///m/config.json';
const snippet = readFileSync(fileURLToPath(new URL('../fixtures/models/qwen2.5-instruct-yarn-snippet.json', import.meta.url)), 'utf8');

test('severity overrides, off and ignore', () => {
  const doc = parseDocument(URI, snippet);
  const base = checkDocument(doc, { transformersVersion: '4.51.0' });
  assert.ok(base.some((f) => f.ruleId === 'yarn-factor-mismatch' && f.severity === 'error'));
  const lowered = checkDocument(doc, { transformersVersion: '4.51.0', rules: { 'yarn-factor-mismatch': 'hint' } });
  assert.equal(lowered.find((f) => f.ruleId === 'yarn-factor-mismatch')!.severity, 'hint');
  const off = checkDocument(doc, { transformersVersion: '4.51.0', rules: { 'yarn-factor-mismatch': 'off' } });
  assert.ok(!off.some((f) => f.ruleId === 'yarn-factor-mismatch'));
  const ignored = checkDocument(doc, { transformersVersion: '4.51.0', ignore: ['yarn-factor-mismatch', 'legacy-type-key'] });
  assert.deepEqual(ignored.filter((f) => ['yarn-factor-mismatch', 'legacy-type-key'].includes(f.ruleId)), []);
  // Unknown version text falls back to the latest.
  assert.deepEqual(checkDocument(doc, { transformersVersion: 'banana' }).map((f) => f.ruleId), checkDocument(doc).map((f) => f.ruleId));
});

test('suppression comments (commented dialects, callback vets the #)', () => {
  const text = 'a = 1  # ropelens-disable-next-line unknown-key, int-where-float\nrope = {...}\n# ropelens-disable-file static-yarn-advice\ns = "# ropelens-disable-file all-the-things"\n';
  const all = parseSuppressions(text);
  assert.ok(isSuppressed(all, 'unknown-key', 1));
  assert.ok(isSuppressed(all, 'int-where-float', 1));
  assert.ok(!isSuppressed(all, 'unknown-key', 2));
  assert.ok(isSuppressed(all, 'static-yarn-advice', 7));
  assert.ok(isSuppressed(all, 'all-the-things', 0));
  const vetted = parseSuppressions(text, (o) => text.lastIndexOf('"', o) < text.lastIndexOf('\n', o));
  assert.ok(!isSuppressed(vetted, 'all-the-things', 0));
  assert.ok(isSuppressed(parseSuppressions('# ropelens-disable-next-line\nx'), 'anything', 1));
  assert.equal(suppressionsFor('json', '{"a": "# ropelens-disable-file x"}'), undefined);
  // Through checkDocument: a (fake) YAML document whose block is on line 1.
  const yamlText = '# ropelens-disable-next-line missing-rope-type\nrope_scaling: {factor: 4.0}\n';
  const jsonish = parseDocument(URI, '{"model_type":"llama","rope_scaling":{"factor":4.0}}');
  const b = { ...jsonish.blocks[0]!, dialect: 'yaml' as const, span: { offset: yamlText.indexOf('{'), length: 13 }, keySpan: { offset: yamlText.indexOf('rope_scaling'), length: 12 } };
  const doc: ParsedDocument = { uri: 'file:///r.yaml', text: yamlText, dialect: 'yaml', relevant: true, blocks: [b] };
  assert.ok(!checkDocument(doc).some((f) => f.ruleId === 'missing-rope-type'));
  assert.ok(checkDocument({ ...doc, text: yamlText.replace('missing-rope-type', 'other') }).some((f) => f.ruleId === 'missing-rope-type'));
});

test('real model configs: no error where transformers accepts them', () => {
  const dir = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 20);
  for (const v of ['4.45.0', '4.57.0', '5.15.0']) {
    for (const f of files) {
      const doc = parseDocument(URI, readFileSync(dir + f, 'utf8'));
      assert.ok(doc.relevant, f);
      const errors = checkDocument(doc, { transformersVersion: v }).filter((x) => x.severity === 'error');
      assert.deepEqual(errors.map((e) => `${e.ruleId}: ${e.message}`), [], `${f} @${v}`);
    }
  }
  // The one deliberate exception: the Qwen README snippet on 4.51–4.55 loads, but YaRN silently becomes factor 1.
  const doc = parseDocument(URI, snippet);
  assert.deepEqual(checkDocument(doc, { transformersVersion: '4.53.0' }).filter((x) => x.severity === 'error').map((e) => e.ruleId), ['yarn-factor-mismatch']);
});
