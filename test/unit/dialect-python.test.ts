import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../core/edits';
import { pythonWriter } from '../../core/fixes/python-writer';
import { analyse, example, setupDialects, slice } from './dialect-setup';

const V = '5.15.0';
before(setupDialects);

const ids = (fs: { ruleId: string }[]): string[] => [...new Set(fs.map((f) => f.ruleId))].sort();

test('finetune_long.py: blocks with exact ranges, literal values and context', () => {
  const e = example('scripts/finetune_long.py');
  const { doc } = analyse(e.uri, e.text, V);
  assert.equal(doc.dialect, 'python');
  assert.equal(doc.blocks.length, 2);
  const [a, b] = doc.blocks;
  const lit1 = '{"type": "yarn", "factor": 4, "original_max_position_embeddings": 32768}';
  assert.deepEqual(a!.span, { offset: e.text.indexOf(lit1), length: lit1.length });
  assert.equal(slice(e, a!.keySpan!), 'config.rope_scaling');
  assert.deepEqual(a!.params, { type: 'yarn', factor: 4, original_max_position_embeddings: 32768 });
  assert.equal(a!.fields.find((f) => f.key === 'factor')!.value.isInteger, true);
  assert.equal(a!.context.modelId?.value, 'Qwen/Qwen2.5-7B-Instruct');
  assert.equal(a!.context.maxPositionEmbeddings?.source, 'known-model');
  assert.equal(a!.context.maxPositionEmbeddings?.value, 32768);
  assert.equal(a!.context.servingContext?.value, 131072);
  assert.equal(slice(e, b!.keySpan!), 'rope_scaling');
  assert.equal(b!.params['attn_factor'], 0.87);
  assert.notEqual(a!.path, b!.path);
});

test('finetune_long.py: known findings', () => {
  const e = example('scripts/finetune_long.py');
  const { findings } = analyse(e.uri, e.text, V);
  // The trainer's 131072-token sequence length states the extended context the blocks are sized for: no static-YaRN advice.
  assert.deepEqual(ids(findings), ['int-where-float', 'legacy-rope-type-subscript', 'legacy-type-key', 'unknown-key', 'yarn-factor-mismatch']);
  const sub = findings.find((f) => f.ruleId === 'legacy-rope-type-subscript')!;
  assert.equal(slice(e, sub.span), 'cfg.rope_scaling["type"]');
  assert.equal(slice(e, findings.find((f) => f.ruleId === 'unknown-key')!.span), '"attn_factor"');
});

test('fixes apply and re-check clean (subscript, typo, int factor, mpe)', () => {
  const e = example('scripts/finetune_long.py');
  let text = e.text;
  for (const rule of ['legacy-rope-type-subscript', 'unknown-key', 'int-where-float', 'yarn-factor-mismatch']) {
    const { findings } = analyse(e.uri, text, V);
    const f = findings.find((x) => x.ruleId === rule && x.fixes?.length);
    assert.ok(f, `${rule} has a fix`);
    text = applyEdits(text, f.fixes![0]!.edits);
  }
  assert.ok(text.includes('cfg.rope_scaling.get("rope_type", cfg.rope_scaling.get("type"))'));
  assert.ok(text.includes('"attention_factor": 0.87'));
  assert.ok(text.includes('"factor": 4.0'));
  assert.ok(/\nconfig\.max_position_embeddings = 131072\n/.test(text));
  const after = analyse(e.uri, text, V).findings;
  assert.ok(!after.some((f) => ['legacy-rope-type-subscript', 'unknown-key', 'int-where-float'].includes(f.ruleId)));
  assert.equal(after.filter((f) => f.ruleId === 'yarn-factor-mismatch').length, 1, 'only the eval block is left');
});

test('rules fire as in config.json for the same block', () => {
  const block = '{"rope_type": "yarn", "factor": 4.0}';
  const json = `{"model_type": "qwen2", "max_position_embeddings": 32768, "hidden_size": 3584, "num_attention_heads": 28, "rope_theta": 1000000.0, "rope_scaling": ${block}}`;
  const py = `config.max_position_embeddings = 32768\nconfig.hidden_size = 3584\nconfig.num_attention_heads = 28\nconfig.model_type = "qwen2"\nconfig.rope_theta = 1000000.0\nconfig.rope_scaling = ${block}\n`;
  for (const v of ['5.15.0', '4.57.0', '4.45.0']) {
    const j = analyse('file:///c/config.json', json, v).findings;
    const p = analyse('file:///c/x.py', py, v).findings;
    assert.deepEqual(ids(p), ids(j), `transformers ${v}`);
  }
});

test('non-literal values are skipped quietly; dict() and hf_overrides are found', () => {
  const src = [
    'config.rope_scaling = make_scaling()',
    'm = LlamaConfig(rope_scaling=dict(rope_type="linear", factor=f), max_position_embeddings=4096)',
    'llm = LLM(model="Qwen/Qwen2.5-7B-Instruct", hf_overrides={"rope_parameters": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}, "max_position_embeddings": 131072})',
    '',
  ].join('\n');
  const { doc, findings } = analyse('file:///s.py', src, V);
  assert.equal(doc.blocks.length, 2);
  assert.deepEqual(doc.blocks[0]!.params, { rope_type: 'linear' });
  assert.equal(doc.blocks[0]!.fields.find((f) => f.key === 'factor')!.value.kind, 'unknown');
  assert.equal(doc.blocks[0]!.context.maxPositionEmbeddings?.value, 4096);
  assert.equal(doc.blocks[1]!.api, 'v5');
  assert.equal(doc.blocks[1]!.context.maxPositionEmbeddings?.value, 131072);
  assert.ok(!findings.some((f) => f.ruleId === 'invalid-factor' || f.ruleId === 'missing-required-key'));
});

test('suppression comments silence a rule on the next line / in the file', () => {
  const base = 'def f(c):\n    # ropelens-disable-next-line legacy-rope-type-subscript\n    return c.rope_scaling["type"]\n\ndef g(c):\n    return c.rope_scaling["rope_type"]\n';
  const f1 = analyse('file:///a.py', base, V).findings.filter((f) => f.ruleId === 'legacy-rope-type-subscript');
  assert.equal(f1.length, 1);
  assert.equal(slice({ text: base }, f1[0]!.span), 'c.rope_scaling["rope_type"]');
  const f2 = analyse('file:///a.py', `# ropelens-disable-file legacy-rope-type-subscript\n${base}`, V).findings;
  assert.ok(!f2.some((f) => f.ruleId === 'legacy-rope-type-subscript'));
  // Writes cannot raise KeyError.
  assert.equal(analyse('file:///a.py', 'c.rope_scaling["type"] = "linear"\n', V).findings.length, 0);
});

test('Python writer: True/False/None, floats, keyword context', () => {
  const src = 'cfg = LlamaConfig(rope_scaling={"rope_type": "yarn", "factor": 4.0})\n';
  const { doc } = analyse('file:///w.py', src, V);
  const b = doc.blocks[0]!;
  const t1 = applyEdits(src, pythonWriter.setField(doc, b, 'truncate', false));
  assert.ok(t1.includes('"factor": 4.0, "truncate": False}'));
  const t2 = applyEdits(src, pythonWriter.setField(doc, b, 'factor', 8));
  assert.ok(t2.includes('"factor": 8.0'));
  const t3 = applyEdits(src, pythonWriter.setContext(doc, b, 'max_position_embeddings', 131072));
  assert.ok(t3.includes('"factor": 4.0}, max_position_embeddings=131072)'));
  const t4 = applyEdits(src, pythonWriter.replaceBlock(doc, b, { rope_type: 'linear', factor: 2, finetuned: null }));
  assert.ok(t4.includes('rope_scaling={"rope_type": "linear", "factor": 2.0, "finetuned": None}'));
  assert.equal(analyse('file:///w.py', t4, V).doc.blocks[0]!.params['rope_type'], 'linear');
});
