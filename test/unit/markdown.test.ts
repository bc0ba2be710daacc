// Model cards: fenced code in README.md is analysed in place (a real card: Qwen2.5-7B-Instruct's, whose "Processing
// Long Texts" YaRN snippet elides the rest of the config with `...,`); fixes edit the fence and re-check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, LineIndex } from '../../core/edits';
import { detectDialect, parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import { example, setupDialects } from './dialect-setup';

const CARD = 'model-cards/qwen2.5-7b-instruct/README.md';

test('README.md and model-card files are Markdown; other .md files are not read', () => {
  assert.equal(detectDialect('file:///m/README.md'), 'markdown');
  assert.equal(detectDialect('file:///m/MODEL_CARD.md'), 'markdown');
  assert.equal(detectDialect('file:///docs/rules.md'), undefined);
});

test('the YaRN snippet in the Qwen2.5 card is found inside its ```json fence, at the card\'s own lines', async () => {
  await setupDialects();
  const e = example(CARD);
  const doc = parseDocument(e.uri, e.text);
  assert.equal(doc.relevant, true);
  assert.equal(doc.blocks.length, 1);
  const b = doc.blocks[0]!;
  assert.equal(e.text.slice(b.keySpan!.offset, b.keySpan!.offset + b.keySpan!.length), '"rope_scaling"');
  assert.deepEqual(b.params, { factor: 4, original_max_position_embeddings: 32768, type: 'yarn' });
  const lines = new LineIndex(e.text);
  const fs = checkDocument(doc, {});
  assert.deepEqual(fs.map((f) => [f.ruleId, lines.positionAt(f.span.offset).line + 1]), [['legacy-type-key', 94], ['static-yarn-advice', 94]]);
  assert.equal(e.text.slice(fs[0]!.span.offset, fs[0]!.span.offset + fs[0]!.span.length), '"type"');
});

test('a fix edits the fence in place and the card re-checks without that finding', async () => {
  await setupDialects();
  const e = example(CARD);
  const f = checkDocument(parseDocument(e.uri, e.text), { fixes: true }).find((x) => x.ruleId === 'legacy-type-key')!;
  const fixed = applyEdits(e.text, f.fixes!.find((x) => x.isPreferred)!.edits);
  // Only the fence changed: the text before and after it is untouched.
  const fenceStart = e.text.indexOf('```json');
  const fenceEnd = e.text.indexOf('```', fenceStart + 7) + 3;
  assert.equal(fixed.slice(0, fenceStart), e.text.slice(0, fenceStart));
  assert.equal(fixed.slice(fixed.length - (e.text.length - fenceEnd)), e.text.slice(fenceEnd));
  assert.match(fixed, /"rope_type": "yarn"/);
  assert.deepEqual(checkDocument(parseDocument(e.uri, fixed), {}).map((x) => x.ruleId), ['static-yarn-advice']);
});

test('bash and python fences go through their dialects; other fences and prose are ignored', async () => {
  await setupDialects();
  const md = [
    '# Serving', '', 'Some prose with "rope_scaling": {"type": "yarn"} that is not code.', '',
    '```bash', `vllm serve Qwen/Qwen2.5-7B-Instruct --rope-scaling '{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768}' --max-model-len 200000`, '```', '',
    '```text', '"rope_scaling": {"factor": 2}', '```', '',
  ].join('\n');
  const fs = checkDocument(parseDocument('file:///m/README.md', md), {});
  const f = fs.find((x) => x.ruleId === 'max-model-len-above-derived')!;
  assert.ok(f, JSON.stringify(fs.map((x) => x.ruleId)));
  assert.equal(md.slice(f.span.offset, f.span.offset + f.span.length), '200000');
  assert.equal(parseDocument('file:///m/README.md', '# Title\n\nNo code here.\n').relevant, false);
});
