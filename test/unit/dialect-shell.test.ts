import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../core/edits';
import { parseShell } from '../../core/parse/shell';
import { shellWriter } from '../../core/fixes/shell-writer';
import { analyse, example, setupDialects, slice } from './dialect-setup';

const V = '5.15.0';
before(setupDialects);
const ids = (fs: { ruleId: string }[]): string[] => [...new Set(fs.map((f) => f.ruleId))].sort();

test('vLLM launch script: JSON block inside the quoted flag, derived max length', () => {
  const e = example('serve/vllm-qwen-128k.sh');
  const { doc, findings } = analyse(e.uri, e.text, V);
  assert.equal(doc.blocks.length, 1);
  const b = doc.blocks[0]!;
  assert.equal(b.engine, 'vllm');
  assert.equal(b.key, '--rope-scaling');
  const json = '{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768}';
  assert.deepEqual(b.span, { offset: e.text.indexOf(json), length: json.length });
  assert.equal(slice(e, b.fields.find((f) => f.key === 'factor')!.value.span), '4.0');
  assert.equal(b.context.servingContext?.value, 262144);
  assert.deepEqual(ids(findings), ['max-model-len-above-derived', 'static-yarn-advice', 'yarn-factor-mismatch']);
  const m = findings.find((f) => f.ruleId === 'max-model-len-above-derived')!;
  assert.equal(m.severity, 'error');
  assert.equal(slice(e, m.span), '262144');
  assert.match(m.message, /derived maximum 131072/);
  // Preferred fix raises the factor inside the JSON; the re-check is clean.
  const fixed = applyEdits(e.text, m.fixes!.find((f) => f.isPreferred)!.edits);
  assert.ok(fixed.includes(`'{"rope_type":"yarn","factor":8.0,"original_max_position_embeddings":32768}'`));
  assert.ok(!analyse(e.uri, fixed, V).findings.some((f) => f.ruleId === 'max-model-len-above-derived'));
  // The other fix lowers the length.
  const lowered = applyEdits(e.text, m.fixes!.find((f) => !f.isPreferred)!.edits);
  assert.ok(lowered.includes('--max-model-len 131072'));
});

test('llama.cpp launch script: flag group, freq-scale conflict, -c, attn factor', () => {
  const e = example('serve/llama-cpp-yarn.sh');
  const { doc, findings } = analyse(e.uri, e.text, V);
  assert.equal(doc.blocks.length, 1);
  const b = doc.blocks[0]!;
  assert.equal(b.engine, 'llama.cpp');
  assert.deepEqual(b.params, { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 32768 });
  assert.equal(slice(e, b.span), '--rope-scaling yarn --rope-scale 4 --yarn-orig-ctx 32768');
  assert.deepEqual(ids(findings), ['llama-cpp-ctx-not-raised', 'rope-freq-scale-conflict', 'static-yarn-advice', 'yarn-attn-factor-mscale']);
  let text = e.text;
  for (const r of ['rope-freq-scale-conflict', 'yarn-attn-factor-mscale', 'llama-cpp-ctx-not-raised']) {
    const f = analyse(e.uri, text, V).findings.find((x) => x.ruleId === r)!;
    text = applyEdits(text, f.fixes!.find((x) => x.isPreferred)!.edits);
  }
  assert.ok(!text.includes('--rope-freq-scale') && !text.includes('--yarn-attn-factor'));
  assert.ok(text.includes('--port 8080 -c 131072'));
  // -c now states the extended context the block is sized for: no static-YaRN advice either.
  assert.deepEqual(ids(analyse(e.uri, text, V).findings), []);
});

test('Dockerfile: exec-form CMD after a vLLM ENTRYPOINT, hf-overrides JSON with escapes', () => {
  const e = example('serve/Dockerfile');
  const { doc, findings } = analyse(e.uri, e.text, V);
  assert.equal(doc.blocks.length, 1);
  const b = doc.blocks[0]!;
  assert.equal(b.engine, 'vllm');
  assert.equal(b.key, 'rope_scaling');
  assert.equal(slice(e, b.fields[0]!.value.span), '\\"yarn\\"');
  // --max-model-len 131072 states the extended context, so no static-YaRN advice.
  assert.deepEqual(ids(findings), ['yarn-factor-mismatch']);
  // The mismatch fix writes max_position_embeddings into the overrides, re-escaped for the JSON array.
  const f = findings.find((x) => x.ruleId === 'yarn-factor-mismatch')!;
  const fixed = applyEdits(e.text, f.fixes![0]!.edits);
  assert.ok(fixed.includes('\\"max_position_embeddings\\": 131072'));
  assert.ok(!analyse(e.uri, fixed, V).findings.some((x) => x.ruleId === 'yarn-factor-mismatch'));
});

test('SGLang, TGI env, continuation lines and double-quoted JSON', () => {
  const src = [
    'ROPE_SCALING=yarn ROPE_FACTOR=4.0 text-generation-launcher --model-id meta-llama/Llama-2-7b-hf',
    'python3 -m sglang.launch_server --model-path Qwen/Qwen2.5-7B-Instruct \\',
    '  --json-model-override-args "{\\"rope_scaling\\": {\\"rope_type\\": \\"dynamic\\", \\"factor\\": 2.0}}" \\',
    '  --context-length 200000',
    './llama-cli -m m.gguf --rope-scaling dynamic --rope-scale 2 -c 8192',
    '',
  ].join('\n');
  const { doc, findings } = analyse('file:///x/run.sh', src, V);
  assert.deepEqual(doc.blocks.map((b) => b.engine), ['tgi', 'sglang', 'llama.cpp']);
  assert.equal(slice({ text: src }, doc.blocks[0]!.fields[0]!.value.span), 'yarn');
  assert.equal(slice({ text: src }, doc.blocks[1]!.fields[1]!.value.span), '2.0');
  const engineType = findings.filter((f) => f.ruleId === 'engine-unsupported-rope-type');
  assert.deepEqual(engineType.map((f) => [f.severity, slice({ text: src }, f.span)]), [['error', 'yarn'], ['error', 'dynamic']]);
  assert.match(engineType[0]!.message, /server reads a yarn block from config.json/);
  const sg = findings.find((f) => f.ruleId === 'max-model-len-above-derived')!;
  assert.match(sg.message, /--context-length 200000 is above the SGLang derived maximum 65536/);
  // Writing inside a double-quoted JSON word keeps the shell escaping valid.
  const b = doc.blocks[1]!;
  const t = applyEdits(src, shellWriter.setField(doc, b, 'factor', 8));
  assert.equal(parseShell('file:///x/run.sh', t).blocks[1]!.params['factor'], 8);
  const tgi = applyEdits(src, shellWriter.setField(doc, doc.blocks[0]!, 'factor', 2));
  assert.ok(tgi.startsWith('ROPE_SCALING=yarn ROPE_FACTOR=2.0 '));
});

test('quiet on commands without rope settings; odd quoting does not crash', () => {
  assert.equal(analyse('file:///a.sh', 'echo hello\nls -la\n', V).doc.relevant, false);
  const { findings } = analyse('file:///a.sh', "vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 131072\n", V);
  assert.equal(findings.length, 0);
  for (const s of ["vllm serve x --rope-scaling '{\"rope_type\": ", 'llama-server --rope-scale', 'vllm serve "unterminated --max-model-len 5']) {
    assert.doesNotThrow(() => analyse('file:///b.sh', s, V));
  }
});
