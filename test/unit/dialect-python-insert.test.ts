// "Extend context with YaRN…" in a script with no rope block: the block goes into the call that loads a known model.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { adviseFor } from '../../core/advisor/apply';
import { applyEdits } from '../../core/edits';
import { extendWithYarn } from '../../core/fixes/extend-yarn';
import { pythonData } from '../../core/parse/python';
import { analyse, setupDialects } from './dialect-setup';

const V = '5.15.0';
before(setupDialects);

function extend(text: string, target: number): { out: string; summary: string; ok: boolean; edits: number } {
  const { doc } = analyse('file:///x/train.py', text, V);
  const res = extendWithYarn(doc, undefined, target);
  return { out: applyEdits(text, res.edits), summary: res.summary, ok: res.ok, edits: res.edits.length };
}

function yarnBlockOf(text: string) {
  const { doc, findings } = analyse('file:///x/train.py', text, V);
  assert.equal(doc.blocks.length, 1, text);
  return { block: doc.blocks[0]!, findings };
}

test('a known-model call is an insertion site: relevant, no blocks, known context', () => {
  const text = 'from transformers import AutoTokenizer, AutoConfig\n'
    + 'tok = AutoTokenizer.from_pretrained("meta-llama/Llama-3.1-8B")\n'
    + 'cfg = AutoConfig.from_pretrained("meta-llama/Llama-3.1-8B")\n';
  const { doc, findings } = analyse('file:///x/a.py', text, V);
  assert.equal(doc.relevant, true);
  assert.equal(doc.blocks.length, 0);
  assert.deepEqual(findings, []);
  const sites = pythonData(doc)!.insertionSites;
  // The tokenizer takes no rope_scaling: only the config call is a site.
  assert.equal(sites.length, 1);
  assert.equal(text.slice(sites[0]!.argsSpan.offset, sites[0]!.argsSpan.offset + sites[0]!.argsSpan.length), '("meta-llama/Llama-3.1-8B")');
  assert.equal(sites[0]!.context.maxPositionEmbeddings?.value, 131072);
  assert.equal(sites[0]!.context.originalMaxPositionEmbeddings?.value, 8192);
});

test('single-line AutoConfig call, extended to 16384: one YaRN block, factor 4.0, mpe keyword, no errors', () => {
  const text = 'from transformers import AutoConfig\ncfg = AutoConfig.from_pretrained("meta-llama/Llama-2-7b-hf")\n';
  const r = extend(text, 16384);
  assert.ok(r.ok, r.summary);
  assert.equal(r.out, 'from transformers import AutoConfig\n'
    + 'cfg = AutoConfig.from_pretrained("meta-llama/Llama-2-7b-hf", rope_scaling={"rope_type": "yarn", "factor": 4.0, '
    + '"original_max_position_embeddings": 4096}, max_position_embeddings=16384)\n');
  const { block, findings } = yarnBlockOf(r.out);
  assert.equal(block.params['rope_type'], 'yarn');
  assert.equal(block.params['factor'], 4);
  assert.equal(block.fields.find((f) => f.key === 'factor')!.value.isInteger, false);
  assert.equal(block.params['original_max_position_embeddings'], 4096);
  assert.equal(block.context.maxPositionEmbeddings?.value, 16384);
  assert.equal(block.context.maxPositionEmbeddings?.source, 'file');
  assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
});

test('multi-line call with a trailing comma keeps one argument a line', () => {
  const text = 'model = AutoModelForCausalLM.from_pretrained(\n'
    + '    "Qwen/Qwen2.5-7B-Instruct",\n'
    + '    torch_dtype=torch.bfloat16,\n'
    + ')\n';
  const r = extend(text, 131072);
  assert.ok(r.ok, r.summary);
  assert.equal(r.out, 'model = AutoModelForCausalLM.from_pretrained(\n'
    + '    "Qwen/Qwen2.5-7B-Instruct",\n'
    + '    torch_dtype=torch.bfloat16,\n'
    + '    rope_scaling={"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768},\n'
    + '    max_position_embeddings=131072,\n'
    + ')\n');
  const { block, findings } = yarnBlockOf(r.out);
  assert.equal(block.params['factor'], 4);
  assert.equal(block.params['original_max_position_embeddings'], 32768);
  assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
});

test('vLLM LLM(model=...) with the model as keyword; a known shipped block gives the original context', () => {
  const text = 'from vllm import LLM\nllm = LLM(model="meta-llama/Llama-3.1-8B-Instruct")\n';
  const r = extend(text, 32768);
  assert.ok(r.ok, r.summary);
  const { block } = yarnBlockOf(r.out);
  assert.equal(block.params['factor'], 4);
  assert.equal(block.params['original_max_position_embeddings'], 8192);
  assert.ok(r.out.includes('max_position_embeddings=32768)'));
});

test('an existing max_position_embeddings keyword is updated, not duplicated', () => {
  const text = 'cfg = AutoConfig.from_pretrained("meta-llama/Llama-2-7b-hf", max_position_embeddings=4096)\n';
  const r = extend(text, 8192);
  assert.ok(r.ok, r.summary);
  assert.equal(r.out.match(/max_position_embeddings=/g)?.length, 1);
  assert.ok(r.out.includes('max_position_embeddings=8192'));
  assert.equal(yarnBlockOf(r.out).block.params['factor'], 2);
});

test('no known model id: clear failure, no edits, not relevant', () => {
  const text = 'cfg = AutoConfig.from_pretrained("my-org/private-model")\n';
  const { doc } = analyse('file:///x/a.py', text, V);
  assert.equal(doc.relevant, false);
  const r = extend(text, 16384);
  assert.equal(r.ok, false);
  assert.equal(r.edits, 0);
  assert.match(r.summary, /max_position_embeddings/);
});

test('the "Extend context…" advisor writes into the same call', () => {
  const text = 'cfg = AutoConfig.from_pretrained("meta-llama/Llama-2-7b-hf")\n';
  const { doc } = analyse('file:///x/a.py', text, V);
  const res = adviseFor(doc, undefined, { target: 16384, finetune: false });
  assert.ok(res.ok, res.ok ? '' : res.error);
  assert.equal(res.original, 4096);
  const out = applyEdits(text, res.edits);
  const { block } = yarnBlockOf(out);
  assert.equal(block.params['rope_type'], res.advice.method);
  assert.equal(block.params['factor'], 4);
  assert.equal(block.context.maxPositionEmbeddings?.value, res.advice.maxPositionEmbeddings);
});
