// The advisor quotes the right evidence (issue 13 item 4): the fine-tuned checkpoints' numbers exactly when the user
// will fine-tune, zero-shot reference cells otherwise, each saying which, with n and intervals; a difference inside the
// intervals is not worded as a difference. And the hardware note: the KV cache at the target for the config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { adviseFor } from '../../core/advisor/apply';
import { parseFinetuneEvidence, quoteEvidence, type FinetuneEvidence } from '../../core/advisor/evidence';
import { kvCacheEstimate, MEMORY_BOUNDS, memoryNote } from '../../core/advisor/memory';
import { recommend } from '../../core/advisor/recommend';
import { hasFact } from '../../core/ledger/facts';
import { enginesNamed } from '../../core/ledger/cite';
import { fact } from '../../core/ledger/facts';
import { parseDocument } from '../../core/parse/index';
import type { PreviewReference } from '../../core/preview/reference';
import type { PreviewCell } from '../../core/preview/types';
import { loadAdvisorEvidence } from '../../host/evidence';

const ROOT = resolve(__dirname, '../..');
const FT = JSON.parse(readFileSync(join(ROOT, 'media/model/finetune-results.json'), 'utf8')) as {
  length: number; steps: number; methods: Record<string, { rows: { step: number; perplexity: number; predictions: number; needle_correct: number; needle_total: number; needle_ci95: [number, number] }[] }>;
};
const REF = JSON.parse(readFileSync(join(ROOT, 'media/model/preview-reference.json'), 'utf8')) as PreviewReference;
const last = (m: string) => FT.methods[m]!.rows.find((r) => r.step === FT.steps)!;
const pct = (x: number): number => Math.round(x * 100);

const advice4x = (finetune: boolean, engine: 'transformers' | 'vllm' = 'transformers') => recommend({ originalContext: 8192, target: 32768, finetune, engine });

/** The reference cell of a fine-tuned checkpoint at the fine-tuning length (any run), if the reference has one. */
const ftCell = (m: string) => REF.runs.flatMap((x) => x.results).find((c) => c.method === `${m}+ft` && c.length === FT.length);
/** The reference without the fine-tuned checkpoints' cells: the advisor then quotes finetune-results.json. */
const REF_NO_FT: PreviewReference = { ...REF, runs: REF.runs.map((x) => ({ ...x, results: x.results.filter((c) => !c.method.endsWith('+ft')) })) };
/** How the advisor writes a method's fine-tuned figures: the reference cell (chunk-level interval) when there is one,
 * else the last row of finetune-results.json. */
const ftQuote = (m: string, ref: PreviewReference): { ppl: string; needles: string } => {
  const c = ref === REF ? ftCell(m) : undefined;
  if (c?.perplexity !== undefined && c.perplexityCi95 && c.needleCounts) {
    return {
      ppl: `perplexity ${c.perplexity.toFixed(2)} (95% ${c.perplexityCi95[0].toFixed(2)}–${c.perplexityCi95[1].toFixed(2)})`,
      needles: `needles ${c.needleCounts.correct}/${c.needleCounts.total} (95% ${pct(c.needleCounts.ci95[0])}–${pct(c.needleCounts.ci95[1])}%)`,
    };
  }
  const row = last(m);
  return {
    ppl: `perplexity ${row.perplexity.toFixed(2)} (${row.predictions.toLocaleString('en-US')} predictions, no interval recorded)`,
    needles: `needles ${row.needle_correct}/${row.needle_total} (95% ${pct(row.needle_ci95[0])}–${pct(row.needle_ci95[1])}%)`,
  };
};

for (const [name, ref] of [['finetune-results.json alone', REF_NO_FT], ['the reference\'s +ft cells', REF]] as const) {
test(`will fine-tune: the fine-tuned checkpoints after the full step budget, said so, with n and intervals (${name})`, () => {
  const q = quoteEvidence(advice4x(true), true, 'transformers', { finetune: FT, reference: ref });
  const r = q.advice.reason;
  assert.match(r, new RegExp(`Measured after ${FT.steps} fine-tuning steps at 4× the mini-model's trained length \\(${FT.length} tokens\\)`));
  assert.doesNotMatch(r, /zero-shot/);
  for (const m of ['yarn', 'linear']) {
    const want = ftQuote(m, ref);
    assert.ok(r.includes(want.ppl), `${m} perplexity in: ${r}`);
    assert.ok(r.includes(want.needles), `${m} needles`);
  }
  // Recommended (YaRN) first, runner-up (PI) second.
  assert.ok(r.indexOf('YaRN perplexity') < r.indexOf('linear Position Interpolation perplexity'));
  // Every step count of every method is in the per-step note.
  const note = q.advice.notes.at(-1)!;
  for (const [m, { rows }] of Object.entries(FT.methods)) for (const row of rows) assert.ok(note.includes(`${row.step} steps: perplexity ${row.perplexity.toFixed(2)}, needles ${row.needle_correct}/${row.needle_total}`), `${m} ${row.step}`);
  assert.equal(q.measurement?.finetuneSteps, FT.steps);
});
}

test('zero-shot: the zero-shot reference cells, said so, never the fine-tuned numbers', () => {
  const q = quoteEvidence(advice4x(false, 'vllm'), false, 'vllm', { finetune: FT, reference: REF });
  const r = q.advice.reason;
  assert.match(r, /Measured zero-shot on the bundled mini-model at 4× its trained length \(512 tokens\)/);
  assert.doesNotMatch(r, /fine-tuning steps/);
  const run = REF.runs.find((x) => x.factorPolicy === 'per-length')!;
  for (const method of ['yarn', 'ntk']) {
    const cell = run.results.find((c) => c.method === method && c.length === 512)!;
    assert.ok(r.includes(`perplexity ${cell.perplexity!.toFixed(2)} (95% ${cell.perplexityCi95![0].toFixed(2)}–${cell.perplexityCi95![1].toFixed(2)})`), `${method}: ${r}`);
    assert.ok(r.includes(`needles ${cell.needleCounts!.correct}/${cell.needleCounts!.total}`));
  }
  // vLLM freezes dynamic NTK: the static NTK cell stands for it, and the label says so.
  assert.match(r, /dynamic NTK \(as vLLM runs it: static NTK\)/);
});

test('inside the trained length nothing is quoted; unusable results give a reason, not a crash', () => {
  const inside = recommend({ originalContext: 8192, target: 4096, finetune: true, engine: 'transformers' });
  assert.match(quoteEvidence(inside, true, 'transformers', { finetune: FT }).skipped!, /nothing to quote/);
  for (const bad of [undefined, null, 7, { length: 'x' }, { length: 512, factor: 4, steps: 200, methods: { yarn: { rows: [{ step: 0 }] } } }, { length: 512, factor: 4, steps: 200, methods: {} }]) {
    assert.equal(typeof parseFinetuneEvidence(bad), 'string', JSON.stringify(bad));
    const q = quoteEvidence(advice4x(true), true, 'transformers', { finetune: bad });
    assert.match(q.skipped!, /No fine-tuned measurements/);
    assert.equal(q.advice.reason, advice4x(true).reason);
  }
});

function synthetic(yarn: [number, number, [number, number]], linear: [number, number, [number, number]]): unknown {
  const row = ([ppl, k, ci]: [number, number, [number, number]]) => [{ step: 200, perplexity: ppl, mean_nll: Math.log(ppl), predictions: 1000, needle_correct: k, needle_total: 20, needle_ci95: ci }];
  return { length: 512, factor: 4, steps: 200, methods: { yarn: { rows: row(yarn) }, linear: { rows: row(linear) } } };
}

test('a difference inside the intervals is not worded as a difference; without intervals none is worded', () => {
  // Needles 15/20 vs 13/20: overlapping Wilson intervals.
  const close = quoteEvidence(advice4x(true), true, 'transformers', { finetune: synthetic([3, 15, [0.53, 0.89]], [2.5, 13, [0.43, 0.82]]) }).advice.reason;
  assert.match(close, /needle counts are within each other's 95% intervals: no difference measured/);
  assert.doesNotMatch(close, /retrieved more needles|lower perplexity/);
  // Apart: worded, the better one named first.
  const far = quoteEvidence(advice4x(true), true, 'transformers', { finetune: synthetic([3, 2, [0.03, 0.3]], [2.5, 19, [0.76, 0.99]]) }).advice.reason;
  assert.match(far, /linear Position Interpolation retrieved more needles than YaRN \(the 95% intervals do not overlap\)/);
  // Perplexity 2.5 < 3 but no interval: no perplexity comparison either way.
  assert.doesNotMatch(far, /lower perplexity|perplexities are within/);
});

test('reference cells of the fine-tuned methods (yarn+ft, linear+ft) are preferred: they carry perplexity intervals', () => {
  const cell = (method: string, ppl: number, ci: [number, number]): PreviewCell => ({
    method: method as PreviewCell['method'], length: 512, lengthMultiple: 4, factor: 4, attentionFactor: 1, perplexity: ppl, perplexityCi95: ci,
    needleCounts: { correct: 60, total: 64, ci95: [0.85, 0.98] }, needles: 64, source: 'reference', ms: 0,
  });
  const ref: PreviewReference = { ...REF, runs: [{ factorPolicy: 'per-length', lengths: [512], results: [cell('yarn+ft', 2.9, [2.8, 3.0]), cell('linear+ft', 2.95, [2.85, 3.05])] }] };
  const ev = parseFinetuneEvidence(FT, ref) as FinetuneEvidence;
  assert.equal(ev.methods.yarn?.cell?.perplexity, 2.9);
  const r = quoteEvidence(advice4x(true), true, 'transformers', { finetune: FT, reference: ref }).advice.reason;
  assert.ok(r.includes('YaRN perplexity 2.90 (95% 2.80–3.00)'), r);
  assert.match(r, /perplexities are within each other's 95% intervals: no difference measured/);
});

test('host: loadAdvisorEvidence reads both shipped files (the reference only for the model beside it)', async () => {
  const ev = await loadAdvisorEvidence(join(ROOT, 'media/model'));
  assert.equal(typeof parseFinetuneEvidence(ev.finetune), 'object');
  assert.equal(ev.reference?.modelSha256, REF.modelSha256);
});

const LLAMA = readFileSync(join(ROOT, 'test/fixtures/models/llama-3.1-8b-preset.json'), 'utf8');

test('memory: 2 × layers × kv_heads × head_dim × bytes × tokens for the config, formula and dtype stated', () => {
  const doc = parseDocument('file:///m/config.json', LLAMA);
  const cfg = JSON.parse(LLAMA) as { num_hidden_layers: number; num_key_value_heads: number; hidden_size: number; num_attention_heads: number };
  const T = 131072;
  const e = kvCacheEstimate(doc, doc.blocks[0], T);
  assert.ok(e?.ok);
  const want = 2 * cfg.num_hidden_layers * cfg.num_key_value_heads * (cfg.hidden_size / cfg.num_attention_heads) * 2 * T;
  assert.equal(e.estimate.bytes, want);
  const note = memoryNote(doc, doc.blocks[0], T, 8192, 'vllm')!;
  assert.ok(note.text.includes(`2 × ${cfg.num_hidden_layers} layers × ${cfg.num_key_value_heads} KV heads × 128 head_dim × 2 bytes (bfloat16, from torch_dtype)`), note.text);
  assert.ok(note.text.includes(`= ${(want / 2 ** 30).toFixed(1)} GiB`));
  assert.match(note.text, /--decode-context-parallel-size/);
  // Every engine the note names is covered by a row it cites.
  const cited = new Set(note.facts.map((id) => fact(id).engine));
  for (const e2 of enginesNamed(note.text)) assert.ok(cited.has(e2), e2);
});

test('memory: a config without the model\'s shape gets a question; an engine without a verified bound gets only the formula', () => {
  const doc = parseDocument('file:///m/config.json', '{"model_type":"llama","max_position_embeddings":4096,"rope_scaling":null}');
  const n = memoryNote(doc, undefined, 16384, 4096, 'transformers')!;
  assert.match(n.text, /does not give num_hidden_layers.*will it fit your GPUs\?/);
  assert.deepEqual(enginesNamed(n.text), []);
  assert.deepEqual(n.facts, []);
  // MLA and sliding-window configs carry their caveat.
  const mla = parseDocument('file:///m/config.json', '{"num_hidden_layers":2,"num_attention_heads":4,"hidden_size":256,"kv_lora_rank":64,"sliding_window":1024,"max_position_embeddings":4096}');
  const t = memoryNote(mla, undefined, 16384, 4096, 'llama.cpp')!.text;
  assert.match(t, /multi-head latent attention/);
  assert.match(t, /sliding_window = 1024/);
  assert.match(t, /assumed 16-bit: the config names no dtype/);
  for (const b of Object.values(MEMORY_BOUNDS)) for (const id of b!.facts) assert.ok(hasFact(id), id);
});

test('adviseFor adds the memory note and its ledger rows past the trained length, not inside it', () => {
  const doc = parseDocument('file:///m/config.json', LLAMA);
  const out = adviseFor(doc, doc.blocks[0], { target: 32768, finetune: false, engine: 'llama.cpp', original: 8192 });
  assert.ok(out.ok);
  assert.ok(out.advice.notes.some((n) => n.startsWith('Memory: the KV cache of one 32,768-token sequence')));
  assert.ok(out.advice.facts.includes('llama.cpp.kv-cache-type'));
  const inside = adviseFor(doc, doc.blocks[0], { target: 4096, finetune: false, engine: 'llama.cpp', original: 8192 });
  assert.ok(inside.ok);
  assert.ok(!inside.advice.notes.some((n) => n.startsWith('Memory')));
});

test('built CLI: suggest --finetune quotes the fine-tuned numbers; without it, zero-shot ones', () => {
  const cli = join(ROOT, 'dist/cli.js');
  assert.ok(existsSync(cli), 'dist/cli.js exists (npm run build first)');
  const dir = mkdtempSync(join(tmpdir(), 'ropelens-evidence-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, LLAMA);
  const ft = spawnSync(process.execPath, [cli, 'suggest', '--target', '32k', '--original', '8192', '--finetune', file], { encoding: 'utf8' });
  assert.equal(ft.status, 0, ft.stderr);
  const y = ftQuote('yarn', REF);
  assert.ok(ft.stdout.includes(`Measured after ${FT.steps} fine-tuning steps`), ft.stdout);
  assert.ok(ft.stdout.includes(`YaRN ${y.ppl}`), ft.stdout);
  assert.ok(ft.stdout.includes(y.needles));
  assert.doesNotMatch(ft.stdout, /zero-shot/);
  const zs = spawnSync(process.execPath, [cli, 'suggest', '--target', '32k', '--original', '8192', file], { encoding: 'utf8' });
  assert.equal(zs.status, 0, zs.stderr);
  assert.match(zs.stdout, /Measured zero-shot on the bundled mini-model/);
  assert.doesNotMatch(zs.stdout, /fine-tuning steps/);
  assert.match(zs.stdout, /Memory: the KV cache of one 32,768-token sequence/);
});
