// "Extend context…" over LSP: the code action, the scripted server command (what the client calls after its quick
// picks) with apply, and the applied edit re-checked by the server itself, in JSON, Python and YAML.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CodeActionRequest, DiagnosticSeverity, ExecuteCommandRequest, type CodeAction, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits, SERVER, TestClient } from './client';

let c: TestClient;

before(async () => {
  assert.ok(existsSync(SERVER), 'dist/server.js is built (npm run build)');
  c = new TestClient();
  await c.initialize('file:///ws');
});

after(async () => {
  await c.shutdown();
});

interface AdviseResponse {
  error?: string;
  info?: { relevant: boolean; original?: number; engine: string; blockPath?: string };
  advice?: { method: string; runnerUp: string; reason: string; notes: string[]; warnings: string[]; maxPositionEmbeddings: number };
  summary?: string;
  preview?: string;
  edit?: WorkspaceEdit;
  measureNote?: string;
  applied?: boolean;
}

const advise = async (args: Record<string, unknown>): Promise<AdviseResponse> =>
  (await c.conn.sendRequest(ExecuteCommandRequest.type, { command: 'ropelens.server.advise', arguments: [args] })) as AdviseResponse;

interface Case {
  name: string;
  uri: string;
  languageId: string;
  text: string;
  /** Where the cursor is for the code action. */
  line: number;
  args: Record<string, unknown>;
  method: string;
  /** Text the applied file must contain. */
  expect: RegExp[];
}

const CASES: Case[] = [
  {
    name: 'JSON (v4, no block yet), zero-shot 4× on transformers → dynamic NTK, max_position_embeddings kept',
    uri: 'file:///ws/qwen/config.json',
    languageId: 'json',
    text: '{\n  "model_type": "qwen2",\n  "hidden_size": 2048,\n  "num_attention_heads": 16,\n  "max_position_embeddings": 32768,\n  "rope_theta": 1000000.0\n}\n',
    line: 4,
    args: { target: 131072, finetune: false, engine: 'transformers' },
    method: 'dynamic',
    expect: [/"rope_scaling": \{\n {4}"rope_type": "dynamic",\n {4}"factor": 4\.0\n {2}\}/, /"max_position_embeddings": 32768,/],
  },
  {
    name: 'Python, fine-tune for llama.cpp → YaRN (no finetuned key: llama.cpp\'s Llama graph ignores it), max_position_embeddings raised',
    uri: 'file:///ws/train.py',
    languageId: 'python',
    text: 'from transformers import AutoConfig\n\nconfig = AutoConfig.from_pretrained("Qwen/Qwen2.5-7B-Instruct")\nconfig.rope_scaling = {"rope_type": "linear", "factor": 1.0}\n',
    line: 3,
    args: { target: '128k', finetune: 300, engine: 'llama.cpp' },
    method: 'yarn',
    expect: [/"rope_type": "yarn", "factor": 4\.0, "original_max_position_embeddings": 32768\}/, /config\.max_position_embeddings = 131072/],
  },
  {
    name: 'YAML recipe, zero-shot 16× for vLLM → YaRN, block rewritten in place',
    uri: 'file:///ws/axolotl.yaml',
    languageId: 'yaml',
    text: 'base_model: Qwen/Qwen2.5-7B-Instruct\nsequence_len: 32768\nrope_scaling:\n  rope_type: linear\n  factor: 1.0\nmax_position_embeddings: 32768\n',
    line: 3,
    args: { target: 524288, finetune: false, engine: 'vllm' },
    method: 'yarn',
    expect: [/rope_scaling:\n {2}rope_type: yarn\n {2}factor: 16\.0\n {2}original_max_position_embeddings: 32768\n/, /max_position_embeddings: 524288/],
  },
];

for (const k of CASES) {
  test(`Extend context… ${k.name}`, async () => {
    const opened = c.diagnostics(k.uri, (p) => p.version === 1);
    await c.open(k.uri, k.text, k.languageId);
    const first = await opened;
    assert.equal(first.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length, 0, 'starts without errors');

    const actions = (await c.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: k.uri },
      range: { start: { line: k.line, character: 2 }, end: { line: k.line, character: 2 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    const action = actions.find((a) => a.title === 'Extend context…');
    assert.equal(action?.command?.command, 'ropelens.extendContext');
    assert.equal(action?.command?.arguments?.[0], k.uri);

    // What the client asks first (presets 2×/4×/8× of the original).
    const info = await advise({ uri: k.uri, blockPath: action?.command?.arguments?.[1] });
    assert.equal(info.info?.relevant, true);
    assert.equal(info.info?.original, 32768);

    const target = typeof k.args['target'] === 'string' ? 131072 : (k.args['target'] as number);
    const res = await advise({
      uri: k.uri, blockPath: action?.command?.arguments?.[1], ...k.args,
      target, finetune: k.args['finetune'] !== false, ...(typeof k.args['finetune'] === 'number' ? { steps: k.args['finetune'] } : {}),
      measure: false, apply: true,
    });
    assert.equal(res.error, undefined);
    assert.equal(res.advice?.method, k.method, res.advice?.reason);
    assert.match(res.advice!.reason, /trained context of 32,768/);
    // No run asked: the shipped evidence is quoted, the fine-tuned checkpoints' when the user will fine-tune.
    assert.match(res.advice!.reason, k.args['finetune'] === false ? /Measured zero-shot on the bundled mini-model/ : /Measured after \d+ fine-tuning steps/);
    assert.equal(res.measureNote, undefined);
    assert.ok(res.preview?.startsWith('--- '), 'a diff preview');
    assert.equal(res.applied, true);
    const edits = res.edit!.changes![k.uri]!;
    assert.deepEqual(c.appliedEdits.at(-1), res.edit, 'the server applied the same edit it returned');
    const out = applyTextEdits(k.text, edits);
    for (const re of k.expect) assert.match(out, re, out);

    // The server's own check of the new text: no error.
    const v = await c.change(k.uri, out);
    const after = await c.diagnostics(k.uri, (p) => p.version === v);
    assert.deepEqual(after.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => d.message), []);
    await c.close(k.uri);
  });
}

test('Extend context…: bad input gives one clear error, never a crash', async () => {
  const uri = 'file:///ws/bad/config.json';
  await c.open(uri, '{"model_type": "llama", "max_position_embeddings": 4096}');
  assert.match((await advise({ uri, target: 'lots', finetune: false })).error ?? '', /whole number/);
  assert.match((await advise({ uri, target: 8192, engine: 'foo' })).error ?? '', /engine/);
  assert.match((await advise({ uri, target: 8192, blockPath: '/nope' })).error ?? '', /No rope block/);
  assert.match((await advise({ uri: 'file:///ws/not-open.json', target: 8192 })).error ?? '', /not open/);
  const none = await advise({ uri, target: 2048, finetune: false });
  assert.equal(none.advice?.method, 'none');
  assert.deepEqual(none.edit?.changes?.[uri], []);
  await c.close(uri);
  assert.ok(!/uncaught|unhandled/i.test(c.stderr), c.stderr);
});
