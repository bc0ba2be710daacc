// The preview's evidence without the model: Wilson and perplexity intervals, the reference file's hash check and
// planner, dynamic NTK per length as transformers runs it, stable needle ids, and the wall-clock budget under a
// runtime slowed on purpose (a virtual clock the slow runtime advances, so the bound is checked exactly).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PreviewEngine, type PreviewAssets } from '../../core/preview/engine';
import { extendNeedles, NEEDLE_COUNT, needleOrder, parseNeedles } from '../../core/preview/probes/needle';
import { chunkStarts } from '../../core/preview/probes/perplexity';
import { combineResult, loadReference, planPreview, REFERENCE_FORMAT, sha256Hex, type PreviewReference } from '../../core/preview/reference';
import type { ModelSession, PreviewRuntime } from '../../core/preview/runtime';
import { perplexityInterval, t95, wilson95, wilsonHalfWidth, Z95 } from '../../core/preview/stats';
import { builtinBlock, methodFactor, MINI_MODEL, sameTables, tablesFor } from '../../core/preview/tables';
import type { PreviewCell, PreviewProgress } from '../../core/preview/types';

const MODEL_DIR = join(__dirname, '..', '..', 'media', 'model');
const needles = parseNeedles(JSON.parse(readFileSync(join(MODEL_DIR, 'needles.json'), 'utf8')));
const evalText = new Uint8Array(readFileSync(join(MODEL_DIR, 'eval.txt')));

/** Wilson bounds as the roots of (p̂ − p)² = z²·p(1 − p)/n, a quadratic in p (another derivation than stats.ts). */
function wilsonRoots(k: number, n: number): [number, number] {
  const ph = k / n;
  const z2 = Z95 * Z95;
  const a = 1 + z2 / n;
  const b = -(2 * ph + z2 / n);
  const c = ph * ph;
  const d = Math.sqrt(b * b - 4 * a * c);
  return [(-b - d) / (2 * a), Math.min(1, (-b + d) / (2 * a))];
}

describe('preview intervals', () => {
  it('gives the Wilson 95% bounds for known counts', () => {
    for (const [k, n] of [[5, 6], [0, 1], [24, 32], [21, 32], [64, 64], [1, 2]] as const) {
      const [lo, hi] = wilson95(k, n);
      const [elo, ehi] = wilsonRoots(k, n);
      assert.ok(Math.abs(lo - elo) < 1e-12 && Math.abs(hi - ehi) < 1e-12, `${k}/${n}: [${lo}, ${hi}] vs [${elo}, ${ehi}]`);
    }
    // Closed forms at the edges: 0/n → upper z²/(n + z²); n/n → lower n/(n + z²).
    assert.ok(Math.abs(wilson95(0, 1)[1] - (Z95 * Z95) / (1 + Z95 * Z95)) < 1e-12);
    assert.ok(Math.abs(wilson95(32, 32)[0] - 32 / (32 + Z95 * Z95)) < 1e-12);
    // The cells: 5/6 spans ~44–97%, so "83%" alone claims far more than it holds.
    const [lo, hi] = wilson95(5, 6);
    assert.ok(lo < 0.45 && hi > 0.96);
    assert.deepEqual(wilson95(0, 0), [0, 1]);
  });

  it('needs about 40 prompts for a half-width of 15 points at p = 0.5', () => {
    assert.ok(wilsonHalfWidth(19, 38) > 0.15);
    assert.ok(wilsonHalfWidth(20, 40) <= 0.15);
    assert.ok(wilsonHalfWidth(1, 32) < wilsonHalfWidth(16, 32), 'narrower near the edges');
  });

  it('gives the perplexity interval from per-chunk mean NLL (Student t)', () => {
    const means = [1.0, 1.2, 0.9, 1.1];
    const counts = [127, 127, 127, 127];
    const r = perplexityInterval(means.map((m, i) => m * counts[i]!), counts)!;
    const m = means.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / 3);
    assert.ok(Math.abs(r.ppl - Math.exp(m)) < 1e-12);
    assert.ok(Math.abs(Math.log(r.ci95![1]) - (m + (3.182 * sd) / 2)) < 1e-12);
    assert.ok(r.ci95![0] < r.ppl && r.ppl < r.ci95![1]);
    assert.equal(perplexityInterval([1.2 * 127], [127])!.ci95, undefined, 'one chunk: no interval');
    assert.equal(t95(1000), Z95);
  });
});

describe('preview dynamic NTK', () => {
  const at = (m: Parameters<typeof builtinBlock>[0], s: number, L: number) => tablesFor(builtinBlock(m, s, L, MINI_MODEL), MINI_MODEL);

  it('per-length dynamic at L keeps factor 1 and equals static ntk with factor L/L0', () => {
    for (const mult of [2, 4, 8, 16]) {
      const L = mult * MINI_MODEL.originalLength;
      const s = methodFactor('dynamic', 'per-length', L, MINI_MODEL, 16);
      assert.equal(s, 1);
      assert.ok(sameTables(at('dynamic', s, L), at('ntk', mult, L)), `dynamic@${mult}× vs ntk(${mult})`);
    }
    // Under the static policy dynamic is handed the chosen factor: base·((s·L/L0) − (s − 1))^(d/(d−2)), s = 16 at 2×:
    // base·17^(32/30), a far larger base than ntk(2).
    const d = at('dynamic', methodFactor('dynamic', 'static', 256, MINI_MODEL, 16), 256);
    const none = at('none', 1, 128);
    assert.ok(Math.abs(none.invFreq[15]! / d.invFreq[15]! - Math.pow(17, (32 / 30) * (30 / 32))) < 1e-3);
  });
});

describe('preview needles extended', () => {
  it('extends the shipped needles deterministically with stable ids, spread over depths in order', () => {
    const a = extendNeedles(needles, NEEDLE_COUNT, evalText);
    const b = extendNeedles(needles, NEEDLE_COUNT, evalText);
    assert.equal(a.needles.length, NEEDLE_COUNT);
    assert.deepEqual(a.needles, b.needles);
    assert.deepEqual(a.needles.slice(0, needles.needles.length), needles.needles, 'shipped needles unchanged');
    assert.equal(new Set(a.needles.map((n) => n.id)).size, NEEDLE_COUNT);
    assert.equal(new Set(a.needles.map((n) => n.key)).size, NEEDLE_COUNT);
    const order = needleOrder(a, needles.needles.length);
    assert.deepEqual([...order].sort((x, y) => x - y), a.needles.map((_, i) => i));
    // The first 8 of the order cover the depth range: one in each quarter of [0, 0.9].
    const depths = order.slice(0, 8).map((i) => a.needles[i]!.depth);
    for (let q = 0; q < 4; q++) assert.ok(depths.some((d) => d >= q * 0.225 && d <= (q + 1) * 0.225), `quarter ${q}: ${depths}`);
  });

  it('scores every byte of the eval text: the last chunk wraps', () => {
    assert.deepEqual(chunkStarts(128, 512), [0, 128, 256, 384]);
    assert.deepEqual(chunkStarts(2048, 4000), [0, 2048]);
    assert.ok(chunkStarts(2048, evalText.length).length * 2048 >= evalText.length);
  });
});

/** A runtime whose forward pass sleeps and advances a virtual clock by `passMs` (zero logits: uniform output). */
function slowRuntime(clock: { t: number }, passMs: number, sleepMs: number): PreviewRuntime & { passes: number } {
  const rt = {
    name: 'slow fake',
    passes: 0,
    async createSession(): Promise<ModelSession> {
      return {
        forward: async ({ ids }) => {
          await new Promise((r) => setTimeout(r, sleepMs));
          clock.t += passMs;
          rt.passes++;
          return new Float32Array(ids.length * 256);
        },
        release: async () => undefined,
      };
    },
  };
  return rt;
}

function fakeAssets(): PreviewAssets {
  return { model: new Uint8Array([1, 2, 3]), evalText, needles };
}

describe('preview wall-clock budget', () => {
  it('ends within the budget plus one forward pass under a slowed runtime, every cell answered first', async () => {
    const clock = { t: 0 };
    const passMs = 250;
    const rt = slowRuntime(clock, passMs, 5);
    const engine = new PreviewEngine(rt, fakeAssets(), MINI_MODEL, () => clock.t);
    const seen: PreviewProgress[] = [];
    const r = await engine.run({ methods: ['none', 'linear', 'yarn'], lengths: ['1x', '2x'] }, { budgetMs: 4000, onProgress: (p) => seen.push(p) });
    assert.ok(r.timings.totalMs <= 4000 + passMs, `took ${r.timings.totalMs} virtual ms`);
    assert.equal(r.timings.budgetSpent, true);
    assert.equal(r.timings.budgetMs, 4000);
    assert.equal(r.results.length, 6);
    // First answers come before any refinement: the first 6 progress events are 6 distinct cells.
    assert.equal(new Set(seen.slice(0, 6).map((p) => `${p.cell.method}@${p.cell.length}`)).size, 6);
    for (const c of r.results) {
      assert.ok((c.needles ?? 0) >= 1 && (c.evalChunks ?? 0) >= 1, `${c.method}@${c.length}: n ${c.needles}, chunks ${c.evalChunks}`);
      assert.equal(c.needleCounts!.total, c.needles);
      assert.equal(c.needleOutcomes!.length, c.needles);
    }
    // Every cell ends with a final progress event carrying what it reached.
    const finals = seen.filter((p) => p.final);
    assert.equal(finals.length, 6);
  });

  it('stops before the first pass when the clock is already past the budget, reporting n = 0', async () => {
    const clock = { t: 0 };
    const rt = slowRuntime(clock, 10_000, 1);
    const engine = new PreviewEngine(rt, fakeAssets(), MINI_MODEL, () => clock.t);
    const r = await engine.run({ methods: ['none', 'yarn'], lengths: ['2x'] }, { budgetMs: 1000 });
    assert.equal(rt.passes, 1, 'one pass started inside the budget, none after');
    assert.ok(r.timings.totalMs <= 1000 + 10_000);
    assert.ok(r.results.some((c) => c.needles === 0 && c.needleCounts === undefined));
  });

  it('keeps exact sample sizes deterministic (no clock)', async () => {
    const clock = { t: 0 };
    const rt = slowRuntime(clock, 1000, 0);
    const engine = new PreviewEngine(rt, fakeAssets(), MINI_MODEL, () => clock.t);
    const r = await engine.run({ methods: ['none'], lengths: ['1x'], needles: 5, evalBytes: 512 }, { budgetMs: 1 });
    assert.equal(r.results[0]!.needles, 5);
    assert.equal(r.results[0]!.evalChunks, 4);
    assert.equal(r.timings.budgetMs, undefined);
  });
});

describe('preview reference measurements', () => {
  const model = new Uint8Array([7, 7, 7]);
  const cell = (method: PreviewCell['method'], length: number): PreviewCell => ({
    method, length, lengthMultiple: length / 128, factor: 1, attentionFactor: 1, ms: 0, source: 'reference',
    perplexity: 3, needles: 64, needleCounts: { correct: 60, total: 64, ci95: wilson95(60, 64) }, needleOutcomes: [],
  });
  const refDoc = async (sha?: string): Promise<PreviewReference> => ({
    format: REFERENCE_FORMAT, model: 'ropelens-mini.onnx', modelSha256: sha ?? (await sha256Hex(model)), runtime: 'test', command: 'npm run reference',
    needles: 64, evalBytes: 65000, generated: '2026-01-01', wallSeconds: 1, originalLength: 128, notes: [],
    runs: [
      { factorPolicy: 'per-length', lengths: [128, 256], results: ['none', 'yarn', 'window'].flatMap((m) => [cell(m as PreviewCell['method'], 128), cell(m as PreviewCell['method'], 256)]) },
      { factorPolicy: 'static', staticFactor: 2, lengths: [128, 256], results: [cell('yarn', 128), cell('yarn', 256)] },
    ],
  });

  it('hashes with Web Crypto (sha-256 of "abc")', async () => {
    assert.equal(await sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('drops the reference when the model hash differs: everything is measured live, with a note', async () => {
    const loaded = await loadReference(await refDoc('0'.repeat(64)), model);
    assert.equal(loaded.reference, undefined);
    assert.match(loaded.note, /dropped.*measured live.*npm run reference/);
    const plan = planPreview({ methods: ['none', 'yarn'], lengths: ['1x', '2x'] }, loaded.reference);
    assert.equal(plan.reference.length, 0);
    assert.equal(plan.liveCells.length, 4);
    const missing = await loadReference(undefined, model);
    assert.equal(missing.reference, undefined);
    const malformed = await loadReference({ format: 'x' }, model);
    assert.match(malformed.note, /ignored/);
  });

  it('answers what it holds at once and sends the rest live (yours, other lengths, other factors, --live)', async () => {
    const loaded = await loadReference(await refDoc(), model);
    assert.ok(loaded.reference);
    const yours = { ropeType: 'yarn', params: { rope_type: 'yarn', factor: 4 } };
    const plan = planPreview({ methods: ['none', 'yarn', 'window', 'yours'], lengths: ['1x', '2x', '3x'], yours }, loaded.reference);
    assert.deepEqual(plan.reference.map((c) => `${c.method}@${c.length}`), ['none@128', 'yarn@128', 'window@128', 'none@256', 'yarn@256', 'window@256']);
    assert.ok(plan.reference.every((c) => c.source === 'reference' && c.ms === 0));
    assert.deepEqual(plan.live?.cells, [{ method: 'yours', length: 128 }, { method: 'yours', length: 256 }, { method: 'none', length: 384 }, { method: 'yarn', length: 384 }, { method: 'window', length: 384 }, { method: 'yours', length: 384 }]);
    // Static policy: only the stored factor matches; the window baseline never scales.
    const st = planPreview({ methods: ['yarn', 'window'], lengths: ['1x', '2x'], factorPolicy: 'static' }, loaded.reference);
    assert.equal(st.reference.length, 4);
    const st4 = planPreview({ methods: ['yarn'], lengths: ['1x', '2x'], factorPolicy: 'static', staticFactor: 4 }, loaded.reference);
    assert.equal(st4.reference.length, 0);
    const again = planPreview({ methods: ['none'], lengths: ['1x'] }, loaded.reference, { live: true });
    assert.equal(again.reference.length, 0);
    // Exact sample sizes are not what the reference measured: live.
    assert.equal(planPreview({ methods: ['none'], lengths: ['1x'], needles: 8 }, loaded.reference).reference.length, 0);
    // Probes asked for trim the cell.
    const ppl = planPreview({ methods: ['none'], lengths: ['1x'], probes: ['ppl'] }, loaded.reference);
    assert.equal(ppl.reference[0]!.needleCounts, undefined);
    const all = combineResult({ methods: ['none'], lengths: ['1x'] }, planPreview({ methods: ['none'], lengths: ['1x'] }, loaded.reference), undefined, loaded);
    assert.equal(all.results.length, 1);
    assert.match(all.notes[0]!, /reference cells/);
  });
});
