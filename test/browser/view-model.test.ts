// Pure parts of the preview view's evidence display, no browser: axis ticks, "best" only outside the noise, which
// cells are shown (reference, live over it, stale Yours), the dynamic NTK note, interval formats.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REFERENCE_FORMAT, type PreviewReference } from '../../core/preview/reference';
import { bestOf, needleCount } from '../../media/src/evidence';
import { fmtPctRange, fmtPplHalf } from '../../media/src/methods';
import { intervalNotes, methodNotes } from '../../media/src/notes';
import type { BlockInfo, PreviewCell, RunSummary } from '../../media/src/protocol';
import { blockKey, shownCells } from '../../media/src/shown';
import { linearAxis, logAxis } from '../../media/src/ticks';

const mantissa = (v: number) => Math.round(v / 10 ** Math.floor(Math.log10(v) + 1e-9));

describe('axis ticks', () => {
  test('log axis: 1–2–5 ticks, the domain ends on a labelled tick at both ends of the data', () => {
    for (const [lo, hi] of [[2.98, 40.3], [3.1, 17], [1.2, 900], [0.7, 3]] as const) {
      const a = logAxis(lo, hi);
      assert.ok(a.ticks.length >= 3, `${lo}–${hi}: ${a.ticks}`);
      for (const t of a.ticks) assert.ok([1, 2, 5].includes(mantissa(t)), `${t} is a 1–2–5 tick`);
      assert.ok(a.lo <= lo && a.hi >= hi, `${lo}–${hi} inside ${a.lo}–${a.hi}`);
      assert.equal(a.ticks[0], a.lo);
      assert.equal(a.ticks[a.ticks.length - 1], a.hi);
      // Nothing wasted: the first tick is the last 1–2–5 value at or below the data.
      assert.ok(a.ticks[1]! > lo, `${a.ticks[1]} > ${lo}`);
    }
  });
  test('narrow log range (perplexity 2.9–6.5): linear steps, several labels inside the data', () => {
    const a = logAxis(2.9, 6.5);
    assert.ok(a.ticks.filter((t) => t >= 2.9 && t <= 6.5).length >= 3, String(a.ticks));
    assert.ok(a.lo > 0 && a.lo <= 2.9 && a.hi >= 6.5);
  });
  test('linear axis 0–1 in quarters', () => {
    assert.deepEqual(linearAxis(0, 1).ticks, [0, 0.25, 0.5, 0.75, 1]);
  });
});

const cell = (method: PreviewCell['method'], length: number, extra: Partial<PreviewCell> = {}): PreviewCell => ({
  method,
  length,
  lengthMultiple: length / 128,
  factor: 1,
  attentionFactor: 1,
  ms: 0,
  source: 'live',
  ...extra,
});
const needles = (k: number, n: number, lo: number, hi: number) => ({ needleAccuracy: k / n, needles: n, needleCounts: { correct: k, total: n, ci95: [lo, hi] as [number, number] } });

describe('best only outside the noise', () => {
  test('24/32 vs 21/32 overlap: both count as best; a 0/32 does not', () => {
    const yarn = cell('yarn', 256, needles(24, 32, 0.58, 0.87));
    const llama = cell('llama3', 256, needles(21, 32, 0.48, 0.8));
    const none = cell('none', 256, needles(0, 32, 0, 0.11));
    const best = bestOf([yarn, llama, none], 'needle');
    assert.ok(best.has(yarn) && best.has(llama));
    assert.ok(!best.has(none));
  });
  test('when every interval overlaps the best, nothing is emphasised', () => {
    const a = cell('yarn', 256, needles(3, 8, 0.14, 0.69));
    const b = cell('linear', 256, needles(2, 8, 0.07, 0.59));
    assert.equal(bestOf([a, b], 'needle').size, 0);
  });
  test('perplexity: lower is better, intervals decide ties', () => {
    const a = cell('yarn', 512, { perplexity: 3.3, perplexityCi95: [3.2, 3.4] });
    const b = cell('ntk', 512, { perplexity: 3.45, perplexityCi95: [3.35, 3.55] });
    const c = cell('none', 512, { perplexity: 13.8, perplexityCi95: [13, 14.6] });
    const best = bestOf([a, b, c], 'ppl');
    assert.deepEqual([...best].map((x) => x.method).sort(), ['ntk', 'yarn']);
  });
  test('perplexity against the window baseline: only a cell that beats it outright can be best', () => {
    const window = cell('window', 512, { perplexity: 2.8, perplexityCi95: [2.74, 2.86] });
    const yarn = cell('yarn', 512, { perplexity: 2.86, perplexityCi95: [2.8, 2.92] });
    const llama = cell('llama3', 512, { perplexity: 2.9, perplexityCi95: [2.84, 2.96] });
    assert.equal(bestOf([yarn, llama], 'ppl', window).size, 0, 'neither beats the window');
    const better = cell('ntk', 512, { perplexity: 2.5, perplexityCi95: [2.45, 2.55] });
    assert.deepEqual([...bestOf([yarn, llama, better], 'ppl', window)], [better]);
  });
  test('counts of an older saved cell without needleCounts are recovered from accuracy × n', () => {
    assert.deepEqual(needleCount(cell('yarn', 256, { needleAccuracy: 0.75, needles: 8 })), { correct: 6, total: 8 });
  });
});

describe('formats', () => {
  test('intervals', () => {
    assert.equal(fmtPctRange([0.4812, 0.7904]), '48–79%');
    assert.equal(fmtPplHalf(3.0, [2.97, 3.031]), '±0.04');
    assert.equal(fmtPplHalf(3.0, [3.0, 3.0]), '±0.01', 'never ±0');
    assert.equal(fmtPplHalf(17.6, [17.0, 18.1]), '±0.6');
  });
});

const block = (label: string, factor: number): BlockInfo => ({
  label,
  dialect: 'json',
  path: '/rope_scaling',
  api: 'v4',
  key: 'rope_scaling',
  params: { rope_type: 'yarn', factor },
  context: {} as BlockInfo['context'],
});

function reference(): PreviewReference {
  const results = [128, 256].flatMap((L) => [
    cell('none', L, { source: 'reference', perplexity: L === 128 ? 2.98 : 5.8, ...needles(60, 64, 0.85, 0.98) }),
    cell('yarn', L, { source: 'reference', perplexity: L === 128 ? 2.98 : 3.0, ...needles(58, 64, 0.81, 0.96) }),
    cell('window', L, { source: 'reference', perplexity: 2.97 }),
  ]);
  return {
    format: REFERENCE_FORMAT, model: 'ropelens-mini.onnx', modelSha256: 'a'.repeat(64), runtime: 'test', command: 'test',
    needles: 64, evalBytes: 65536, generated: '2026-01-01', wallSeconds: 1, originalLength: 128, notes: [],
    runs: [{ factorPolicy: 'per-length', lengths: [128, 256], results }],
  };
}

describe('shown cells', () => {
  const base = { lengths: [128, 256], policy: 'per-length' as const, originalLength: 128 };
  test('the reference answers built-in cells with no run; Yours is what is missing', () => {
    const s = shownCells({ ...base, methods: ['none', 'yarn', 'window', 'yours'], reference: reference(), blockKey: blockKey(block('a', 4)) });
    assert.equal(s.cells.length, 6);
    assert.ok(s.cells.every((c) => c.source === 'reference'));
    assert.deepEqual(s.missing, [{ method: 'yours', length: 128 }, { method: 'yours', length: 256 }]);
    assert.equal(s.stale, false);
  });
  test('live cells of the last run replace reference cells; another block makes Yours stale', () => {
    const a = block('config.json · a', 4);
    const last: RunSummary = {
      backend: 'wasm', runtime: 'x', originalLength: 128, factorPolicy: 'per-length', cancelled: false, ms: 1,
      cells: [cell('yarn', 256, { perplexity: 3.05 }), cell('yours', 128, { perplexity: 2.99 }), cell('yours', 256, { perplexity: 3.1 })],
      yoursKey: blockKey(a), yoursLabel: a.label,
    };
    const same = shownCells({ ...base, methods: ['none', 'yarn', 'yours'], reference: reference(), last, blockKey: blockKey(a) });
    assert.equal(same.cells.find((c) => c.method === 'yarn' && c.length === 256)?.perplexity, 3.05);
    assert.equal(same.missing.length, 0);
    assert.equal(same.stale, false);
    const other = shownCells({ ...base, methods: ['none', 'yarn', 'yours'], reference: reference(), last, blockKey: blockKey(block('config.json · a', 8)) });
    assert.equal(other.stale, true);
    assert.equal(other.staleLabel, a.label);
    assert.ok(other.cells.filter((c) => c.method === 'yours').every((c) => c.stale));
    assert.equal(other.missing.length, 2, 'stale cells still need a measurement');
    // Another factor policy: the last run's cells do not belong to it.
    const stat = shownCells({ ...base, policy: 'static', methods: ['yours'], last, blockKey: blockKey(a) });
    assert.equal(stat.cells.length, 0);
  });
  test('without a reference everything is missing until measured', () => {
    const s = shownCells({ ...base, methods: ['none', 'yarn'] });
    assert.equal(s.cells.length, 0);
    assert.equal(s.missing.length, 4);
  });
});

describe('method notes', () => {
  test('dynamic NTK formula per policy; the engine note wins when present', () => {
    const [perLength] = methodNotes('per-length', 16, ['dynamic'], []);
    assert.match(perLength!, /factor 1/);
    assert.match(perLength!, /\(L\/L₀\)\^\(d\/\(d−2\)\)/);
    const [stat] = methodNotes('static', 16, ['dynamic'], []);
    assert.match(stat!, /static ×16/);
    const engine = "dynamic = transformers' dynamic NTK as it runs: factor 1, recomputed for the sequence length L";
    assert.equal(methodNotes('per-length', 16, ['dynamic'], [engine])[0], engine);
    assert.deepEqual(methodNotes('per-length', 16, ['yarn'], []), []);
  });
  test('interval notes are the engine notes about intervals, once each', () => {
    const notes = ['intervals are 95%: needles, the Wilson score interval', 'ntk = static', 'intervals are 95%: needles, the Wilson score interval'];
    assert.deepEqual(intervalNotes(notes), [notes[0]]);
  });
});
