// Starts the built dist/server.js over stdio and speaks LSP to it, as an editor would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CodeActionRequest, CodeLensRequest, CompletionRequest, ExecuteCommandRequest, HoverRequest, type CodeAction, type CodeLens, type CompletionItem, type Diagnostic, type Hover, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits, codes, SERVER, TestClient } from './client';
import { parseDocument } from '../../core/parse/index';

const URI = 'file:///ws/models/qwen/config.json';
const ROOT = 'file:///ws';
// The Qwen2.5 README snippet pasted into a config that keeps max_position_embeddings 32768: legacy `type`,
// an int factor, and (for 4.51–4.55) an implicit factor 1.
const TEXT = `{
  "architectures": ["Qwen2ForCausalLM"],
  "model_type": "qwen2",
  "hidden_size": 2048,
  "num_attention_heads": 16,
  "max_position_embeddings": 32768,
  "rope_theta": 1000000.0,
  "rope_scaling": {
    "type": "yarn",
    "factor": 4,
    "original_max_position_embeddings": 32768
  }
}
`;

let c: TestClient;

before(async () => {
  assert.ok(existsSync(SERVER), 'dist/server.js is built (npm run build)');
  c = new TestClient();
  const init = (await c.initialize(ROOT)) as { capabilities: Record<string, unknown> };
  assert.ok(init.capabilities['hoverProvider']);
  assert.ok(init.capabilities['codeActionProvider']);
});

after(async () => {
  await c.shutdown();
});

function text(uri = URI): string {
  return c.texts.get(uri)!.text;
}

/** Puts the shared document in a known state (opening it if needed) and returns its fresh diagnostics. */
async function reset(content = TEXT, uri = URI, languageId = 'json') {
  if (!c.texts.has(uri)) {
    const d = c.diagnostics(uri, (p) => p.version === 1);
    await c.open(uri, content, languageId);
    return d;
  }
  const v = c.texts.get(uri)!.version + 1;
  const d = c.diagnostics(uri, (p) => p.version === v);
  await c.change(uri, content);
  return d;
}

function editFor(edit: WorkspaceEdit | undefined, uri = URI) {
  const edits = edit?.changes?.[uri];
  assert.ok(edits && edits.length, 'the action carries edits for the document');
  return edits;
}

test('diagnostics: source, rule code, doc link and fix payload; a preferred quick fix clears its finding', async () => {
  const { diagnostics } = await reset();
  assert.ok(diagnostics.length > 0);
  for (const d of diagnostics) {
    assert.equal(d.source, 'ropelens');
    assert.match(String(d.code), /^[a-z0-9-]+$/);
    assert.equal(d.codeDescription?.href, `https://github.com/ropelens/ropelens/blob/main/docs/rules.md#${d.code}`);
    assert.ok(Array.isArray((d.data as { fixes: unknown[] }).fixes));
    const covered = applyTextEdits(TEXT, [{ range: d.range, newText: '' }]);
    assert.ok(covered.length < TEXT.length, 'the range covers text');
  }
  const fixable = diagnostics.find((d) => (d.data as { fixes: Array<{ isPreferred?: boolean }> }).fixes.some((f) => f.isPreferred));
  assert.ok(fixable, `a finding with a preferred fix among ${codes(diagnostics)}`);

  const actions = (await c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI },
    range: fixable.range,
    context: { diagnostics: [fixable], only: ['quickfix'] },
  })) as CodeAction[];
  const preferred = actions.find((a) => a.isPreferred);
  assert.ok(preferred, `preferred action among ${actions.map((a) => a.title)}`);
  assert.equal(preferred.kind, 'quickfix');
  assert.ok(actions.some((a) => a.title === `Show documentation for ${fixable.code}` && a.command?.command === 'ropelens.showRuleDoc'));
  const ignore = actions.find((a) => a.title === `Ignore ${fixable.code} in this file`);
  assert.deepEqual(ignore?.command?.arguments, [URI, fixable.code], 'JSON: ignore goes through the setting command');
  assert.ok(!actions.some((a) => a.title.startsWith('Disable ')), 'JSON has no comments');

  const fixed = applyTextEdits(TEXT, editFor(preferred.edit));
  JSON.parse(fixed);
  const after = await reset(fixed);
  const before = diagnostics.filter((d) => d.code === fixable.code).length;
  assert.equal(after.diagnostics.filter((d) => d.code === fixable.code).length, before - 1, `${fixable.code} fixed: ${codes(after.diagnostics)}`);
});

test('hover on the rope type: the method, original × factor, what the chosen version does', async () => {
  await reset();
  const at = TEXT.indexOf('"yarn"') + 2;
  const line = TEXT.slice(0, at).split('\n').length - 1;
  const character = at - TEXT.lastIndexOf('\n', at - 1) - 1;
  const h = (await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line, character } })) as Hover;
  const md = (h.contents as { value: string }).value;
  assert.match(md, /YaRN/);
  assert.match(md, /32,768 × 4 = \*\*131,072\*\*/);
  assert.match(md, /transformers 5\.15\.0/);
  assert.equal(h.range?.start.line, line);

  const nothing = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 2, character: 5 } });
  assert.equal(nothing, null, 'no hover outside blocks and context keys');
});

test('completion: missing keys at a key position, rope types at the value of "type"', async () => {
  // A new line inside the block, right after the opening brace.
  const open = TEXT.indexOf('"rope_scaling": {') + '"rope_scaling": {'.length;
  const withKey = TEXT.slice(0, open) + '\n    "' + TEXT.slice(open);
  await reset(withKey);
  const line = withKey.slice(0, open).split('\n').length;
  const items = (await c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: URI }, position: { line, character: 5 } })) as CompletionItem[];
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('beta_fast'), labels.join());
  assert.ok(!labels.includes('factor'), 'present keys are not offered');
  const typeLine = TEXT.split('\n').findIndex((l) => l.includes('"type": "yarn"'));
  await reset();
  const values = (await c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: URI }, position: { line: typeLine, character: '    "type": "ya'.length } })) as CompletionItem[];
  const v = values.map((i) => i.label);
  assert.ok(v.includes('yarn') && v.includes('llama3') && v.includes('longrope'), v.join());
  const yarn = values.find((i) => i.label === 'yarn')!;
  const edit = yarn.textEdit as { range: { start: { character: number }; end: { character: number } }; newText: string };
  assert.equal(edit.newText, '"yarn"');
  assert.equal(edit.range.start.character, '    "type": '.length);
  assert.equal(edit.range.end.character, '    "type": "ya'.length);
});

test('settings: the server pulls configuration; turning a rule off silences it', async () => {
  const base = await reset();
  const target = String(base.diagnostics[0]!.code);
  const pulls = c.configurationRequests;
  const silenced = c.diagnostics(URI, (p) => !p.diagnostics.some((d) => d.code === target));
  await c.setSettings({ rules: { [target]: 'off' } });
  const after = await silenced;
  assert.ok(c.configurationRequests > pulls, 'settings were pulled with workspace/configuration');
  assert.equal(after.diagnostics.length, base.diagnostics.filter((d) => d.code !== target).length);

  // Severity override and per-file ignore (the setting the "Ignore in this file" command writes).
  const other = base.diagnostics.find((d) => d.code !== target);
  if (other) {
    const ignored = c.diagnostics(URI, (p) => !p.diagnostics.some((d) => d.code === other.code));
    await c.setSettings({ ignoredRules: { 'models/qwen/config.json': [String(other.code)] } });
    await ignored;
    const hinted = c.diagnostics(URI, (p) => p.diagnostics.some((d) => d.code === other.code && d.severity === 4));
    await c.setSettings({ rules: { [String(other.code)]: 'hint' } });
    await hinted;
  }
  const restored = c.diagnostics(URI, (p) => p.diagnostics.length === base.diagnostics.length);
  await c.setSettings({});
  await restored;
});

test('Extend context with YaRN: scripted target returns an exact edit; the result is a correct YaRN config', async () => {
  const QWEN = `{\n  "model_type": "qwen2",\n  "hidden_size": 2048,\n  "num_attention_heads": 16,\n  "max_position_embeddings": 32768,\n  "rope_theta": 1000000.0\n}\n`;
  const uri = 'file:///ws/models/plain/config.json';
  const opened = c.diagnostics(uri);
  await c.open(uri, QWEN);
  await opened;
  const actions = (await c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: { line: 4, character: 4 }, end: { line: 4, character: 4 } },
    context: { diagnostics: [] },
  })) as CodeAction[];
  const extend = actions.find((a) => a.title === 'Extend context with YaRN…');
  assert.equal(extend?.command?.command, 'ropelens.extendContextYarn');
  const info = (await c.conn.sendRequest(ExecuteCommandRequest.type, { command: 'ropelens.server.blockInfo', arguments: [{ uri }] })) as { currentContext: number };
  assert.equal(info.currentContext, 32768);
  const res = (await c.conn.sendRequest(ExecuteCommandRequest.type, {
    command: 'ropelens.server.extendContextYarn',
    arguments: [{ uri, target: 131072 }],
  })) as { edit: WorkspaceEdit; summary: string };
  assert.ok(res.summary.length > 0);
  const out = applyTextEdits(QWEN, editFor(res.edit, uri));
  const doc = parseDocument(uri, out, 'json');
  const block = doc.blocks[0]!;
  assert.equal(block.params['rope_type'], 'yarn');
  assert.equal(block.params['factor'], 4);
  assert.equal(block.params['original_max_position_embeddings'], 32768);
  assert.equal(block.context.maxPositionEmbeddings?.value, 131072);
  assert.match(out, /^ {2}"max_position_embeddings": 131072,$/m, 'indentation kept');

  // With apply: the server sends workspace/applyEdit itself.
  const applied = (await c.conn.sendRequest(ExecuteCommandRequest.type, { command: 'ropelens.server.extendContextYarn', arguments: [{ uri, target: 65536, apply: true }] })) as { applied: boolean };
  assert.equal(applied.applied, true);
  assert.equal(c.appliedEdits.length, 1);
  const bad = (await c.conn.sendRequest(ExecuteCommandRequest.type, { command: 'ropelens.server.extendContextYarn', arguments: [{ uri, target: 'x' }] })) as { error: string };
  assert.match(bad.error, /whole number/);

  const cleared = c.diagnostics(uri, (p) => p.diagnostics.length === 0);
  await c.close(uri);
  await cleared;
});

test('migrate v4 → v5 and fix-all as code actions', async () => {
  const actions = (await c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI },
    range: { start: { line: 8, character: 6 }, end: { line: 8, character: 6 } },
    context: { diagnostics: [] },
  })) as CodeAction[];
  const migrate = actions.find((a) => a.kind === 'refactor.rewrite.ropelens.migrate.toV5');
  assert.ok(migrate, actions.map((a) => a.kind).join());
  const v5 = applyTextEdits(text(), editFor(migrate.edit));
  const doc = parseDocument(URI, v5, 'json');
  assert.equal(doc.blocks[0]!.api, 'v5');
  assert.equal(doc.blocks[0]!.key, 'rope_parameters');
  assert.ok(!v5.includes('"rope_scaling"'));

  const base = await reset();
  const fixAll = (await c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll.ropelens'] },
  })) as CodeAction[];
  assert.equal(fixAll.length, 1);
  assert.equal(fixAll[0]!.kind, 'source.fixAll.ropelens');
  const fixed = applyTextEdits(TEXT, editFor(fixAll[0]!.edit));
  const after = await reset(fixed);
  const fixableBefore = base.diagnostics.filter((d: Diagnostic) => (d.data as { fixes: Array<{ isPreferred?: boolean }> }).fixes.some((f) => f.isPreferred)).length;
  assert.ok(fixableBefore > 0);
  assert.ok(after.diagnostics.length <= base.diagnostics.length - 1, `${codes(base.diagnostics)} → ${codes(after.diagnostics)}`);
});

test('Python: disable-for-this-line and ignore-in-file write suppression comments that work', async () => {
  const uri = 'file:///ws/train.py';
  const PY = [
    'from transformers import AutoConfig',
    '',
    'config = AutoConfig.from_pretrained("Qwen/Qwen2.5-7B-Instruct")',
    '    ',
    'config.rope_scaling = {"type": "yarn", "factor": 4, "original_max_position_embeddings": 32768}',
    '',
  ].join('\n');
  const { diagnostics } = await reset(PY, uri, 'python');
  assert.ok(diagnostics.length > 0, 'the Python dialect reports');
  const d = diagnostics[0]!;
  const actions = (await c.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } })) as CodeAction[];
  const line = actions.find((a) => a.title === `Disable ${d.code} for this line`);
  const file = actions.find((a) => a.title === `Ignore ${d.code} in this file`);
  assert.ok(line && file, actions.map((a) => a.title).join(' | '));
  const withLine = applyTextEdits(PY, editFor(line.edit, uri));
  assert.match(withLine, new RegExp(`\\n# ropelens-disable-next-line ${d.code}\\nconfig\\.rope_scaling`));
  const afterLine = await reset(withLine, uri);
  assert.ok(!afterLine.diagnostics.some((x) => x.code === d.code), `${d.code} suppressed on that line`);
  assert.equal(afterLine.diagnostics.length, diagnostics.length - diagnostics.filter((x) => x.code === d.code).length);

  const withFile = applyTextEdits(PY, editFor(file.edit, uri));
  assert.ok(withFile.startsWith(`# ropelens-disable-file ${d.code}\n`));
  const afterFile = await reset(withFile, uri);
  assert.ok(!afterFile.diagnostics.some((x) => x.code === d.code));
  await c.close(uri);
});

test('closing a document clears its diagnostics; the server is still alive', async () => {
  await reset();
  const cleared = c.diagnostics(URI, (p) => p.diagnostics.length === 0);
  await c.close(URI);
  await cleared;
  assert.equal(c.proc.exitCode, null);
  assert.ok(!/uncaught|unhandled/i.test(c.stderr), c.stderr);
});

test('large document: diagnostics defer their fixes, the code action computes them for one finding', async () => {
  const uri = 'file:///ws/models/many/config.json';
  const subs = Array.from({ length: 80 }, (_, i) =>
    `  "sub_${i}": {\n    "model_type": "llama",\n    "max_position_embeddings": 4096,\n    "rope_scaling": {"type": "linear", "factor": 2.0, "attn_factor": 1.0}\n  }`);
  const content = `{\n  "model_type": "llama",\n${subs.join(',\n')}\n}\n`;
  const diags = (await reset(content, uri)).diagnostics as Diagnostic[];
  const last = diags.filter((d) => d.code === 'unknown-key').pop()!;
  assert.ok(last, `unknown-key among ${codes(diags)}`);
  const data = last.data as { deferred?: unknown; fixes: unknown[] };
  assert.ok(data.deferred, 'fixes deferred for a large document');
  assert.equal(data.fixes.length, 0);
  const actions = (await c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri }, range: last.range, context: { diagnostics: [last], only: ['quickfix'] },
  })) as CodeAction[];
  const fix = actions.find((a) => a.edit?.changes?.[uri]?.length);
  assert.ok(fix, `a fix with edits among ${actions.map((a) => a.title)}`);
  const fixed = applyTextEdits(text(uri), fix.edit!.changes![uri]!);
  assert.doesNotThrow(() => JSON.parse(fixed));
  assert.equal(fixed.split('attn_factor').length, content.split('attn_factor').length - 1, 'exactly one key fixed');
});

test('Copy rope block as…: a code action on the block and a server command that converts it for every engine', async () => {
  await reset();
  const offset = text().indexOf('"factor"');
  const pos = { line: text().slice(0, offset).split('\n').length - 1, character: 6 };
  const actions = (await c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI }, range: { start: pos, end: pos }, context: { diagnostics: [] },
  })) as CodeAction[];
  const copy = actions.find((a) => a.title === 'Copy rope block as…');
  assert.ok(copy, `copy action among ${actions.map((a) => a.title)}`);
  assert.deepEqual(copy.command?.arguments, [URI, '/rope_scaling']);
  const res = (await c.conn.sendRequest(ExecuteCommandRequest.type, {
    command: 'ropelens.server.convert', arguments: [{ uri: URI, offset }],
  })) as { blockPath: string; conversions: Array<{ target: string; text: string; exact: boolean }> };
  assert.equal(res.blockPath, '/rope_scaling');
  assert.deepEqual(res.conversions.map((x) => x.target), ['transformers-v4', 'transformers-v5', 'vllm', 'sglang', 'llama.cpp', 'tgi']);
  const byTarget = Object.fromEntries(res.conversions.map((x) => [x.target, x.text]));
  assert.match(byTarget['llama.cpp']!, /--rope-scaling yarn/);
  assert.match(byTarget['llama.cpp']!, /--rope-scale 4/);
  assert.match(byTarget['llama.cpp']!, /--yarn-orig-ctx 32768/);
  assert.match(byTarget['vllm']!, /"rope_type":\s*"yarn"/);
  // The v5 form carries rope_theta inside the block and parses back to the same factor.
  const v5 = JSON.parse(`{${byTarget['transformers-v5']!.replace(/,\s*$/, '')}}`) as { rope_parameters: Record<string, unknown> };
  assert.equal(v5.rope_parameters['factor'], 4);
  assert.equal(v5.rope_parameters['rope_theta'], 1000000);
});

test('code lenses: Preview this block and Extend context… above each block; a setting turns them off', async () => {
  await reset();
  const lenses = (await c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } })) as CodeLens[];
  assert.deepEqual(lenses.map((l) => l.command?.command), ['ropelens.previewBlock', 'ropelens.extendContext']);
  assert.deepEqual(lenses[0]!.command?.arguments, [{ uri: URI, path: '/rope_scaling' }]);
  assert.equal(lenses[0]!.range.start.line, text().split('\n').findIndex((l) => l.includes('"rope_scaling"')));
  await c.setSettings({ codeLens: { enable: false } });
  try {
    const none = (await c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } })) as CodeLens[];
    assert.equal(none.length, 0);
  } finally {
    await c.setSettings({});
  }
});

test('blockAt: the preview block for a cursor offset or a block path, from the server parse; null otherwise', async () => {
  await reset();
  type Block = { label: string; uri: string; path: string; key: string; params: Record<string, unknown>; context: { maxPositionEmbeddings?: { value: unknown } } } | null;
  const at = (params: unknown) => c.conn.sendRequest('ropelens/blockAt', params) as Promise<Block>;
  const inside = await at({ uri: URI, offset: text().indexOf('"factor"') });
  assert.ok(inside);
  assert.equal(inside.label, 'config.json · /rope_scaling');
  assert.equal(inside.uri, URI);
  assert.equal(inside.path, '/rope_scaling');
  assert.equal(inside.params['factor'], 4);
  assert.equal(inside.context.maxPositionEmbeddings?.value, 32768);
  assert.equal((await at({ uri: URI, path: '/rope_scaling' }))?.path, '/rope_scaling');
  // Before the block: the first block (the view shows the file's block rather than nothing).
  assert.equal((await at({ uri: URI, offset: 0 }))?.path, '/rope_scaling');
  assert.equal(await at({ uri: 'file:///ws/not-open.json', offset: 0 }), null);
  for (const garbage of [null, 42, { uri: 7 }, { offset: 3 }]) assert.equal(await at(garbage), null);
  const other = 'file:///ws/plain.json';
  await c.open(other, '{"a": 1}');
  assert.equal(await at({ uri: other, offset: 2 }), null);
  await c.close(other);
});

