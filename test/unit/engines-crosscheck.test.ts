// Cross-check of llama.cpp's own RoPE against the rope math RoPE Lens feeds the ONNX graph: the same sweep on the
// llama-architecture sibling, once as ONNX (tables from core/rope, transformers' formulas) and once as GGUF in
// llama.cpp (node-llama-cpp, the method applied as GGUF metadata overrides), for none, linear, ntk and yarn at 1, 2
// and 4 × L0. They must agree within 2% perplexity per cell and on ≥ 95% of needle outcomes.
//
// Why they can agree (llama.cpp source, src/llama-context.cpp llama_context constructor, and ggml-cpu ops.cpp
// rope_yarn): linear is freq_scale = 1/factor on every frequency; ntk is a new rope_freq_base (llama.cpp has no NTK
// scaling type); yarn uses the same ramp (ggml_rope_yarn_corr_dims: floor/ceil of the beta_fast 32 / beta_slow 1
// dimensions, clamped, as transformers' find_correction_range with truncate) and the same magnitude: the context sets
// yarn_attn_factor = get_mscale(factor) · 1/(1 + 0.1·ln factor) (= 1 with no yarn_log_multiplier) and the kernel
// multiplies cos and sin by attn_factor · (1 + 0.1·ln(1/freq_scale)), i.e. 0.1·ln s + 1 overall, transformers'
// attention_factor. What differs is float rounding: ggml builds each frequency in float32 as theta_scale^i
// (theta_scale = powf(base, −2/n_dims)), transformers in float32 from base^(2i/d): both well inside 2%.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runRealPreview } from '../../host/engines/index';
import { createLlamaCppProcessBackend } from '../../host/engines/worker';
import { BackendError } from '../../core/preview/sweep/backend';
import type { PreviewCell, PreviewResult } from '../../core/preview/types';

const dir = process.env['ROPELENS_SIBLING_DIR'] ?? join(__dirname, '..', '..', 'media', 'model');
const onnx = join(dir, 'ropelens-llama-sibling.onnx');
const gguf = join(dir, 'ropelens-llama-sibling.gguf');
const missing = [onnx, gguf].filter((f) => !existsSync(f));

// Small but real samples: 4 needles and 256 eval tokens per cell (the engines score the same sequences, so the comparison is paired), 12 cells (9 distinct runs) per engine.
const SWEEP = { methods: ['none', 'linear', 'ntk', 'yarn'], lengths: ['1x', '2x', '4x'], needles: 4, evalTokens: 256 };

test('cross-check: onnx and llama.cpp agree within 2% perplexity and on ≥ 95% of needle outcomes', { skip: missing.length > 0 ? `sibling model not shipped yet: ${missing.join(', ')}` : false }, async () => {
  // Side by side: the llama.cpp side waits on its worker process most of the time.
  const [a, b]: PreviewResult[] = await Promise.all([runRealPreview({ engine: 'onnx', model: onnx, ...SWEEP }), runRealPreview({ engine: 'llama.cpp', model: gguf, ...SWEEP })]);
  assert.ok(a && b);
  assert.equal(a.originalLength, b.originalLength, 'both read L0 from the model (GGUF context_length)');
  assert.equal(a.results.length, 12);
  assert.equal(b.results.length, 12);
  let agree = 0;
  let outcomes = 0;
  const rows: string[] = [];
  for (const x of a.results) {
    const y = b.results.find((c: PreviewCell) => c.method === x.method && c.length === x.length)!;
    assert.ok(y, `${x.method}@${x.length} missing on llama.cpp`);
    const ratio = y.perplexity! / x.perplexity!;
    rows.push(`${x.method}@${x.lengthMultiple}x ppl onnx ${x.perplexity!.toFixed(3)} llama.cpp ${y.perplexity!.toFixed(3)} (${((ratio - 1) * 100).toFixed(2)}%) needles ${x.needleCounts!.correct}/${y.needleCounts!.correct} of ${x.needleCounts!.total}`);
    assert.ok(Math.abs(ratio - 1) <= 0.02, `${x.method}@${x.length}: perplexity onnx ${x.perplexity} vs llama.cpp ${y.perplexity}\n${rows.join('\n')}`);
    for (const o of x.needleOutcomes!) {
      const p = y.needleOutcomes!.find((q) => q.id === o.id);
      assert.ok(p, `needle ${o.id} not scored on llama.cpp`);
      outcomes++;
      if (p.correct === o.correct) agree++;
    }
  }
  assert.equal(outcomes, 48);
  assert.ok(agree / outcomes >= 0.95, `needle outcomes agree on ${agree}/${outcomes}\n${rows.join('\n')}`);
  // The engines must have run the methods, not the same unscaled model under four names: past L0 the methods' figures
  // differ on both engines in the same direction (checked on the ONNX side, where the math is RoPE Lens's own).
  const past = (r: PreviewResult, m: string): number => r.results.find((c) => c.method === m && c.lengthMultiple === 4)!.perplexity!;
  const spread = (r: PreviewResult): number => Math.max(...SWEEP.methods.map((m) => past(r, m))) / Math.min(...SWEEP.methods.map((m) => past(r, m)));
  assert.ok(Math.abs(spread(a) - spread(b)) / spread(a) <= 0.04, `spread of methods at 4×L0: onnx ${spread(a)}, llama.cpp ${spread(b)}`);
  process.stderr.write(rows.join('\n') + '\n');
});

test('cross-check: llama.cpp skips the methods it cannot run, with its reason', { skip: missing.length > 0 ? 'sibling model not shipped yet' : false }, async () => {
  const r = await runRealPreview({ engine: 'llama.cpp', model: gguf, methods: ['none', 'dynamic', 'llama3'], lengths: ['1x'], needles: 1, evalTokens: 128 });
  assert.deepEqual(r.methods, ['none']);
  assert.ok(r.notes.some((n) => /^dynamic skipped: llama\.cpp has no dynamic NTK/.test(n)));
  assert.ok(r.notes.some((n) => /^llama3 skipped: .*rope_freqs/.test(n)));
});

test('llama.cpp engine: a worker that dies mid-sweep is one BackendError line, and dispose() still returns', { skip: missing.length > 0 ? 'sibling model not shipped yet' : false }, async () => {
  const b = await createLlamaCppProcessBackend({ model: gguf });
  const run = { method: 'none', block: {}, ropeTheta: b.ropeTheta, contextTokens: 64 };
  await b.prepare(run);
  const ids = await b.tokenize('The secret is ABCDEFGH.');
  const ok = await b.score(ids, run);
  assert.equal(ok.nll.length, ids.length - 1);
  assert.ok([...ok.nll].every((x) => Number.isFinite(x) && x > 0));
  process.kill(b.pid!, 'SIGKILL');
  await assert.rejects(b.score(ids, run), (e: unknown) => e instanceof BackendError && e.code === 'died' && /stopped \(signal SIGKILL\)/.test(e.message) && !e.message.includes('\n'));
  await b.dispose();
});
