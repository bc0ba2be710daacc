// Hostile files: absurd dimensions are reported by name and never allocated; a failing rule or parser becomes an
// analysis-failed finding while the rest of the document is still analysed (issue: hostile files, point 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setupDialects, analyse, ROOT } from './dialect-setup';
import { checkDocument } from '../../core/check';
import { explainDocument, renderExplainText } from '../../core/explain';
import { hoverAt } from '../../core/hover';
import { parseDocument } from '../../core/parse/index';
import type { Rule } from '../../core/rules/types';
import { computeRope } from '../../core/rope/index';
import { boundedInt, MAX_ROTARY_DIM, MAX_THREADS } from '../../core/limits';

const HOSTILE = join(ROOT, 'test', 'fixtures', 'hostile');
const read = (f: string): string => readFileSync(join(HOSTILE, f), 'utf8');

test('setup', async () => {
  await setupDialects();
});

const CASES: [file: string, value: RegExp][] = [
  ['serve.sh', /partial_rotary_factor 10,000,000/],
  ['compose.yaml', /partial_rotary_factor 10,000,000/],
  ['hf-overrides.sh', /head_dim 1,000,000,000/],
  ['huge-partial.py', /partial_rotary_factor 9,007,199,254,740,99\d/],
];

for (const [file, value] of CASES) {
  test(`${file}: a value-out-of-range error names the value; explain and hover stay small`, () => {
    const { doc, findings } = analyse(`file:///w/${file}`, read(file));
    assert.ok(doc.blocks.length >= 1, 'the block is found');
    const f = findings.find((x) => x.ruleId === 'value-out-of-range');
    assert.ok(f, `no value-out-of-range finding in ${findings.map((x) => x.ruleId).join(', ')}`);
    assert.equal(f.severity, 'error');
    assert.match(f.message, value);
    assert.ok(!findings.some((x) => x.ruleId === 'analysis-failed'), 'nothing failed');
    const ex = explainDocument(doc);
    assert.match(ex.blocks[0]!.error ?? '', value);
    assert.ok(ex.blocks[0]!.invFreq.length <= MAX_ROTARY_DIM / 2);
    assert.ok(renderExplainText(ex).length < 20_000);
    const h = hoverAt(doc, doc.blocks[0]!.span.offset + 1);
    assert.ok(h, 'a hover');
    assert.match(h.markdown, /not computed/);
  });
}

test('computeRope never sizes arrays by an absurd dimension', () => {
  for (const facts of [{ headDim: 2_000_000_000 }, { hiddenSize: 1e12, numAttentionHeads: 1 }, { qkRopeHeadDim: 1e9 }, { headDim: 128, partialRotaryFactor: 1e15 }]) {
    const r = computeRope({ params: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 4096 }, facts, transformersVersion: '4.57' });
    assert.ok(r.invFreq.length <= MAX_ROTARY_DIM / 2, JSON.stringify(facts));
    assert.match(r.error ?? '', /limit of 16,384/);
  }
  const p = computeRope({ params: { rope_type: 'proportional', factor: 1, partial_rotary_factor: 0.25 }, facts: { headDim: 1e10 } });
  assert.ok(p.invFreq.length <= MAX_ROTARY_DIM / 2);
  // Ordinary dims are untouched.
  const ok = computeRope({ params: { rope_type: 'yarn', factor: 4 }, facts: { headDim: 256, maxPositionEmbeddings: 4096 } });
  assert.equal(ok.invFreq.length, 128);
  assert.equal(ok.error, undefined);
});

test('boundedInt names the value past the limit', () => {
  assert.equal(boundedInt('8', '--threads', MAX_THREADS), 8);
  assert.match(String(boundedInt('100000', '--threads', MAX_THREADS)), /--threads 100000 is above the limit of 32/);
  assert.match(String(boundedInt('0', '--threads', MAX_THREADS)), /positive integer/);
  assert.match(String(boundedInt('9'.repeat(400), '--seq-len', 1 << 30)), /--seq-len 9{24}… is above the limit/);
});

test('a rule that throws yields one analysis-failed finding on its block; other blocks and rules still report', () => {
  const text = JSON.stringify({
    model_type: 'llama', max_position_embeddings: 4096,
    rope_scaling: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 4096 },
    text_config: { model_type: 'llama', max_position_embeddings: 4096, rope_scaling: { factor: 2 } },
  }, null, 2);
  const doc = parseDocument('file:///w/config.json', text);
  assert.equal(doc.blocks.length, 2);
  const clean = checkDocument(doc);
  const failing: Rule[] = [{
    id: 'test-throws-on-yarn',
    defaultSeverity: 'warning',
    docs: { summary: 's', why: 'w', frameworks: 'f', fix: 'x' },
    check(block) {
      if (block.params['rope_type'] === 'yarn') throw new TypeError('boom on purpose');
      return [];
    },
  }, {
    id: 'test-throws-twice',
    defaultSeverity: 'warning',
    docs: { summary: 's', why: 'w', frameworks: 'f', fix: 'x' },
    check(block) {
      if (block.params['rope_type'] === 'yarn') throw new Error('again');
      return [];
    },
  }];
  const findings = checkDocument(doc, { extraRules: failing });
  const failed = findings.filter((f) => f.ruleId === 'analysis-failed');
  assert.equal(failed.length, 1, 'one per block');
  assert.equal(failed[0]!.blockPath, '/rope_scaling');
  assert.match(failed[0]!.message, /^Analysis failed for this block \(rule test-throws-on-yarn\): TypeError: boom on purpose/);
  // Every finding of the working rules is still there.
  assert.deepEqual(findings.filter((f) => f.ruleId !== 'analysis-failed').map((f) => f.ruleId), clean.map((f) => f.ruleId));
  // The finding follows its own settings.
  assert.equal(checkDocument(doc, { extraRules: failing, rules: { 'analysis-failed': 'off' } }).filter((f) => f.ruleId === 'analysis-failed').length, 0);
  assert.equal(checkDocument(doc, { extraRules: failing, rules: { 'analysis-failed': 'warning' } }).find((f) => f.ruleId === 'analysis-failed')?.severity, 'warning');
});

test('a parser that throws yields an analysis-failed finding for the file', () => {
  const doc = { uri: 'file:///w/x.py', text: 'x', dialect: 'python' as const, relevant: true, blocks: [], failure: 'RuntimeError: Aborted(OOM)' };
  const findings = checkDocument(doc);
  const f = findings.find((x) => x.ruleId === 'analysis-failed');
  assert.ok(f);
  assert.match(f.message, /this file \(parser\).*Aborted\(OOM\)/);
  assert.equal(f.severity, 'error');
});
