// Pure parts of the preview view, no browser: the CSP shell, the message validators, block-at-cursor, the
// per-frequency analysis the second panel draws, and state restore.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RopeBlock } from '../../core/model';
import { parseDocument } from '../../core/parse/index';
import { blockAt, blockInfoOf } from '../../server/src/handlers/previewBlock';
import { buildCsp, buildHtml, makeNonce } from '../../client/src/webview/html';
import { analyseBlock } from '../../media/src/dims';
import { EXAMPLES } from '../../media/src/examples';
import { checkFromWebview, checkToWebview } from '../../media/src/protocol';
import { defaultState, restoreState } from '../../media/src/state';

const shell = (nonce = makeNonce()) =>
  buildHtml({
    cspSource: 'https://x.vscode-cdn.net',
    nonce,
    scriptUri: 'https://x.vscode-cdn.net/dist/media/webview.js',
    styleUris: ['https://x.vscode-cdn.net/dist/media/webview.css'],
    ortBaseUri: 'https://x.vscode-cdn.net/dist/media/ort/',
    modelUri: 'https://x.vscode-cdn.net/media/model/ropelens-mini.onnx',
    evalUri: 'https://x.vscode-cdn.net/media/model/eval.txt',
    needlesUri: 'https://x.vscode-cdn.net/media/model/needles.json',
    boot: { backend: 'auto', label: '"><script>alert(1)</script>' },
  });

describe('webview shell', () => {
  test('strict CSP: nonce scripts and wasm compilation only', () => {
    const csp = buildCsp('https://x.vscode-cdn.net', 'abcdefabcdefabcdef');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abcdefabcdefabcdef' 'wasm-unsafe-eval'(;|$)/);
    assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'|https?:\/\/(?!x\.vscode-cdn\.net)/);
  });
  test('one nonce script, one root, boot data escaped', () => {
    const nonce = makeNonce();
    assert.match(nonce, /^[0-9a-f]{32}$/);
    assert.notEqual(nonce, makeNonce());
    const html = shell(nonce);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.ok(html.includes(`<script type="module" nonce="${nonce}"`));
    assert.ok(!html.includes('<script>alert'), 'boot data cannot break out of its attribute');
    assert.throws(() => buildHtml({ nonce: 'short' } as never), /nonce/);
  });
});

describe('protocol validation', () => {
  test('host → webview', () => {
    assert.equal(checkToWebview({ t: 'run', request: { methods: ['none', 'yarn'], lengths: ['2x', 512] } }).ok, true);
    assert.equal(checkToWebview({ t: 'cancel' }).ok, true);
    assert.equal(checkToWebview({ t: 'block', block: null }).ok, true);
    assert.equal(checkToWebview({ t: 'settings', backend: 'webgpu' }).ok, true);
    for (const bad of [
      null, 'x', { t: 'nope' }, { t: 'run', request: { methods: ['bogus'] } }, { t: 'run', request: { lengths: [-1] } },
      { t: 'run', request: { lengths: ['abc'] } }, { t: 'run', request: { backend: 'cuda' } }, { t: 'settings', backend: 1 },
      { t: 'block', block: { label: 1 } }, { t: 'run', request: { budget: 0 } },
    ]) {
      const c = checkToWebview(bad);
      assert.equal(c.ok, false, JSON.stringify(bad));
      if (!c.ok) assert.ok(c.error.length > 5);
    }
  });
  test('webview → host', () => {
    const cell = { method: 'yarn', length: 256, lengthMultiple: 2, factor: 2, attentionFactor: 1.07, ms: 3, perplexity: 3.1, needleAccuracy: 0.5 };
    const summary = { backend: 'wasm', runtime: 'r', originalLength: 128, factorPolicy: 'per-length', cells: [cell], cancelled: false, ms: 10 };
    assert.equal(checkFromWebview({ t: 'ready' }).ok, true);
    assert.equal(checkFromWebview({ t: 'result', summary }).ok, true);
    assert.equal(checkFromWebview({ t: 'status', state: 'done' }).ok, true);
    assert.equal(checkFromWebview({ t: 'result', summary: { ...summary, backend: 'cuda' } }).ok, false);
    assert.equal(checkFromWebview({ t: 'result', summary: { ...summary, cells: [{ ...cell, perplexity: 'x' }] } }).ok, false);
    assert.equal(checkFromWebview({ t: 'status', state: 'weird' }).ok, false);
    assert.equal(checkFromWebview({ t: 'exec', cmd: 'rm' }).ok, false);
  });
});

describe('block at the cursor', () => {
  const text = `{
  "max_position_embeddings": 131072,
  "rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768},
  "text_config": {"max_position_embeddings": 8192, "rope_scaling": {"rope_type": "linear", "factor": 2.0}}
}`;
  const doc = parseDocument('file:///w/config.json', text, 'json');
  test('the block containing the cursor, else the one before it, else the first', () => {
    assert.ok(doc.blocks.length >= 2, 'the JSON parser finds both blocks');
    const first = doc.blocks.find((b) => b.path === '/rope_scaling')!;
    const second = doc.blocks.find((b) => b.path === '/text_config/rope_scaling')!;
    assert.equal(blockAt(doc.blocks, text.indexOf('"factor": 4.0'))?.path, first.path);
    assert.equal(blockAt(doc.blocks, text.indexOf('"linear"'))?.path, second.path);
    assert.equal(blockAt(doc.blocks, 0)?.path, first.path);
    assert.equal(blockAt(doc.blocks, text.length - 1)?.path, second.path);
    assert.equal(blockAt([], 3), undefined);
  });
  test('plain data that passes the webview validator', () => {
    const info = blockInfoOf(doc.uri, doc.blocks[0] as RopeBlock);
    assert.equal(info.label, `config.json · ${doc.blocks[0]!.path}`);
    assert.equal(checkToWebview(JSON.parse(JSON.stringify({ t: 'block', block: info }))).ok, true);
  });
});

describe('per-frequency panel data', () => {
  test('YaRN example: kept, blended and interpolated bands, wavelengths grow, attention > 1', () => {
    const v = analyseBlock(EXAMPLES.find((e) => e.id === 'qwen25-yarn')!.block);
    assert.equal(v.ropeType, 'yarn');
    assert.equal(v.rows.length, 64);
    const bands = new Set(v.rows.map((r) => r.band));
    for (const b of ['kept', 'blended', 'interpolated']) assert.ok(bands.has(b as never), b);
    assert.equal(v.rows[0]!.band, 'kept');
    assert.equal(v.rows[63]!.band, 'interpolated');
    for (let j = 1; j < v.rows.length; j++) assert.ok(v.rows[j]!.wavelength > v.rows[j - 1]!.wavelength);
    assert.ok(Math.abs(v.rows[63]!.wavelength / v.rows[63]!.wavelength0 - 4) < 1e-6, 'interpolated dims turn 4× slower');
    assert.ok(v.attentionFactor > 1);
    assert.equal(v.originalContext, 32768);
  });
});

describe('view state', () => {
  test('restore keeps valid choices and drops malformed ones', () => {
    assert.deepEqual(restoreState(undefined), defaultState());
    assert.deepEqual(restoreState({ v: 2 }), defaultState());
    const s = restoreState({ v: 1, methods: ['none', 'yarn'], multiples: [1, 3], factorPolicy: 'static', logScale: false, source: 'llama31', hidden: 'x' });
    assert.deepEqual(s.methods, ['none', 'yarn']);
    assert.deepEqual(s.multiples, defaultState().multiples, 'unknown multiple 3 → defaults');
    assert.equal(s.factorPolicy, 'static');
    assert.equal(s.logScale, false);
    assert.equal(s.source, 'llama31');
    assert.deepEqual(s.hidden, []);
  });
});
