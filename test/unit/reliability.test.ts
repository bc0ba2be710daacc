// Values in messages, own-property lookups, the size and nesting guard, bounded explain text.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatValue, formatSource, own, ownTable, setOwn, VALUE_MAX_CHARS } from '../../core/format';
import { parseDocument } from '../../core/parse/index';
import { checkDocument, SIZE_GUARD_ID } from '../../core/check';
import { ANALYSED_MAX_CHARS, MAX_NESTING } from '../../core/parse/size-guard';
import { explainDocument, renderExplainText, EXPLAIN_TEXT_MAX_BLOCKS } from '../../core/explain';
import { setupDialects } from './dialect-setup';
import { bigInput, BIG_URIS } from '../bench/big-inputs';

before(setupDialects);

const JUNK = /\bundefined\b|\bNaN\b|\[object Object\]/;

test('formatValue never prints JavaScript defaults and stays bounded', () => {
  for (const v of [undefined, NaN, Infinity, -Infinity, null, {}, [], { a: { b: [1, NaN, undefined] } }, Object.create(null), () => 1, Symbol('s'), 10n]) {
    const s = formatValue(v);
    assert.doesNotMatch(s, JUNK, s);
  }
  assert.equal(formatValue(NaN), 'nan');
  assert.equal(formatValue(-Infinity), '-inf');
  assert.equal(formatValue(4), '4');
  assert.equal(formatValue('yarn'), '"yarn"');
  fc.assert(fc.property(fc.anything(), (v) => {
    const s = formatValue(v);
    assert.doesNotMatch(s, JUNK);
    // Containers are abbreviated: bounded by the limit plus one last element's own bound.
    assert.ok(s.length <= 3 * VALUE_MAX_CHARS + 40, `${s.length} chars`);
  }), { numRuns: 300, seed: 18 });
  assert.equal(formatSource('  MY_TYPE  '), '`MY_TYPE`');
});

test('own-property lookups: prototype keys are ordinary keys', () => {
  const t = ownTable({ a: 1 });
  assert.equal(t['__proto__'], undefined);
  assert.equal(t['toString'], undefined);
  assert.equal(own({ a: 1 }, 'constructor'), undefined);
  const o: Record<string, unknown> = {};
  setOwn(o, '__proto__', { factor: 8 });
  assert.equal(Object.getPrototypeOf(o), Object.prototype, 'the prototype is untouched');
  assert.deepEqual(Object.keys(o), ['__proto__']);
});

test('a "__proto__" key in a rope block is reported by its value, in every dialect', () => {
  const cases: [string, string][] = [
    ['file:///c/config.json', '{"model_type": "qwen2", "max_position_embeddings": 32768, "rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768, "__proto__": {"factor": 8}, "constructor": 3}}'],
    ['file:///c/r.yaml', 'rope_scaling:\n  rope_type: yarn\n  factor: 4.0\n  original_max_position_embeddings: 32768\n  __proto__: 16\n'],
    ['file:///c/t.py', 'cfg.rope_scaling = {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768, "__proto__": 16, "type": MY_TYPE}\n'],
  ];
  for (const [uri, text] of cases) {
    const doc = parseDocument(uri, text);
    assert.equal(doc.blocks.length, 1, uri);
    assert.equal(doc.blocks[0]!.params['factor'], 4, `${uri}: factor is the block's own, not an inherited one`);
    const fs = checkDocument(doc);
    const proto = fs.find((f) => f.message.includes('__proto__'));
    assert.ok(proto, `${uri}: the __proto__ key is reported`);
    for (const f of fs) assert.doesNotMatch(f.message, JUNK, f.message);
  }
});

test('a non-literal rope type is shown by its source text', () => {
  const fs = checkDocument(parseDocument('file:///c/t.py', 'cfg.rope_scaling = {"rope_type": pick_type(), "factor": 4.0}\n'));
  const f = fs.find((x) => x.ruleId === 'unknown-rope-type');
  assert.ok(f);
  assert.match(f.message, /`pick_type\(\)`/);
});

test('size guard: past the limit one information finding says where analysis stopped; ordinary files unchanged', () => {
  const small = bigInput('yaml', 64 * 1024);
  const smallDoc = parseDocument(BIG_URIS.yaml, small);
  assert.equal(smallDoc.analysedLength, undefined);
  assert.ok(!checkDocument(smallDoc).some((f) => f.ruleId === SIZE_GUARD_ID));
  const big = bigInput('yaml', ANALYSED_MAX_CHARS.yaml + 200_000);
  const doc = parseDocument(BIG_URIS.yaml, big);
  assert.ok(doc.analysedLength! <= ANALYSED_MAX_CHARS.yaml && doc.analysedLength! > 0);
  assert.equal(doc.text, big, 'the document keeps its whole text');
  const fs = checkDocument(doc);
  const info = fs.filter((f) => f.ruleId === SIZE_GUARD_ID);
  assert.equal(info.length, 1);
  assert.equal(info[0]!.severity, 'information');
  assert.match(info[0]!.message, /first 1\.0 MB of this 1\.2 MB file/);
  // The block near the top is still checked the same way as in the small file.
  const ids = (xs: typeof fs): string[] => xs.filter((f) => f.ruleId !== SIZE_GUARD_ID).map((f) => `${f.ruleId}@${f.span.offset}`);
  assert.deepEqual(ids(fs), ids(checkDocument(smallDoc)));
  assert.ok(!checkDocument(doc, { rules: { [SIZE_GUARD_ID]: 'off' } }).some((f) => f.ruleId === SIZE_GUARD_ID));
});

test('size guard: a JSON config cut by the limit is still analysed (unclosed objects at the cut are not errors)', () => {
  const doc = parseDocument(BIG_URIS.json, bigInput('json', ANALYSED_MAX_CHARS.json + 100_000));
  assert.ok(doc.relevant);
  assert.equal(doc.blocks.length, 1);
});

test('nesting guard: analysis stops before a line nesting deeper than the limit, and says so', () => {
  const text = `cfg.rope_scaling = {"rope_type": "linear", "factor": 0.5}\nx = ${'['.repeat(MAX_NESTING + 5)}${']'.repeat(MAX_NESTING + 5)}\n`;
  const doc = parseDocument('file:///d/t.py', text);
  assert.equal(doc.analysedLength, text.indexOf('\nx = ') + 1);
  const fs = checkDocument(doc);
  assert.ok(fs.some((f) => f.ruleId === 'invalid-factor'), 'the block before the deep line is checked');
  assert.match(fs.find((f) => f.ruleId === SIZE_GUARD_ID)!.message, /nest more than 200 levels/);
  const shallow = `x = ${'['.repeat(50)}${']'.repeat(50)}\n` + text.split('\n')[0]! + '\n';
  assert.equal(parseDocument('file:///d/t.py', shallow).analysedLength, undefined);
});

test('explain text is bounded in blocks and rows', () => {
  const text = bigInput('vllm-script', 64 * 1024);
  const res = explainDocument(parseDocument(BIG_URIS['vllm-script'], text));
  assert.ok(res.blocks.length > EXPLAIN_TEXT_MAX_BLOCKS);
  const out = renderExplainText(res);
  assert.match(out, new RegExp(`${res.blocks.length - EXPLAIN_TEXT_MAX_BLOCKS} more rope blocks not shown`));
  assert.ok(out.length < 256 * 1024, `${out.length} chars`);
  assert.doesNotMatch(out, JUNK);
});

test('a non-finite length (YAML .nan / .inf) reads as missing in the effective-context line, never as NaN', () => {
  for (const v of ['.nan', '.inf', '-.inf']) {
    const text = `base_model: Qwen/Qwen2.5-7B-Instruct\nsequence_len: 131072\nrope_scaling:\n  type: yarn\n  factor: 4\n  original_max_position_embeddings: ${v}\n`;
    const doc = parseDocument('file:///w/axolotl.yaml', text);
    assert.equal(doc.blocks.length, 1, v);
    const out = renderExplainText(explainDocument(doc));
    const ctxLine = out.split('\n').find((l) => l.includes('--yarn-orig-ctx')) ?? '';
    assert.match(ctxLine, /--yarn-orig-ctx \d+ -c \d+/, `${v}: ${out}`);
    assert.doesNotMatch(ctxLine, /NaN|nan|Infinity|inf\b/, `${v}: ${ctxLine}`);
  }
});
