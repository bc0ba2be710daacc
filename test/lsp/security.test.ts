// Hostile files and settings through the real server over stdio: each repro of "one line kills the language server"
// is opened, diagnosed with a finding naming the absurd value, and the server still answers a hover on another
// document; a hostile ignoredRules glob does not stall it; a hostile rope type's hover is inert markdown.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HoverRequest, type Hover, type MarkupContent } from 'vscode-languageserver-protocol';
import MarkdownIt from 'markdown-it';
import { SERVER, TestClient } from './client';
import { mdCode } from '../../core/markdown';

const HOSTILE = join(__dirname, '..', 'fixtures', 'hostile');
const OTHER = 'file:///ws/other/config.json';
const OTHER_TEXT = JSON.stringify({ model_type: 'llama', max_position_embeddings: 8192, rope_scaling: { rope_type: 'linear', factor: 2.0 } }, null, 2);
const REPROS: [file: string, languageId: string, value: RegExp][] = [
  ['serve.sh', 'shellscript', /partial_rotary_factor 10,000,000/],
  ['compose.yaml', 'yaml', /partial_rotary_factor 10,000,000/],
  ['hf-overrides.sh', 'shellscript', /head_dim 1,000,000,000/],
  ['huge-partial.py', 'python', /partial_rotary_factor 9,007,199,254,740,99\d/],
];

let c: TestClient;

before(async () => {
  assert.ok(existsSync(SERVER), 'dist/server.js is built (npm run build)');
  c = new TestClient();
  await c.initialize('file:///ws');
  const d = c.diagnostics(OTHER);
  await c.open(OTHER, OTHER_TEXT);
  await d;
});

after(async () => {
  await c.shutdown();
});

async function hoverOther(): Promise<string> {
  const offset = OTHER_TEXT.indexOf('"linear"') + 2;
  const line = OTHER_TEXT.slice(0, offset).split('\n').length - 1;
  const character = offset - OTHER_TEXT.lastIndexOf('\n', offset - 1) - 1;
  const h = (await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: OTHER }, position: { line, character } })) as Hover | null;
  assert.ok(h, 'a hover on the other document');
  return (h.contents as MarkupContent).value;
}

for (const [file, languageId, value] of REPROS) {
  test(`${file}: diagnosed with the value named, and the server still answers a hover elsewhere`, async () => {
    const uri = `file:///ws/repro/${file}`;
    const d = c.diagnostics(uri);
    await c.open(uri, readFileSync(join(HOSTILE, file), 'utf8'), languageId);
    const diags = (await d).diagnostics;
    const f = diags.find((x) => x.code === 'value-out-of-range');
    assert.ok(f, `diagnostics: ${diags.map((x) => x.code).join(', ')}`);
    assert.match(typeof f.message === 'string' ? f.message : f.message.value, value);
    // A hover inside the hostile block itself, then one on the other document.
    const line = f.range.start.line;
    const h = (await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: f.range.start })) as Hover | null;
    if (h) assert.ok((h.contents as MarkupContent).value.length < 20_000, `hover on line ${line} stays small`);
    assert.match(await hoverOther(), /linear/);
    assert.equal(c.proc.exitCode, null, 'the server is alive');
  });
}

test('a hostile ignoredRules glob does not stall the server', async () => {
  const d = c.diagnostics(OTHER, (p) => p.version === 2);
  c.settings = { ignoredRules: { '**************Z': ['x'], 'a*a*a*a*a*a*a*a*a*a*b': ['y'], [`${'**/'.repeat(60)}Z`]: ['z'] } };
  await c.setSettings(c.settings);
  await c.change(OTHER, OTHER_TEXT + '\n');
  await d;
  assert.match(await hoverOther(), /linear/);
  c.settings = {};
  await c.setSettings({});
});

test('a hostile rope type renders as code in the hover, not as an image or a command link', async () => {
  const payload = 'x` ![img](https://attacker.invalid/leak.png) [run](command:workbench.action.terminal.new) `y';
  const uri = 'file:///ws/inject/config.json';
  const text = JSON.stringify({ model_type: 'llama', max_position_embeddings: 4096, rope_scaling: { rope_type: payload, factor: 4 } }, null, 2);
  const d = c.diagnostics(uri);
  await c.open(uri, text);
  await d;
  const offset = text.indexOf('rope_scaling') + 2;
  const line = text.slice(0, offset).split('\n').length - 1;
  const character = offset - text.lastIndexOf('\n', offset - 1) - 1;
  const h = (await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } })) as Hover | null;
  assert.ok(h);
  const md = (h.contents as MarkupContent).value;
  assert.ok(md.includes(mdCode(payload)), md);
  const html = new MarkdownIt({ html: true, linkify: true }).render(md);
  assert.doesNotMatch(html, /<img|<a\s/, html);
  assert.equal((h as unknown as { isTrusted?: unknown }).isTrusted, undefined);
});
