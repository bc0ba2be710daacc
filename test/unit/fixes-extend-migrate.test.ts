// Extend context with YaRN, migrate v4 ⇄ v5, fix-all, JSON writer formatting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { applyEdits } from '../../core/edits';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import { extendWithYarn } from '../../core/fixes/extend-yarn';
import { migrateToV4, migrateToV5 } from '../../core/fixes/migrate';
import { fixAll } from '../../core/fixes/fix-all';
import { jsonWriter } from '../../core/fixes/json-writer';

const URI = 'file:///m/config.json';
const models = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
const read = (f: string) => readFileSync(models + f, 'utf8');
const errorsAndWarnings = (text: string, v = '5.15.0') =>
  checkDocument(parseDocument(URI, text), { transformersVersion: v }).filter((f) => f.severity === 'error' || f.severity === 'warning');

test('extend a v4 config without a block (Qwen2.5-3B, 4-space indent) to 131072', () => {
  const src = JSON.stringify(JSON.parse(read('qwen2.5-3b.json')), null, 4);
  const doc = parseDocument(URI, src);
  const r = extendWithYarn(doc, undefined, 131072);
  assert.ok(r.ok, r.summary);
  assert.equal(r.api, 'v4');
  const out = applyEdits(src, r.edits);
  const j = JSON.parse(out);
  assert.deepEqual(j.rope_scaling, { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 32768 });
  assert.equal(j.max_position_embeddings, 131072);
  assert.match(out, /\n {4}"rope_scaling": \{\n {8}"rope_type": "yarn",\n {8}"factor": 4\.0,/);
  assert.ok(Object.keys(j).indexOf('rope_scaling') === Object.keys(j).indexOf('max_position_embeddings') + 1, 'inserted after max_position_embeddings');
  for (const v of ['4.51.0', '4.57.0', '5.15.0']) assert.deepEqual(errorsAndWarnings(out, v).map((f) => f.ruleId), [], v);
});

test('extend replaces the Qwen README snippet block (keeps type mirror) and fixes the mismatch', () => {
  const src = read('qwen2.5-instruct-yarn-snippet.json');
  const doc = parseDocument(URI, src);
  const r = extendWithYarn(doc, doc.blocks[0], 65536);
  assert.ok(r.ok, r.summary);
  const j = JSON.parse(applyEdits(src, r.edits));
  assert.deepEqual(j.rope_scaling, { type: 'yarn', rope_type: 'yarn', factor: 2, original_max_position_embeddings: 32768 });
  assert.equal(j.max_position_embeddings, 65536);
  assert.equal(r.factor, 2);
});

test('extend a v5 file writes rope_parameters with rope_theta inside and no top-level rope_theta', () => {
  const src = '{\n\t"model_type": "llama",\n\t"max_position_embeddings": 8192,\n\t"rope_parameters": {\n\t\t"rope_type": "default",\n\t\t"rope_theta": 500000.0\n\t}\n}\n';
  const r = extendWithYarn(parseDocument(URI, src), undefined, 32768);
  assert.ok(r.ok, r.summary);
  assert.equal(r.api, 'v5');
  const out = applyEdits(src, r.edits);
  assert.match(out, /\n\t"rope_parameters": \{\n\t\t"rope_type": "yarn",/);
  assert.deepEqual(JSON.parse(out).rope_parameters, { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 8192, rope_theta: 500000 });
  assert.match(out, /"rope_theta": 500000\.0/);
  assert.deepEqual(errorsAndWarnings(out).map((f) => f.ruleId), []);
});

test('extend as v5 on a v4 file moves rope_theta inside; bad targets give a message', () => {
  const src = read('qwen2-7b.json');
  const r = extendWithYarn(parseDocument(URI, src), undefined, 131072, { api: 'v5' });
  const j = JSON.parse(applyEdits(src, r.edits));
  assert.equal(j.rope_theta, undefined);
  assert.equal(j.rope_parameters.rope_theta, 1000000);
  assert.equal(j.rope_parameters.original_max_position_embeddings, 32768);
  assert.equal(extendWithYarn(parseDocument(URI, src), undefined, 1000).ok, false);
  assert.equal(extendWithYarn(parseDocument(URI, src), undefined, Number.NaN).ok, false);
  assert.match(extendWithYarn(parseDocument(URI, '{"model_type":"llama"}'), undefined, 8192).summary, /max_position_embeddings/);
});

test('migrate v4 → v5 → v4 (Llama 3.1) round-trips the values', () => {
  const src = read('llama-3.1-8b.json');
  const v5 = migrateToV5(parseDocument(URI, src));
  assert.ok(v5.ok, v5.summary);
  const t5 = applyEdits(src, v5.edits);
  const j5 = JSON.parse(t5);
  assert.equal(j5.rope_scaling, undefined);
  assert.equal(j5.rope_theta, undefined);
  assert.deepEqual(j5.rope_parameters, { factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192, rope_type: 'llama3', rope_theta: 500000 });
  assert.match(t5, /"factor": 8\.0/);
  assert.deepEqual(errorsAndWarnings(t5).map((f) => f.ruleId), []);
  const back = migrateToV4(parseDocument(URI, t5));
  assert.ok(back.ok, back.summary);
  const j4 = JSON.parse(applyEdits(t5, back.edits));
  assert.deepEqual(j4.rope_scaling, JSON.parse(src).rope_scaling);
  assert.equal(j4.rope_theta, 500000);
});

test('migrate a plain v4 config and a Gemma-style per-layer v5 config', () => {
  const plain = read('mistral-7b-v0.3.json');
  const j = JSON.parse(applyEdits(plain, migrateToV5(parseDocument(URI, plain)).edits));
  assert.deepEqual(j.rope_parameters, { rope_type: 'default', rope_theta: 1000000 });
  const gemma = JSON.stringify({ model_type: 'gemma3_text', max_position_embeddings: 131072, rope_parameters: { full_attention: { rope_type: 'linear', factor: 8.0, rope_theta: 1000000.0 }, sliding_attention: { rope_type: 'default', rope_theta: 10000.0 } } }, null, 2);
  const r = migrateToV4(parseDocument(URI, gemma));
  assert.ok(r.ok, r.summary);
  const g = JSON.parse(applyEdits(gemma, r.edits));
  assert.deepEqual(g.rope_scaling, { rope_type: 'linear', factor: 8 });
  assert.equal(g.rope_theta, 1000000);
  assert.equal(g.rope_local_base_freq, 10000);
  const other = JSON.stringify({ model_type: 'x', rope_parameters: { chunked_attention: { rope_type: 'default', rope_theta: 1.0 }, full_attention: { rope_type: 'default', rope_theta: 1.0 } } });
  assert.equal(migrateToV4(parseDocument(URI, other)).ok, false);
});

test('fix-all converges and leaves no fixable finding (DeepSeek-V3 on 4.57, Qwen snippet on 4.51)', () => {
  for (const [file, v] of [['deepseek-v3.json', '4.57.0'], ['qwen2.5-instruct-yarn-snippet.json', '4.51.0'], ['phi-3.5-mini-instruct.json', '5.15.0']] as const) {
    const src = read(file);
    const r = fixAll(parseDocument(URI, src), { transformersVersion: v });
    assert.ok(r.applied.length > 0, file);
    const after = checkDocument(parseDocument(URI, r.text), { transformersVersion: v });
    assert.deepEqual(after.filter((f) => f.fixes?.some((x) => x.isPreferred)).map((f) => f.ruleId), [], file);
    assert.equal(applyEdits(src, r.edits), r.text);
    assert.deepEqual(after.filter((f) => f.severity === 'error').map((f) => f.ruleId), [], file);
  }
});

test('json writer: floats for float keys, key order kept, CRLF kept', () => {
  const src = '{\r\n  "model_type": "llama",\r\n  "max_position_embeddings": 4096,\r\n  "rope_scaling": {\r\n    "type": "linear",\r\n    "factor": 2\r\n  }\r\n}';
  const doc = parseDocument(URI, src);
  const b = doc.blocks[0]!;
  const out = applyEdits(src, [...jsonWriter.setField(doc, b, 'factor', 2), ...jsonWriter.setField(doc, b, 'rope_type', 'linear')]);
  assert.equal(out, '{\r\n  "model_type": "llama",\r\n  "max_position_embeddings": 4096,\r\n  "rope_scaling": {\r\n    "type": "linear",\r\n    "rope_type": "linear",\r\n    "factor": 2.0\r\n  }\r\n}');
  assert.equal(jsonWriter.formatValue({ a: [1, 2] }), '{"a":[1,2]}');
});
