// GGUF headers: `ropelens explain model.gguf` reads only the header (@huggingface/gguf, tensor data never loaded),
// shows the rope keys, explains them as the config they stand for, and compares them with a config.json beside it.
// The header is the one llama.cpp's convert_hf_to_gguf.py writes for Qwen2.5-7B-Instruct with the model card's YaRN
// block (general.architecture qwen2, context_length, rope.freq_base, rope.dimension_count, rope.scaling.type/factor/
// original_context_length), written here byte for byte in GGUF v3 layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareWithConfig, ggufConfigText, ggufRope } from '../../core/gguf/rope';
import { readGgufMetadata } from '../../host/gguf';
import { main } from '../../cli/main';
import { fileIO } from './cli-io';

type KV = [string, 'u32' | 'f32' | 'str', number | string];
const QWEN_YARN: KV[] = [
  ['general.architecture', 'str', 'qwen2'], ['general.name', 'str', 'Qwen2.5 7B Instruct'],
  ['qwen2.context_length', 'u32', 32768], ['qwen2.embedding_length', 'u32', 3584], ['qwen2.rope.freq_base', 'f32', 1000000],
  ['qwen2.rope.dimension_count', 'u32', 128], ['qwen2.rope.scaling.type', 'str', 'yarn'], ['qwen2.rope.scaling.factor', 'f32', 4],
  ['qwen2.rope.scaling.original_context_length', 'u32', 32768],
];

/** GGUF v3: "GGUF", version, tensor count, KV count, then (string key, u32 type, value) per KV; `tail` bytes after. */
function gguf(kvs: KV[], tail = 0): Buffer {
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
  const u64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };
  const str = (s: string) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
  const parts = [Buffer.from('GGUF'), u32(3), u64(0), u64(kvs.length)];
  for (const [k, t, v] of kvs) {
    parts.push(str(k));
    if (t === 'str') parts.push(u32(8), str(String(v)));
    else if (t === 'u32') parts.push(u32(4), u32(Number(v)));
    else { const b = Buffer.alloc(4); b.writeFloatLE(Number(v)); parts.push(u32(6), b); }
  }
  parts.push(Buffer.alloc(tail));
  return Buffer.concat(parts);
}

function dir(files: Record<string, Buffer | string>): string {
  const d = mkdtempSync(join(tmpdir(), 'ropelens-gguf-'));
  for (const [n, c] of Object.entries(files)) writeFileSync(join(d, n), c);
  return d;
}

test('the header is read from a local file (a large tail of tensor bytes is never needed) and its rope keys extracted', async () => {
  const d = dir({ 'model.gguf': gguf(QWEN_YARN, 32 * 1024 * 1024) });
  const g = ggufRope(await readGgufMetadata(join(d, 'model.gguf')));
  assert.notEqual(typeof g, 'string');
  const r = g as Exclude<typeof g, string>;
  assert.deepEqual([r.arch, r.contextLength, r.freqBase, r.dimensionCount, r.scalingType, r.factor, r.originalContext], ['qwen2', 32768, 1000000, 128, 'yarn', 4, 32768]);
  assert.deepEqual(Object.keys(r.keys), ['qwen2.context_length', 'qwen2.rope.freq_base', 'qwen2.rope.dimension_count', 'qwen2.rope.scaling.type', 'qwen2.rope.scaling.factor', 'qwen2.rope.scaling.original_context_length']);
  assert.deepEqual(JSON.parse(ggufConfigText(r)), { model_type: 'qwen2', max_position_embeddings: 32768, rope_theta: 1000000, head_dim: 128, rope_scaling: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 32768 } });
  assert.equal(ggufRope({ 'qwen2.context_length': 1 }), 'no general.architecture in the GGUF header');
});

test('compared with config.json: agreement, a different factor, and a config without the rope block', () => {
  const g = ggufRope(Object.fromEntries(QWEN_YARN.map(([k, , v]) => [k, v]))) as Exclude<ReturnType<typeof ggufRope>, string>;
  const card = { max_position_embeddings: 32768, rope_theta: 1000000.0, rope_scaling: { type: 'yarn', factor: 4.0, original_max_position_embeddings: 32768 } };
  assert.deepEqual(compareWithConfig(g, card), []);
  assert.deepEqual(compareWithConfig(g, { ...card, rope_scaling: { ...card.rope_scaling, factor: 2.0 } }), ['qwen2.rope.scaling.factor vs factor: GGUF 4, config.json 2']);
  assert.deepEqual(compareWithConfig(g, { max_position_embeddings: 32768, rope_theta: 1000000.0 }), ['qwen2.rope.scaling.type: GGUF yarn, config.json has no rope block']);
});

test('ropelens explain model.gguf: keys, differences from the config.json beside it, the explanation; bad files exit 2', async () => {
  const d = dir({
    'model.gguf': gguf(QWEN_YARN),
    'config.json': JSON.stringify({ model_type: 'qwen2', max_position_embeddings: 131072, rope_theta: 1000000.0, rope_scaling: { rope_type: 'yarn', factor: 4.0, original_max_position_embeddings: 32768 } }),
    'broken.gguf': 'not a gguf file at all',
  });
  const io = fileIO(d);
  assert.equal(await main(['explain', join(d, 'model.gguf')], io), 0, io.err);
  assert.match(io.out, /^GGUF header \(qwen2\):\n {2}qwen2\.context_length = 32768\n/);
  assert.match(io.out, /Differences from .*config\.json:\n {2}qwen2\.context_length vs max_position_embeddings: GGUF 32768, config\.json 131072/);
  assert.match(io.out, /\/rope_scaling: yarn/);
  const bad = fileIO(d);
  assert.equal(await main(['explain', join(d, 'broken.gguf')], bad), 2);
  assert.match(bad.err, /^ropelens explain: .*broken\.gguf: not a readable GGUF header/);
  assert.equal(bad.err.trim().split('\n').length, 1);
});
