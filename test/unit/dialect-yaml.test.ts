import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../core/edits';
import { yamlWriter } from '../../core/fixes/yaml-writer';
import { analyse, example, setupDialects, slice } from './dialect-setup';

const V = '5.15.0';
before(setupDialects);
const ids = (fs: { ruleId: string }[]): string[] => [...new Set(fs.map((f) => f.ruleId))].sort();

test('axolotl recipe: block mapping with ranges, context from sequence_len and base_model', () => {
  const e = example('recipes/axolotl-qwen-yarn.yaml');
  const { doc, findings } = analyse(e.uri, e.text, V);
  assert.equal(doc.blocks.length, 1);
  const b = doc.blocks[0]!;
  assert.equal(slice(e, b.span), 'type: yarn\n  factor: 4\n  original_max_position_embeddings: 32768');
  assert.equal(slice(e, b.keySpan!), 'rope_scaling');
  assert.equal(b.context.servingContext?.value, 131072);
  assert.equal(b.context.maxPositionEmbeddings?.source, 'known-model');
  // sequence_len 131072 states the extended context: no static-YaRN advice.
  assert.deepEqual(ids(findings), ['int-where-float', 'legacy-type-key', 'yarn-factor-mismatch']);
  // Fixes keep the two-space indentation; the re-check is clean of what was fixed.
  let text = e.text;
  for (const r of ['legacy-type-key', 'int-where-float', 'yarn-factor-mismatch']) {
    const f = analyse(e.uri, text, V).findings.find((x) => x.ruleId === r)!;
    const chosen = r === 'legacy-type-key' ? f.fixes!.find((x) => x.title.startsWith('Rename')) : f.fixes!.find((x) => x.isPreferred) ?? f.fixes![0];
    text = applyEdits(text, chosen!.edits);
  }
  assert.ok(text.includes('rope_scaling:\n  rope_type: yarn\n  factor: 4.0\n  original_max_position_embeddings: 32768\nmax_position_embeddings: 131072\n'), text);
  assert.deepEqual(ids(analyse(e.uri, text, V).findings), []);
});

test('LLaMA-Factory recipe: the enum becomes the block LLaMA-Factory computes', () => {
  const e = example('recipes/llamafactory-llama2-linear.yaml');
  const { doc, findings } = analyse(e.uri, e.text, V);
  assert.equal(doc.blocks.length, 1);
  const b = doc.blocks[0]!;
  // factor = ceil(cutoff_len 16384 / Llama-2 4096) = 4, pointing at cutoff_len.
  assert.deepEqual(b.params, { rope_type: 'linear', factor: 4 });
  assert.equal(slice(e, b.span), 'linear');
  assert.equal(slice(e, b.fields.find((f) => f.key === 'factor')!.value.span), '16384');
  assert.deepEqual(findings, []);
  const yarn = e.text.replace('rope_scaling: linear', 'rope_scaling: yarn');
  const y = analyse(e.uri, yarn, V).doc.blocks[0]!;
  assert.deepEqual(y.params, { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 4096 });
  // Short cutoff: LLaMA-Factory does not scale.
  assert.deepEqual(analyse(e.uri, e.text.replace('cutoff_len: 16384', 'cutoff_len: 2048'), V).doc.blocks[0]!.params, { rope_type: 'linear' });
});

test('compose file: vLLM list command with the image entrypoint, TGI environment', () => {
  const e = example('serve/compose.yaml');
  const { doc, findings } = analyse(e.uri, e.text, V);
  assert.deepEqual(doc.blocks.map((b) => [b.engine, b.params]), [['tgi', { rope_type: 'dynamic', factor: 2 }]]);
  assert.equal(slice(e, doc.blocks[0]!.fields[1]!.value.span), '2.0');
  assert.deepEqual(ids(findings), ['max-model-len-above-derived']);
  const f = findings[0]!;
  assert.equal(slice(e, f.span), '"262144"');
  assert.match(f.message, /derived maximum 131072/);
  const fixed = applyEdits(e.text, f.fixes![0]!.edits);
  assert.ok(fixed.includes('"--max-model-len", "131072"'));
  assert.deepEqual(analyse(e.uri, fixed, V).findings, []);
});

test('Kubernetes args, ms-swift JSON string, flow mappings, suppression', () => {
  const k8s = [
    'spec:', '  containers:', '    - name: vllm', '      image: vllm/vllm-openai:latest',
    '      command: ["vllm", "serve"]', '      args:', '        - Qwen/Qwen2.5-7B-Instruct',
    '        - --rope-scaling', `        - '{"rope_type":"llama3","factor":4.0}'`, '',
  ].join('\n');
  const a = analyse('file:///k/deploy.yaml', k8s, V);
  assert.equal(a.doc.blocks.length, 1);
  assert.equal(a.doc.blocks[0]!.engine, 'vllm');
  assert.equal(slice({ text: k8s }, a.doc.blocks[0]!.span), '{"rope_type":"llama3","factor":4.0}');
  const swift = 'model: Qwen/Qwen2.5-7B-Instruct\nrope_scaling: \'{"type":"yarn","factor":3.0}\'\nmax_model_len: 98304\n';
  const s = analyse('file:///s.yaml', swift, V);
  assert.equal(s.doc.blocks[0]!.params['factor'], 3);
  assert.ok(s.findings.some((f) => f.ruleId === 'missing-original-max-position-embeddings' || f.ruleId === 'legacy-type-key'));
  const flow = 'rope_scaling: {rope_type: yarn, factor: 4.0}\n';
  const fd = analyse('file:///f.yaml', flow, V).doc;
  const t = applyEdits(flow, yamlWriter.setField(fd, fd.blocks[0]!, 'original_max_position_embeddings', 32768));
  assert.equal(t, 'rope_scaling: {rope_type: yarn, factor: 4.0, original_max_position_embeddings: 32768}\n');
  const sup = `# ropelens-disable-file legacy-type-key\n${swift}`;
  assert.ok(!analyse('file:///s.yaml', sup, V).findings.some((f) => f.ruleId === 'legacy-type-key'));
});

test('YAML writer: remove and rename keep the surrounding lines', () => {
  const src = 'a: 1\nrope_scaling:\n    rope_type: yarn\n    factor: 4.0  # four\n    attn_factor: 0.8\nb: 2\n';
  const { doc } = analyse('file:///w.yaml', src, V);
  const b = doc.blocks[0]!;
  assert.equal(applyEdits(src, yamlWriter.removeField(doc, b, 'attn_factor')), 'a: 1\nrope_scaling:\n    rope_type: yarn\n    factor: 4.0  # four\nb: 2\n');
  assert.equal(applyEdits(src, yamlWriter.renameField(doc, b, 'attn_factor', 'attention_factor')), src.replace('attn_factor', 'attention_factor'));
  assert.equal(applyEdits(src, yamlWriter.setField(doc, b, 'truncate', false)), src.replace('# four\n', '# four\n    truncate: false\n').replace('    truncate: false\n    attn_factor: 0.8\n', '    attn_factor: 0.8\n    truncate: false\n'));
});
