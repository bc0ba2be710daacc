// Ollama Modelfiles (published ones, examples/ollama): the removed rope PARAMETERs and a num_ctx above the model's
// context are reported, fixes applied and re-checked; text inside SYSTEM """...""" is never read as instructions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../core/edits';
import { detectDialect, parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import { modelfileData } from '../../core/parse/modelfile';
import { catalogueForOllama } from '../../core/catalogue/ollama-names';
import { main } from '../../cli/main';
import { fileIO } from './cli-io';
import { example, ROOT, setupDialects } from './dialect-setup';
import { join } from 'node:path';

const check = (uri: string, text: string) => checkDocument(parseDocument(uri, text), { fixes: true });

test('Modelfile names are recognised; FROM and PARAMETER lines are parsed with their spans', async () => {
  await setupDialects();
  for (const n of ['Modelfile', 'x/Modelfile.qwen-256k', 'beginning_expert.modelfile']) assert.equal(detectDialect(`file:///${n}`), 'modelfile', n);
  assert.notEqual(detectDialect('file:///modelfile.json'), 'modelfile');
  const e = example('ollama/beginning_expert.modelfile');
  const doc = parseDocument(e.uri, e.text);
  const d = modelfileData(doc)!;
  assert.equal(d.from!.value, 'gemma2:27b');
  assert.deepEqual(d.params.map((p) => [p.name, p.value]), [['num_ctx', '262144'], ['num_batch', '2048'], ['rope_frequency_base', '50000'], ['rope_frequency_scale', '2.0'], ['num_gpu', '999']]);
  for (const p of d.params) assert.equal(e.text.slice(p.valueSpan.offset, p.valueSpan.offset + p.valueSpan.length), p.value);
});

test('removed rope PARAMETERs are errors; the fix deletes the line and the file re-checks clean of them', async () => {
  await setupDialects();
  const e = example('ollama/Modelfile.qwen-256k');
  const fs = check(e.uri, e.text).filter((f) => f.ruleId === 'ollama-rope-parameter-removed');
  assert.deepEqual(fs.map((f) => e.text.slice(f.span.offset, f.span.offset + f.span.length)), ['rope_frequency_scale', 'rope_frequency_base']);
  assert.ok(fs.every((f) => f.severity === 'error' && /unknown parameter/.test(f.message)));
  let text = e.text;
  for (let i = 0; i < 2; i++) {
    const f = check(e.uri, text).find((x) => x.ruleId === 'ollama-rope-parameter-removed')!;
    text = applyEdits(text, f.fixes![0]!.edits);
  }
  assert.equal(text, 'FROM qwen2.5-coder:14b\nPARAMETER num_ctx 262144\n');
  assert.deepEqual(check(e.uri, text), []);
});

test('num_ctx above the FROM model\'s context: warning with the limit, fix lowers it', async () => {
  await setupDialects();
  const e = example('ollama/beginning_expert.modelfile');
  const f = check(e.uri, e.text).find((x) => x.ruleId === 'ollama-num-ctx-above-model')!;
  assert.match(f.message, /num_ctx 262144 is above the 8192-token context of google\/gemma-2-27b-it/);
  const fixed = applyEdits(e.text, f.fixes![0]!.edits);
  assert.match(fixed, /^PARAMETER num_ctx 8192$/m);
  assert.equal(check(e.uri, fixed).filter((x) => x.ruleId === 'ollama-num-ctx-above-model').length, 0);
  // hf.co ids resolve without the alias table; unknown models are left alone.
  assert.equal(catalogueForOllama('hf.co/meta-llama/Llama-3.1-8B-Instruct:Q4_K_M')?.entry.maxPositionEmbeddings, 131072);
  assert.equal(catalogueForOllama('qwen2.5-coder:14b'), undefined);
});

test('instructions inside SYSTEM """...""" are text, not parameters', async () => {
  await setupDialects();
  const src = 'FROM llama3.1:8b\nSYSTEM """Explain:\nPARAMETER rope_frequency_base 1\nPARAMETER num_ctx 999999\n"""\nPARAMETER num_ctx 4096\n';
  const doc = parseDocument('file:///Modelfile', src);
  assert.deepEqual(modelfileData(doc)!.params.map((p) => p.value), ['4096']);
  assert.deepEqual(checkDocument(doc, {}), []);
});

test('ropelens check finds Modelfiles in a folder and exits 1 on the removed parameters', async () => {
  const io = fileIO(ROOT);
  const rc = await main(['check', join(ROOT, 'examples', 'ollama')], io);
  assert.equal(rc, 1, io.err);
  assert.match(io.out, /beginning_expert\.modelfile:2:19: warning \[ollama-num-ctx-above-model\]/);
  assert.match(io.out, /Modelfile\.qwen-256k:3:11: error \[ollama-rope-parameter-removed\]/);
});
