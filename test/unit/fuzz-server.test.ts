// Fuzz through the built server process: a stream of didOpen/didChange with garbage (random bytes,
// out-of-range incremental edits, broken JSON, a 10 MB line) and malformed requests; it must keep answering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { DidChangeTextDocumentNotification, HoverRequest, CompletionRequest, CodeActionRequest, type Hover } from 'vscode-languageserver-protocol';
import { SERVER, TestClient } from '../lsp/client';

const CONFIG = `{
  "model_type": "llama",
  "hidden_size": 4096,
  "num_attention_heads": 32,
  "max_position_embeddings": 8192,
  "rope_scaling": {"type": "yarn", "factor": 4, "original_max_position_embeddings": 8192}
}`;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);
}

test('server survives garbage documents and edits, then still answers a hover', async () => {
  assert.ok(existsSync(SERVER), 'dist/server.js is built (npm run build)');
  const c = new TestClient({ ROPELENS_DEBOUNCE_MS: '5' });
  try {
    await c.initialize('file:///fuzz');
    const garbage = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 300, unit: 'binary' }),
        fc.nat({ max: CONFIG.length }).map((n) => CONFIG.slice(0, n)),
        fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify({ model_type: 'x', rope_scaling: v })),
        fc.constantFrom('\u0000\uD800\uDFFF\uFFFE', '{"rope_scaling": {"factor": NaN, "rope_type": Infinity}}', '['.repeat(50000)),
      ),
      { numRuns: 120, seed: 99 },
    );
    const langs = ['json', 'jsonc', 'python', 'yaml', 'shellscript', 'dockerfile', 'makefile', 'plaintext'];
    let i = 0;
    for (const text of garbage) {
      const lang = langs[i % langs.length]!;
      const uri = `file:///fuzz/doc${i % 7}.${lang}`;
      if (c.texts.has(uri)) await c.change(uri, text);
      else await c.open(uri, text, lang);
      // Incremental edits with ranges past the end and reversed ranges.
      const cur = c.texts.get(uri)!;
      cur.version++;
      await c.conn.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: cur.version },
        contentChanges: [
          { range: { start: { line: 9999, character: 5 }, end: { line: 3, character: 0 } }, text: '}}{{"rope_type":' },
          { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 99999 } }, text: text.slice(0, 50) },
        ],
      });
      if (i % 10 === 0) await c.close(uri);
      i++;
    }
    // Malformed requests: unknown document, negative positions, nonsense params.
    await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///nope.json' }, position: { line: -1, character: -5 } });
    await c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: 'file:///fuzz/doc1.jsonc' }, position: { line: 1e9, character: 1e9 } });
    await c.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: 'file:///fuzz/doc2.python' }, range: { start: { line: 5, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: 'x', source: 'ropelens', code: 'nope', data: { fixes: 'not-a-list' } }] } });
    // A 10 MB single line.
    const bigUri = 'file:///fuzz/big.json';
    await c.open(bigUri, CONFIG.replace('"model_type": "llama"', `"model_type": "llama", "junk": "${'y'.repeat(10 * 1024 * 1024)}"`));

    // Finally a real document: the hover must still come, within a bound.
    const uri = 'file:///fuzz/final/config.json';
    await c.open(uri, CONFIG);
    const line = CONFIG.split('\n').findIndex((l) => l.includes('rope_scaling'));
    const character = CONFIG.split('\n')[line]!.indexOf('"yarn"') + 2;
    const t0 = performance.now();
    const h = (await withTimeout(c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } }), 15000, 'hover')) as Hover;
    assert.match((h.contents as { value: string }).value, /YaRN/);
    assert.ok(performance.now() - t0 < 15000);
    assert.equal(c.proc.exitCode, null, 'server process alive');
  } finally {
    await c.shutdown();
  }
});
