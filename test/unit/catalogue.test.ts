// The catalogue of published models (core/catalogue): sourced entries that agree with the real configs we hold,
// matched by id and by shape; an override that replaces a model's own scaling with a weaker one (or drops it) is
// flagged — the SGLang --json-model-override-args example of issue 17 included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE } from '../../core/catalogue/models';
import { catalogueById, catalogueByShape } from '../../core/catalogue/match';
import { knownModel } from '../../core/known-models';
import { MATRIX } from '../../core/advisor/matrix';
import { applyEdits } from '../../core/edits';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import type { Finding } from '../../core/rules/types';
import { setupDialects } from './dialect-setup';

const ROOT = join(__dirname, '..', '..');
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/models', name), 'utf8')) as Record<string, unknown>;
const fixtureText = (name: string): string => readFileSync(join(ROOT, 'test/fixtures/models', name), 'utf8');
const findings = (uri: string, text: string): Finding[] => checkDocument(parseDocument(uri, text), { fixes: true });
const weaker = (fs: Finding[]): Finding[] => fs.filter((f) => f.ruleId === 'weaker-scaling-override');

test('at least 40 published models, each with its source file and revision, ids unique', () => {
  assert.ok(CATALOGUE.length >= 40, `${CATALOGUE.length} entries`);
  const ids = new Set<string>();
  for (const m of CATALOGUE) {
    assert.ok(m.ids.length > 0);
    for (const id of m.ids) {
      assert.ok(!ids.has(id.toLowerCase()), `duplicate ${id}`);
      ids.add(id.toLowerCase());
    }
    for (const k of ['repo', 'path', 'key', 'revision'] as const) assert.ok(m.source[k].length > 0, `${m.ids[0]} source.${k}`);
    assert.ok(['rope', 'alibi', 'learned'].includes(m.positions));
    if (m.rope) assert.equal(m.positions, 'rope');
  }
  // The families issue 17 names, where a published config was found.
  for (const id of ['meta-llama/Llama-3.1-8B', 'Qwen/Qwen3-1.7B', 'mistralai/Mixtral-8x7B-v0.1', 'google/gemma-2-9b', 'google/gemma-3-1b-it',
    'microsoft/Phi-4-mini-instruct', 'deepseek-ai/DeepSeek-V2-Lite', 'internlm/internlm2_5-7b-chat', 'THUDM/chatglm3-6b',
    'CohereForAI/aya-23-8B', 'allenai/OLMo-2-1124-7B', 'tiiuae/falcon-7b-instruct', 'mosaicml/mpt-7b-instruct', 'bigscience/bloom-560m']) {
    assert.ok(catalogueById(id), id);
  }
});

// Fixture file → an id of the catalogue entry that should describe it.
const FIXTURE_IDS: Record<string, string> = {
  'llama-3.1-8b.json': 'meta-llama/Llama-3.1-8B', 'llama-3.1-70b.json': 'meta-llama/Llama-3.1-70B', 'llama-3.2-1b.json': 'meta-llama/Llama-3.2-1B',
  'llama-3.2-3b.json': 'meta-llama/Llama-3.2-3B', 'mistral-7b-v0.1.json': 'mistralai/Mistral-7B-v0.1', 'mistral-7b-v0.3.json': 'mistralai/Mistral-7B-v0.3',
  'qwen2-7b.json': 'Qwen/Qwen2-7B', 'qwen2.5-3b.json': 'Qwen/Qwen2.5-3B', 'qwen3-0.6b.json': 'Qwen/Qwen3-0.6B',
  'phi-3.5-mini-instruct.json': 'microsoft/Phi-3.5-mini-instruct', 'deepseek-v2-lite.json': 'deepseek-ai/DeepSeek-V2-Lite',
  'codellama-7b-hf.json': 'codellama/CodeLlama-7b-hf', 'mpt-7b-instruct.json': 'mosaicml/mpt-7b-instruct', 'gpt2.json': 'gpt2',
  'llama-3.1-8b-preset.json': 'meta-llama/Llama-3.1-8B', 'falcon-7b-instruct.json': 'tiiuae/falcon-7b-instruct', 'bloom-560m.json': 'bigscience/bloom-560m',
};

test('catalogue entries agree with every real config fixture that names the same model', () => {
  for (const [file, id] of Object.entries(FIXTURE_IDS)) {
    const c = fixture(file);
    const m = catalogueById(id)!;
    assert.ok(m, id);
    const where = `${file} vs ${id}`;
    const len = c[m.lengthKey ?? 'max_position_embeddings'] ?? c['max_position_embeddings'] ?? c['n_positions'] ?? c['max_seq_len'];
    assert.equal(m.maxPositionEmbeddings, len, `${where}: length`);
    if (c['rope_theta'] !== undefined || m.ropeTheta !== undefined) assert.equal(m.ropeTheta, c['rope_theta'], `${where}: theta`);
    for (const [k, key] of [['hiddenSize', 'hidden_size'], ['numAttentionHeads', 'num_attention_heads'], ['headDim', 'head_dim']] as const) {
      if (c[key] !== undefined) assert.equal(m[k], c[key], `${where}: ${key}`);
    }
    assert.deepEqual(m.rope ?? null, (c['rope_scaling'] as Record<string, unknown> | undefined) ?? null, `${where}: rope block`);
    const alibi = (c['attn_config'] as { alibi?: boolean } | undefined)?.alibi === true || c['model_type'] === 'bloom' || c['alibi'] === true;
    assert.equal(m.positions, alibi ? 'alibi' : c['model_type'] === 'gpt2' ? 'learned' : 'rope', `${where}: positions`);
  }
});

test('the advisor matrix names models by what their configs say', () => {
  let n = 0;
  for (const row of MATRIX) for (const { id, ropeType } of row.models ?? []) {
    const k = knownModel(id);
    assert.ok(k, `matrix names ${id}, which is not in the catalogue`);
    assert.equal(k.rope?.['rope_type'] ?? k.rope?.['type'], ropeType, `${id}: the matrix says ${ropeType}`);
    assert.ok(row.reason.includes(id.split('/')[1]!.split('-')[0]!) || row.reason.includes(id.split('/')[0] === 'meta-llama' ? 'Llama 3.1' : 'DeepSeek'), `${id} named in the reason`);
    n++;
  }
  assert.ok(n >= 4);
  for (const row of MATRIX) assert.doesNotMatch(row.reason, /Llama 3\.1 (and|\w+) [^.]*use (it|YaRN)/, 'Llama 3.1 does not use YaRN');
});

test('issue 17: the SGLang override that replaces Llama 3.1\'s llama3 scaling with linear ×2 is flagged and fixed', () => {
  const src = `python -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct --json-model-override-args '{"rope_scaling": {"factor": 2.0, "rope_type": "linear"}}'\n`;
  const f = weaker(findings('file:///serve.sh', src));
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /replaces meta-llama\/Llama-3\.1-8B-Instruct's own llama3 scaling \(factor 8 from 8192 → 131072\) with linear ×2, which reaches about 16384/);
  assert.match(f[0]!.message, /SGLang replaces the whole rope_scaling/);
  const fixed = applyEdits(src, f[0]!.fixes![0]!.edits);
  assert.match(fixed, /"rope_type": ?"llama3"/);
  assert.deepEqual(weaker(findings('file:///serve.sh', fixed)), []);
  // The model's own block, or a stronger one, is not flagged.
  const yarn = src.replace('{"factor": 2.0, "rope_type": "linear"}', '{"rope_type": "yarn", "factor": 32.0, "original_max_position_embeddings": 8192}');
  assert.deepEqual(weaker(findings('file:///serve.sh', yarn)), []);
});

test('a bare config.json is matched by shape: a weaker block or rope_scaling null on Llama 3.1 8B is flagged', () => {
  const text = fixtureText('llama-3.1-8b-preset.json');
  const c = fixture('llama-3.1-8b-preset.json');
  assert.equal(catalogueByShape({ modelType: c['model_type'], hiddenSize: c['hidden_size'], numAttentionHeads: c['num_attention_heads'], numHiddenLayers: c['num_hidden_layers'], vocabSize: c['vocab_size'], maxPositionEmbeddings: c['max_position_embeddings'] })?.ids[0], 'meta-llama/Llama-3.1-8B');
  assert.deepEqual(weaker(findings('file:///m/config.json', text)), [], 'the released config is clean');
  const linear = text.replace(/"rope_scaling": \{[^}]*\}/, '"rope_scaling": {"rope_type": "linear", "factor": 2.0}');
  assert.notEqual(linear, text);
  const f = weaker(findings('file:///m/config.json', linear));
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /meta-llama\/Llama-3\.1-8B's own llama3 scaling/);
  const none = text.replace(/"rope_scaling": \{[^}]*\}/, '"rope_scaling": null');
  assert.match(weaker(findings('file:///m/config.json', none))[0]!.message, /rope_scaling is null, but this config has the shape of meta-llama\/Llama-3\.1-8B/);
});

test('a command line that names a catalogue model gets that model\'s context', async () => {
  await setupDialects();
  // google/gemma-2-9b: max_position_embeddings 8192 (catalogue); linear ×2 derives 16384 < 32768.
  const src = `vllm serve google/gemma-2-9b --rope-scaling '{"rope_type": "linear", "factor": 2.0}' --max-model-len 32768\n`;
  const doc = parseDocument('file:///serve.sh', src);
  assert.equal(doc.blocks[0]!.context.maxPositionEmbeddings?.value, 8192);
  assert.equal(doc.blocks[0]!.context.maxPositionEmbeddings?.source, 'known-model');
  const f = checkDocument(doc, {}).find((x) => x.ruleId === 'max-model-len-above-derived');
  assert.match(f!.message, /derived maximum 16384/);
});
