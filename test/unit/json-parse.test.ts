// config.json parsing: every block form, model context with spans, integer-vs-float literals, relevance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument, detectDialect } from '../../core/parse/index';
import { checkDocument } from '../../core/check';

const span = (text: string, s: { offset: number; length: number }) => text.slice(s.offset, s.offset + s.length);

test('top-level rope_scaling with context and literal kinds', () => {
  const text = '{"model_type": "deepseek_v3", "max_position_embeddings": 163840, "rope_theta": 10000, "qk_rope_head_dim": 64,\n "rope_scaling": {"type": "yarn", "factor": 40, "beta_fast": 32.0, "original_max_position_embeddings": 4096}}';
  const doc = parseDocument('file:///a/config.json', text);
  assert.equal(doc.relevant, true);
  assert.equal(doc.blocks.length, 1);
  const b = doc.blocks[0]!;
  assert.equal(b.path, '/rope_scaling');
  assert.equal(b.api, 'v4');
  assert.equal(span(text, b.keySpan!), '"rope_scaling"');
  assert.equal(b.params['factor'], 40);
  assert.equal(b.fields.find((f) => f.key === 'factor')!.value.isInteger, true);
  assert.equal(b.fields.find((f) => f.key === 'beta_fast')!.value.isInteger, false);
  assert.equal(b.context.maxPositionEmbeddings!.value, 163840);
  assert.equal(span(text, b.context.maxPositionEmbeddings!.span!), '163840');
  assert.equal(b.context.qkRopeHeadDim!.value, 64);
  assert.equal(b.context.modelType!.value, 'deepseek_v3');
});

test('v5 rope_parameters per-layer-type form → one block per layer type', () => {
  const text = JSON.stringify({
    model_type: 'gemma3_text', max_position_embeddings: 131072, layer_types: ['sliding_attention', 'full_attention'],
    rope_parameters: { full_attention: { rope_type: 'linear', factor: 8.0, rope_theta: 1000000.0 }, sliding_attention: { rope_type: 'default', rope_theta: 10000.0 } },
  }, null, 2);
  const doc = parseDocument('file:///g/config.json', text);
  assert.deepEqual(doc.blocks.map((b) => [b.path, b.layerType, b.api]), [
    ['/rope_parameters/full_attention', 'full_attention', 'v5'], ['/rope_parameters/sliding_attention', 'sliding_attention', 'v5'],
  ]);
  assert.deepEqual(doc.blocks[0]!.context.layerTypes!.value, ['sliding_attention', 'full_attention']);
});

test('sub-configs (text_config) carry their own context, not the parent one', () => {
  const text = JSON.stringify({
    model_type: 'gemma3', architectures: ['Gemma3ForConditionalGeneration'],
    text_config: { model_type: 'gemma3_text', max_position_embeddings: 131072, head_dim: 256, rope_scaling: { rope_type: 'linear', factor: 8.0 } },
    vision_config: { hidden_size: 1152 },
  });
  const doc = parseDocument('file:///g/config.json', text);
  assert.equal(doc.blocks.length, 1);
  assert.equal(doc.blocks[0]!.path, '/text_config/rope_scaling');
  assert.equal(doc.blocks[0]!.containerPath, '/text_config');
  assert.equal(doc.blocks[0]!.context.maxPositionEmbeddings!.value, 131072);
});

test('rope_parameters with rope_theta inside is a single block', () => {
  const doc = parseDocument('file:///x/config.json', '{"model_type":"llama","rope_parameters":{"rope_type":"default","rope_theta":500000.0,"partial_rotary_factor":0.5}}');
  assert.equal(doc.blocks.length, 1);
  assert.equal(doc.blocks[0]!.layerType, undefined);
  assert.equal(doc.blocks[0]!.params['partial_rotary_factor'], 0.5);
});

test('relevance: non-model JSON and syntax errors report nothing', () => {
  assert.equal(parseDocument('file:///p/package.json', '{"name": "x", "version": "1.0.0"}').relevant, false);
  const broken = parseDocument('file:///m/config.json', '{"model_type": "llama", "rope_scaling": {"factor": 4.0,,}');
  assert.equal(broken.relevant, false);
  assert.deepEqual(checkDocument(broken), []);
  assert.equal(parseDocument('file:///m/config.json', '[1,2]').relevant, false);
  assert.equal(parseDocument('file:///m/config.json', '').relevant, false);
  assert.equal(parseDocument('file:///m/config.json', '['.repeat(100000)).relevant, false);
});

test('dialect detection and parse dispatch', () => {
  assert.equal(detectDialect('file:///a/config.json'), 'json');
  assert.equal(detectDialect('untitled:1', 'jsonc'), 'json');
  assert.equal(detectDialect('file:///a/train.py'), 'python');
  assert.equal(detectDialect('file:///a/r.yaml'), 'yaml');
  assert.equal(detectDialect('file:///a/serve.sh'), 'shell');
  assert.equal(detectDialect('file:///a/notes.md'), undefined);
  // A README is a model card (fenced code is read); one without code is not relevant.
  assert.equal(detectDialect('file:///a/readme.md'), 'markdown');
  assert.equal(parseDocument('file:///a/readme.md', '# hi').relevant, false);
  assert.equal(parseDocument('file:///a/run.sh', `vllm serve m --rope-scaling '{"rope_type":"yarn","factor":4}'`).relevant, true);
  assert.equal(parseDocument('file:///a/run.sh', 'echo hello').relevant, false);
});
