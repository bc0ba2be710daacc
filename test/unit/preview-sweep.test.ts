// The real-model sweep (core/preview/sweep) over a fake ScoringBackend with deterministic scores: the figures follow
// from the scores, the runs are the methods' definitions, shared runs are scored once, faults and budgets end the
// sweep cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError, type RopeRun, type ScoringBackend, type TokenScores } from '../../core/preview/sweep/backend';
import { parseTokenLength, ropeRun, sweepLengths } from '../../core/preview/sweep/plan';
import { runSweep, type SweepAssets } from '../../core/preview/sweep/run';
import { parseNeedles } from '../../core/preview/probes/needle';
import { needlePrompt } from '../../core/preview/sweep/prompts';
import { isPreviewError, type PreviewCell } from '../../core/preview/types';
import { ntkBase } from '../../core/rope/ntk';

const dir = join(__dirname, '..', '..', 'media', 'model');
const assets: SweepAssets = {
  evalText: new Uint8Array(readFileSync(join(dir, 'eval.txt'))),
  needles: parseNeedles(JSON.parse(readFileSync(join(dir, 'needles.json'), 'utf8'))),
};

/** NLL per method (nats): ppl = e^nll exactly. Needles: linear misses every key past L0, the rest retrieve. */
const NLL: Record<string, number> = { none: 1.0, linear: 1.5, ntk: 1.2, yarn: 1.1, dynamic: 1.3, llama3: 1.4 };

class FakeBackend implements ScoringBackend {
  readonly name = 'fake engine';
  readonly originalContext: number | undefined = 128;
  readonly ropeTheta = 10000;
  readonly headDim = 32;
  prepared: RopeRun | undefined;
  prepares: RopeRun[] = [];
  scored: { run: RopeRun; n: number }[] = [];
  disposed = false;
  constructor(private readonly opts: { failAt?: number; unsupported?: string[]; bos?: number } = {}) {}
  async tokenize(text: string): Promise<number[]> {
    return [...new TextEncoder().encode(text)];
  }
  bos(): number | undefined {
    return this.opts.bos;
  }
  unsupported(m: string): string | undefined {
    return this.opts.unsupported?.includes(m) ? 'not in this engine' : undefined;
  }
  async prepare(run: RopeRun): Promise<void> {
    this.prepared = run;
    this.prepares.push(run);
  }
  async score(tokens: readonly number[], run: RopeRun): Promise<TokenScores> {
    assert.equal(this.prepared, run, 'score() runs under the prepared run');
    if (this.opts.failAt !== undefined && this.scored.length >= this.opts.failAt) throw new BackendError('out-of-memory', `out of memory at ${tokens.length} tokens`);
    this.scored.push({ run, n: tokens.length });
    const n = tokens.length - 1;
    const method = run.block['rope_type'] === 'linear' ? 'linear' : run.block['rope_type'] === 'yarn' ? 'yarn' : run.ropeTheta !== this.ropeTheta ? 'ntk' : 'none';
    const nll = new Float64Array(n).fill(NLL[method]!);
    const top1 = new Uint8Array(n).fill(method === 'linear' ? 0 : 1);
    return { nll, top1 };
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

test('lengths: tokens, thousands, multiples of L0; bad specs give one clear sentence', () => {
  assert.equal(parseTokenLength('8k', 4096), 8192);
  assert.equal(parseTokenLength('2x', 4096), 8192);
  assert.equal(parseTokenLength('3000', undefined), 3000);
  assert.deepEqual(sweepLengths(undefined, 128), [128, 256, 512]);
  assert.deepEqual(sweepLengths(['4x', '1x', '512'], 128), [128, 512]);
  for (const bad of ['eight', '1.5', '-2', '0x', '2000000000', '4096k']) assert.throws(() => parseTokenLength(bad, 128), (e: unknown) => isPreviewError(e) && e.code === 'bad-length');
  assert.throws(() => parseTokenLength('2x', undefined), /original context/);
});

test('runs: the mini-model preview definitions as a transformers block plus theta, L0 = the model context', () => {
  const m = { originalContext: 4096, ropeTheta: 500000, headDim: 128 };
  assert.deepEqual(ropeRun('yarn', 4096, m), { method: 'yarn', block: {}, ropeTheta: 500000, contextTokens: 4096 });
  const y = ropeRun('yarn', 16384, m) as RopeRun;
  assert.deepEqual(y.block, { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 4096 });
  const l = ropeRun('linear', 8192, m) as RopeRun;
  assert.deepEqual(l.block, { rope_type: 'linear', factor: 2 });
  const n = ropeRun('ntk', 8192, m) as RopeRun;
  assert.deepEqual(n.block, {});
  assert.equal(n.ropeTheta, ntkBase(500000, 128, 2));
  assert.equal(typeof ropeRun('ntk', 8192, { ...m, headDim: undefined }), 'string');
});

test('needle prompts are exactly L tokens and end with the key', () => {
  const texts = { evalTokens: [...assets.evalText], evalBytes: assets.evalText.length, prefix: [1, 2], suffix: [3], query: [4, 5], bos: 7 };
  const key = [90, 91, 92];
  for (const L of [20, 64, 300]) {
    const p = needlePrompt(texts, { id: 1, key: 'XYZ', depth: 0.5, offset: 100 }, key, L);
    assert.equal(p.length, L);
    assert.equal(p[0], 7);
    assert.deepEqual(p.slice(-3), key);
    assert.deepEqual(p.slice(-5, -3), [4, 5]);
  }
});

test('sweep: perplexity and needles follow the scores; shared runs scored once; cells carry the method', async () => {
  const b = new FakeBackend();
  const cells: PreviewCell[] = [];
  const r = await runSweep(b, assets, { needles: 3, evalTokens: 512, engine: 'fake' }, { onCell: (c) => cells.push(c) });
  assert.equal(r.engine, 'fake');
  assert.deepEqual(r.methods, ['none', 'linear', 'ntk', 'yarn']);
  assert.deepEqual(r.lengths, [128, 256, 512]);
  assert.equal(r.results.length, 12);
  assert.equal(cells.length, 12);
  for (const c of r.results) {
    const expected = c.length === 128 ? NLL['none']! : NLL[c.method]!;
    assert.ok(Math.abs(c.perplexity! - Math.exp(expected)) < 1e-9, `${c.method}@${c.length}: ${c.perplexity}`);
    assert.equal(c.evalChunks, Math.ceil(512 / c.length));
    const retrieves = c.method !== 'linear' || c.length === 128;
    assert.deepEqual(c.needleCounts?.correct, retrieves ? 3 : 0);
    assert.equal(c.needleCounts?.total, 3);
    assert.equal(c.source, 'live');
  }
  // At L0 every method is the unscaled model: scored once (4 chunks + 3 needles), read by the other three.
  const atL0 = b.scored.filter((s) => s.n === 128).length;
  assert.equal(atL0, 4 + 3);
  assert.equal(r.results.filter((c) => c.reusedFrom).length, 3);
  assert.equal(r.timings.forwardPasses, b.scored.length);
  // Every score ran under a prepared run; consecutive cells with the same run are prepared once.
  assert.ok(b.prepares.length <= 10, `${b.prepares.length} prepares`);
});

test('sweep: BOS leads every sequence and is not counted as text', async () => {
  const b = new FakeBackend({ bos: 999 });
  const r = await runSweep(b, assets, { needles: 1, evalTokens: 254, methods: ['none'], lengths: ['128'] }, {});
  assert.equal(r.results[0]!.evalChunks, 2); // 127 text tokens per chunk
  assert.ok(b.scored.every((s) => s.n === 128));
});

test('sweep: methods the engine cannot run are skipped with its reason, not measured under their name', async () => {
  const b = new FakeBackend({ unsupported: ['dynamic'] });
  const r = await runSweep(b, assets, { methods: ['none', 'dynamic'], lengths: ['1x', '2x'], needles: 1, evalTokens: 256 }, {});
  assert.deepEqual(r.methods, ['none']);
  assert.ok(r.notes.some((n) => n.startsWith('dynamic skipped: not in this engine')));
  assert.ok(r.results.every((c) => c.method === 'none'));
});

test('sweep: an engine fault rejects with its BackendError; cells measured before it were streamed', async () => {
  const b = new FakeBackend({ failAt: 9 });
  const cells: PreviewCell[] = [];
  await assert.rejects(runSweep(b, assets, { needles: 2, evalTokens: 256 }, { onCell: (c) => cells.push(c) }), (e: unknown) => e instanceof BackendError && e.code === 'out-of-memory');
  assert.ok(cells.length >= 1 && cells.length < 12, `${cells.length} cells before the fault`);
});

test('sweep: cancellation stops within one pass with PreviewError cancelled', async () => {
  const b = new FakeBackend();
  const ac = new AbortController();
  let seen = 0;
  await assert.rejects(
    runSweep(b, assets, { needles: 2, evalTokens: 256 }, { signal: ac.signal, onCell: () => ++seen === 2 && ac.abort() }),
    (e: unknown) => isPreviewError(e) && e.code === 'cancelled',
  );
  assert.equal(seen, 2);
});

test('sweep: under a budget the run stops when the clock is spent and every cell reports its n', async () => {
  let clock = 0;
  const b = new FakeBackend();
  const orig = b.score.bind(b);
  b.score = async (t, r) => {
    clock += 100; // each pass costs 100 ms on the fake clock
    return orig(t, r);
  };
  const r = await runSweep(b, assets, { budgetS: 2 }, { now: () => clock });
  assert.equal(r.timings.budgetMs, 2000);
  assert.equal(r.timings.budgetSpent, true);
  assert.ok(clock <= 2000 + 100, `ran to ${clock} ms`);
  assert.equal(r.results.length, 12);
  const measured = r.results.filter((c) => c.needles! > 0 || c.evalChunks! > 0);
  assert.ok(measured.length >= 1);
});

test('sweep: bad input is one clear PreviewError', async () => {
  const b = new FakeBackend();
  await assert.rejects(runSweep(b, assets, { methods: ['rope-magic'] }), /unknown method "rope-magic"/);
  await assert.rejects(runSweep(b, assets, { lengths: ['20'], probes: ['needle'] }), /shorter than a needle prompt/);
  await assert.rejects(runSweep(b, assets, { lengths: ['100000'], probes: ['ppl'] }), /longer than the eval text/);
  const noCtx = Object.assign(new FakeBackend(), { originalContext: undefined });
  await assert.rejects(runSweep(noCtx, assets, {}), /original context/);
});
