// Fuzz: random and mutated model configs through parse + check + hover + completion. Nothing may throw,
// and each input is answered within a time bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import { hoverAt } from '../../core/hover';
import { completeAt } from '../../core/completion';

const BASE = `{
  "architectures": ["Qwen2ForCausalLM"],
  "model_type": "qwen2",
  "hidden_size": 2048,
  "num_attention_heads": 16,
  "head_dim": 128,
  "max_position_embeddings": 32768,
  "rope_theta": 1000000.0,
  "rope_scaling": {"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768, "beta_fast": 32, "beta_slow": 1},
  "text_config": {"max_position_embeddings": 8192, "rope_parameters": {"full_attention": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_theta": 500000.0}, "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}}},
  "layer_types": ["full_attention", "sliding_attention"]
}`;

const VERSIONS = ['5.15.0', '4.57.0', '4.53.0', '4.45.0', '4.42.0', 'latest', 'garbage'];

/** Runs every core feature on a text; returns the elapsed milliseconds. */
function exercise(text: string, uri = 'file:///fuzz/config.json', offsets: number[] = []): number {
  const t0 = performance.now();
  const doc = parseDocument(uri, text, 'json');
  for (const v of VERSIONS.slice(0, 3)) {
    const findings = checkDocument(doc, { transformersVersion: v });
    for (const f of findings) {
      assert.ok(f.span.offset >= 0 && f.span.offset + f.span.length <= text.length, `span inside the text (${f.ruleId})`);
      for (const fix of f.fixes ?? []) for (const e of fix.edits) assert.ok(e.offset >= 0 && e.offset + e.length <= text.length, 'edit inside the text');
    }
  }
  const probes = [0, text.length, Math.floor(text.length / 2), ...offsets, ...doc.blocks.flatMap((b) => [b.span.offset + 1, b.span.offset + b.span.length - 1])];
  for (const o of probes.slice(0, 24)) {
    const h = hoverAt(doc, o, { transformersVersion: VERSIONS[o % VERSIONS.length]! });
    if (h) assert.equal(typeof h.markdown, 'string');
    const c = completeAt(doc, o, {});
    assert.ok(Array.isArray(c));
  }
  return performance.now() - t0;
}

const weirdValue = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '1e-400', '0', '-0', '1', '-1', 'null', 'true', 'false', '""', '"NaN"', '"Infinity"', '"4.0"', '[]', '{}', '[1,2,3]', '{"a":1}', '123456789012345678901234567890', '0.1e1'),
  fc.double().map((d) => (Number.isFinite(d) ? String(d) : '1e999')),
  fc.integer().map(String),
  fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)),
);

const KEYS = ['factor', 'original_max_position_embeddings', 'max_position_embeddings', 'beta_fast', 'beta_slow', 'hidden_size', 'num_attention_heads', 'head_dim', 'rope_theta', 'low_freq_factor', 'high_freq_factor', 'type', 'rope_type', 'partial_rotary_factor', 'attention_factor', 'layer_types'];

/** Replaces the value of one key (every occurrence) by a weird value. */
const mutatedValue = fc.tuple(fc.constantFrom(...KEYS), weirdValue).map(([k, v]) => BASE.replace(new RegExp(`("${k}"\\s*:\\s*)("[^"]*"|[^,}\\]]+|\\[[^\\]]*\\])`, 'g'), `$1${v}`));
const truncated = fc.nat({ max: BASE.length }).map((n) => BASE.slice(0, n));
const spliced = fc.tuple(fc.nat({ max: BASE.length }), fc.nat({ max: 20 }), fc.string({ maxLength: 12, unit: 'binary' })).map(([at, del, ins]) => BASE.slice(0, at) + ins + BASE.slice(at + del));
const randomJson = fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify({ model_type: 'llama', rope_scaling: v, rope_parameters: v, max_position_embeddings: v }, null, 1));
const randomText = fc.string({ maxLength: 400, unit: 'binary' });

test('fuzz: mutated, truncated, spliced and random configs never throw; each is fast', () => {
  let slowest = 0;
  fc.assert(
    fc.property(fc.oneof(mutatedValue, truncated, spliced, randomJson, randomText), fc.array(fc.nat({ max: 2000 }), { maxLength: 4 }), (text, offs) => {
      const ms = exercise(text, 'file:///fuzz/config.json', offs.map((o) => o % (text.length + 1)));
      slowest = Math.max(slowest, ms);
      assert.ok(ms < 1000, `answered within 1 s (took ${ms.toFixed(0)} ms)`);
    }),
    { numRuns: 300, seed: 20240611 },
  );
  assert.ok(slowest < 1000);
});

test('fuzz: every dialect parser sees the same garbage through parseDocument', () => {
  fc.assert(
    fc.property(fc.oneof(spliced, randomText), fc.constantFrom('python', 'yaml', 'shellscript', 'dockerfile', 'makefile', 'jsonc'), (text, lang) => {
      const doc = parseDocument(`file:///fuzz/x.${lang}`, text, lang);
      checkDocument(doc);
      hoverAt(doc, Math.floor(text.length / 2));
      completeAt(doc, text.length);
    }),
    { numRuns: 150, seed: 7 },
  );
});

test('fuzz: huge and deep inputs stay within bounds', () => {
  // 10 MB string value inside the rope block.
  const big = BASE.replace('"factor": 4.0', `"factor": "${'x'.repeat(10 * 1024 * 1024)}"`);
  const msBig = exercise(big, 'file:///fuzz/big.json', [big.length - 10]);
  assert.ok(msBig < 15000, `10 MB string: ${msBig.toFixed(0)} ms`);
  // Deeply nested objects and arrays (a stack-overflow bait) inside and beside the block.
  const depth = 20000;
  const deep = `{"model_type": "llama", "rope_scaling": {"rope_type": "linear", "factor": ${'['.repeat(depth)}${']'.repeat(depth)}}, "x": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
  const msDeep = exercise(deep, 'file:///fuzz/deep.json');
  assert.ok(msDeep < 5000, `deep nesting: ${msDeep.toFixed(0)} ms`);
  // Huge numbers everywhere.
  const huge = BASE.replace(/: (\d+(\.\d+)?)/g, ': 1$1e308');
  assert.ok(exercise(huge) < 1000);
  const long = BASE.replace('"hidden_size": 2048', '"hidden_size": 1e300, "num_attention_heads": 1e-300');
  assert.ok(exercise(long) < 1000, 'absurd head sizes do not allocate absurd tables');
});
