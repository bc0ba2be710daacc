// The preview engine: runs the mini-model over (method, length) cells and streams perplexity and needle retrieval.
// Work is shared wherever the maths allows: cells whose rotary tables are identical (every method at L0 under the
// per-length policy, dynamic at L ≤ L0, every length of a static method) share forward passes, and a perplexity
// chunk is read from the prefix of a longer pass that starts at the same byte (causal attention). The same
// scheduler runs "dry" to price a plan, so the budget picks sample sizes deterministically.
import { buildNeedlePrompt, scoreNeedle, type NeedleScore, type NeedleSet } from './probes/needle';
import { chunkNll, chunkStarts, nllPerPosition } from './probes/perplexity';
import { DEFAULT_BUDGET_S, MAX_EVAL_BYTES, resolveRequest, type ResolvedRequest } from './request';
import type { ModelSession, PreviewRuntime } from './runtime';
import { builtinBlock, cosSin, MINI_MODEL, policyFactor, tablesFor, type MethodTables, type MiniModelSpec } from './tables';
import {
  isPreviewError,
  PreviewError,
  type PreviewCell,
  type PreviewMethod,
  type PreviewRequest,
  type PreviewResult,
  type PreviewRunOptions,
} from './types';
import { mapYours, type YoursMapping } from './yours';

export { DEFAULT_BUDGET_S };

export interface PreviewAssets {
  /** The ONNX graph (media/model/ropelens-mini.onnx). */
  model: Uint8Array;
  /** media/model/eval.txt as bytes. */
  evalText: Uint8Array;
  /** media/model/needles.json, parsed (probes/needle.ts parseNeedles). */
  needles: NeedleSet;
  name?: string;
  layers?: number;
  parameters?: number;
}

/**
 * Single-thread WebAssembly wall time of one forward pass of T bytes plus its scoring (ms) on the warm session,
 * fitted on the 2-core x86 dev machine at low load on the blocked-attention graph (test/bench/preview.bench.ts
 * and the passes of a default sweep: ~7 / 14 / 33 / 86 / 260 ms at T = 128 … 2048; linear layers ∝ T, the
 * materialised causal attention ∝ T²), plus 10% for scoring, tables and garbage collection, so the price of a
 * sweep is its expected warm wall time. Only used to turn a budget into sample sizes.
 */
export function estimateForwardMs(T: number): number {
  return 1.1 * (2 + 0.035 * T + 4.6e-5 * T * T);
}

/** Warm-up passes at session creation (warm()): short, so they cost little, and enough calls that WebAssembly's
 * tier-up of the hot kernels has started before the first real pass. */
const WARMUP_LENGTH = 64;
const WARMUP_PASSES = 4;

interface CellSpec {
  method: PreviewMethod;
  length: number;
  tables: MethodTables;
  key: string;
  userTokens?: number;
}

interface Executor {
  ppl(cell: CellSpec, start: number, length: number): Promise<Float64Array>;
  needle(cell: CellSpec, index: number): Promise<NeedleScore>;
}

interface SweepPlan {
  cells: CellSpec[];
  /** Which needles (indices into needles.json) each length scores. */
  needlesAt: (length: number) => number[];
  evalBytes: number;
}

/** n needles spread evenly over the list (which is ordered by depth): centre of each of n equal slices. */
export function spreadIndices(n: number, available: number): number[] {
  const k = Math.min(n, available);
  return Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * available) / k));
}

interface StoreEntry<T> {
  value: T;
  length: number;
  by: CellSpec;
}

const REUSE_SAME = 'identical rotary tables (same inv_freq and attention factor)';
const REUSE_PREFIX = 'identical rotary tables; perplexity read from the prefix of a longer pass (causal attention)';

/**
 * The one scheduler: cells in order (lengths ascending, methods in request order); a pass is run only when no
 * stored pass covers it. Perplexity passes at a chunk start run at the longest length any cell with the same
 * tables needs there, except at the first length, which runs short so the first result arrives quickly.
 */
async function sweep(
  plan: SweepPlan,
  probes: readonly string[],
  exec: Executor,
  emit: (cell: PreviewCell) => void,
  now: () => number,
): Promise<void> {
  const { cells, needlesAt, evalBytes } = plan;
  const firstLength = cells.length > 0 ? cells[0]!.length : 0;
  const planned = new Map<string, number>();
  if (probes.includes('ppl')) {
    for (const c of cells) {
      for (const s of chunkStarts(c.length, evalBytes)) {
        const k = `${c.key}@${s}`;
        planned.set(k, Math.max(planned.get(k) ?? 0, c.length));
      }
    }
  }
  const pplStore = new Map<string, StoreEntry<Float64Array>>();
  const needleStore = new Map<string, StoreEntry<NeedleScore>>();
  for (const c of cells) {
    const t0 = now();
    let ran = 0;
    let source: StoreEntry<unknown> | undefined;
    const out: PreviewCell = {
      method: c.method,
      length: c.length,
      lengthMultiple: c.length / MINI_MODEL.originalLength,
      factor: c.tables.factor,
      attentionFactor: c.tables.attentionFactor,
      ms: 0,
    };
    if (c.userTokens !== undefined) out.userTokens = c.userTokens;
    if (probes.includes('ppl')) {
      let sum = 0;
      let count = 0;
      for (const s of chunkStarts(c.length, evalBytes)) {
        const k = `${c.key}@${s}`;
        let e = pplStore.get(k);
        if (!e || e.length < c.length) {
          const len = c.length === firstLength ? c.length : planned.get(k)!;
          e = { value: await exec.ppl(c, s, len), length: len, by: c };
          pplStore.set(k, e);
          ran++;
        } else source ??= e;
        sum += chunkNll(e.value, c.length);
        count += c.length - 1;
      }
      out.perplexity = Math.exp(sum / count);
    }
    if (probes.includes('needle')) {
      let exact = 0;
      let hits = 0;
      let total = 0;
      const indices = needlesAt(c.length);
      for (const i of indices) {
        const k = `${c.key}@${c.length}#${i}`;
        let e = needleStore.get(k);
        if (!e) {
          e = { value: await exec.needle(c, i), length: c.length, by: c };
          needleStore.set(k, e);
          ran++;
        } else source ??= e;
        exact += e.value.exact ? 1 : 0;
        hits += e.value.hits;
        total += e.value.keyLength;
      }
      out.needleAccuracy = exact / indices.length;
      out.needleCharAccuracy = hits / total;
      out.needles = indices.length;
    }
    if (ran === 0 && source) {
      out.reusedFrom = { method: source.by.method, length: source.by.length, why: source.by.length > c.length ? REUSE_PREFIX : REUSE_SAME };
    }
    out.ms = ran === 0 ? 0 : Math.round((now() - t0) * 10) / 10;
    emit(out);
  }
}

function tablesKey(t: MethodTables): string {
  return `${t.attentionFactor}|${t.invFreq.join(',')}`;
}

function abortError(): PreviewError {
  return new PreviewError('cancelled', 'preview cancelled');
}

/**
 * Keeps one model session (and its rotary tables) warm across runs. Construct once per host; run() as often as
 * needed; dispose() to free the session.
 */
export class PreviewEngine {
  private session: ModelSession | undefined;
  private sessionPromise: Promise<ModelSession> | undefined;
  private readonly tableCache = new Map<string, { T: number; cos: Float32Array; sin: Float32Array }>();
  readonly mini: MiniModelSpec;

  constructor(
    private readonly runtime: PreviewRuntime,
    private readonly assets: PreviewAssets,
    mini: MiniModelSpec = MINI_MODEL,
    private readonly now: () => number = () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
  ) {
    this.mini = mini;
    if (!(assets.model instanceof Uint8Array) || assets.model.length === 0) {
      throw new PreviewError('model-missing', 'the mini-model file is empty or missing');
    }
  }

  /**
   * Loads the model now (otherwise the first run() does) and runs a few short passes so the WebAssembly kernels
   * start tiering up before the first real pass. Hosts call it when the preview becomes visible, before Run.
   */
  async warm(): Promise<number> {
    const t0 = this.now();
    const had = this.session !== undefined;
    const session = await this.getSession();
    if (!had) {
      const none = tablesFor({ params: {} }, this.mini);
      const { cos, sin } = this.tables(tablesKey(none), none, WARMUP_LENGTH);
      const ids = this.assets.evalText.subarray(0, WARMUP_LENGTH);
      if (ids.length === WARMUP_LENGTH) for (let i = 0; i < WARMUP_PASSES; i++) await session.forward({ ids, cos, sin, attentionFactor: 1 });
    }
    return this.now() - t0;
  }

  private async getSession(): Promise<ModelSession> {
    if (this.session) return this.session;
    this.sessionPromise ??= this.runtime.createSession(this.assets.model).then(
      (s) => (this.session = s),
      (e: unknown) => {
        this.sessionPromise = undefined;
        const msg = e instanceof Error ? e.message : String(e);
        throw new PreviewError('model-corrupt', `the mini-model could not be loaded (${msg.split('\n')[0]})`);
      },
    );
    return this.sessionPromise;
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.sessionPromise = undefined;
    await s?.release();
  }

  private tables(key: string, t: MethodTables, T: number): { cos: Float32Array; sin: Float32Array } {
    let e = this.tableCache.get(key);
    if (!e || e.T < T) {
      e = { T, ...cosSin(t.invFreq, T) };
      this.tableCache.set(key, e);
    }
    const n = T * t.invFreq.length;
    return { cos: e.cos.subarray(0, n), sin: e.sin.subarray(0, n) };
  }

  /** The cells of a resolved request, with their tables (throws PreviewError for an inexpressible block). */
  private cellsOf(r: ResolvedRequest, yours: YoursMapping | undefined): CellSpec[] {
    const cells: CellSpec[] = [];
    for (const L of r.lengths) {
      for (const m of r.methods) {
        let tables: MethodTables;
        const c: Partial<CellSpec> = { method: m, length: L };
        if (m === 'yours') {
          tables = tablesFor(yours!.blockAt(L), this.mini);
          if (yours!.originalContext !== undefined) c.userTokens = Math.round((L / this.mini.originalLength) * yours!.originalContext);
        } else {
          const s = m === 'none' ? 1 : policyFactor(r.policy, L, this.mini, r.staticFactor);
          // Factor 1 is no scaling for every built-in method (float32 blends of x/1 and x can differ in the last
          // bit, which would cost a pass for nothing): use the unscaled tables. Not dynamic: with factor 1 it still
          // grows the base past L0.
          tables = tablesFor(builtinBlock(s === 1 && m !== 'dynamic' ? 'none' : m, s, L, this.mini), this.mini);
        }
        if (!tables.invFreq.every((x) => Number.isFinite(x) && x >= 0) || !Number.isFinite(tables.attentionFactor)) {
          throw new PreviewError('inexpressible-block', `method ${m} gives non-finite rotary frequencies at length ${L}`);
        }
        if (tables.invFreq.length !== this.mini.headDim / 2) {
          throw new PreviewError('inexpressible-block', `method ${m} gives ${tables.invFreq.length} frequencies; the mini-model has ${this.mini.headDim / 2}`);
        }
        cells.push({ ...(c as CellSpec), tables, key: tablesKey(tables) });
      }
    }
    return cells;
  }

  /** Estimated single-thread WASM seconds for a plan (dry run of the scheduler). */
  private async price(plan: SweepPlan, probes: readonly string[]): Promise<number> {
    let ms = 0;
    const zeros = new Float64Array(0);
    await sweep(
      plan,
      probes,
      {
        ppl: async (_c, _s, len) => {
          ms += estimateForwardMs(len);
          return zeros.length >= len ? zeros : new Float64Array(len);
        },
        needle: async (c) => {
          ms += estimateForwardMs(c.length);
          return { exact: false, hits: 0, keyLength: 1 };
        },
      },
      () => undefined,
      () => 0,
    );
    return ms / 1000;
  }

  /**
   * Sample sizes: explicit ones, else the largest rung of a fixed ladder whose dry-run price fits the budget. A rung
   * gives each needle cell a time allowance: short lengths (cheap passes) score many needles, long ones few (at
   * least one), so the figures the eye compares first (L0, 2×) are the most precise.
   */
  private async sampleSizes(r: ResolvedRequest, cells: CellSpec[]): Promise<{ needlesAt: (L: number) => number[]; evalBytes: number }> {
    const longest = r.lengths[r.lengths.length - 1]!;
    const maxEval = Math.min(MAX_EVAL_BYTES, this.assets.evalText.length);
    const available = this.assets.needles.needles.length;
    const rungOf = (allowanceMs: number, evalMult: number) => {
      const counts = new Map<number, number>();
      for (const L of r.lengths) counts.set(L, r.needles ?? Math.max(1, Math.min(available, Math.floor(allowanceMs / estimateForwardMs(L)))));
      return {
        needlesAt: (L: number) => spreadIndices(counts.get(L) ?? 1, available),
        evalBytes: r.evalBytes ?? Math.min(maxEval, Math.max(longest, evalMult * longest)),
        key: `${[...counts.values()].join(',')}|${r.evalBytes ?? Math.min(maxEval, Math.max(longest, evalMult * longest))}`,
      };
    };
    const ladder: ReturnType<typeof rungOf>[] = [];
    for (const [ms, e] of [[0, 1], [100, 1], [150, 1], [200, 1], [300, 1], [400, 1], [600, 1], [800, 1], [1200, 2], [1600, 2], [2400, 4], [3200, 4], [4800, 8], [6400, 8], [12800, 16]] as const) {
      const rung = rungOf(ms, e);
      if (ladder[ladder.length - 1]?.key !== rung.key) ladder.push(rung);
    }
    // Every probe asked for has explicit sizes: the budget has nothing to choose.
    const needlesFixed = r.needles !== undefined || !r.probes.includes('needle');
    const evalFixed = r.evalBytes !== undefined || !r.probes.includes('ppl');
    if (needlesFixed && evalFixed) return ladder[0]!;
    let best: (typeof ladder)[number] | undefined;
    let minCost = 0;
    for (const rung of ladder) {
      const cost = await this.price({ cells, needlesAt: rung.needlesAt, evalBytes: rung.evalBytes }, r.probes);
      if (!best) minCost = cost;
      if (cost <= r.budgetS) best = rung;
      else break;
    }
    // No budget given: the default request always runs, at the smallest sample sizes if need be.
    if (!best && r.budgetGiven === false) best = ladder[0]!;
    if (!best) {
      throw new PreviewError(
        'budget-too-small',
        `budget ${r.budgetS} s is too small for this sweep: one needle per cell and one chunk per length need about ${minCost.toFixed(1)} s (single-thread WebAssembly); raise the budget or drop lengths/methods`,
      );
    }
    return best;
  }

  async run(request: PreviewRequest, options: PreviewRunOptions = {}): Promise<PreviewResult> {
    const t0 = this.now();
    const { signal, onProgress } = options;
    if (signal?.aborted) throw abortError();
    const r = resolveRequest(request, this.mini, this.assets.needles, this.assets.evalText.length);
    const yours = request.yours && r.methods.includes('yours') ? mapYours(request.yours, this.mini) : undefined;
    const cells = this.cellsOf(r, yours);
    const sizes = await this.sampleSizes(r, cells);
    const sessionStart = this.now();
    const hadSession = this.session !== undefined;
    const session = await this.getSession();
    const sessionMs = hadSession ? 0 : this.now() - sessionStart;
    let forwardPasses = 0;
    let forwardMs = 0;
    const forward = async (cell: CellSpec, ids: Uint8Array): Promise<Float32Array> => {
      if (signal?.aborted) throw abortError();
      const { cos, sin } = this.tables(cell.key, cell.tables, ids.length);
      const f0 = this.now();
      let logits: Float32Array;
      try {
        logits = await session.forward({ ids, cos, sin, attentionFactor: cell.tables.attentionFactor });
      } catch (e) {
        if (isPreviewError(e)) throw e;
        throw new PreviewError('runtime', `forward pass at length ${ids.length} failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
      }
      forwardMs += this.now() - f0;
      forwardPasses++;
      if (logits.length !== ids.length * 256) throw new PreviewError('model-corrupt', `the model returned ${logits.length} logits for ${ids.length} bytes (expected ×256)`);
      return logits;
    };
    const needleSet = this.assets.needles;
    const results: PreviewCell[] = [];
    let firstResultMs = -1;
    await sweep(
      { cells, needlesAt: sizes.needlesAt, evalBytes: sizes.evalBytes },
      r.probes,
      {
        ppl: async (cell, start, len) => {
          const ids = this.assets.evalText.subarray(start, start + len);
          return nllPerPosition(ids, await forward(cell, ids));
        },
        needle: async (cell, i) => {
          const prompt = buildNeedlePrompt(this.assets.evalText, needleSet, needleSet.needles[i]!, cell.length);
          return scoreNeedle(prompt, await forward(cell, prompt), needleSet.keyLength);
        },
      },
      (cell) => {
        if (firstResultMs < 0) firstResultMs = this.now() - t0;
        results.push(cell);
        onProgress?.({ cell, done: results.length, total: cells.length });
      },
      this.now,
    );
    const notes = [
      r.policy === 'per-length'
        ? `factor policy per-length: each built-in method uses s = max(1, L/${this.mini.originalLength}) at length L`
        : `factor policy static: every built-in method uses s = ${r.staticFactor} at every length`,
      // ledger: transformers.dynamic
      `dynamic = transformers' dynamic NTK with factor s, recomputed for the sequence length: base·((s·L/L0) − (s−1))^(d/(d−2)) for L > L0, unchanged at L ≤ L0`,
      `ntk = static NTK-aware: base·s^(d/(d−2)); yarn: beta_fast 32, beta_slow 1, attention 0.1·ln(s)+1; llama3: low_freq_factor 1, high_freq_factor 4; original length L0 = ${this.mini.originalLength}`,
    ];
    const result: PreviewResult = {
      model: {
        name: this.assets.name ?? 'ropelens-mini',
        originalLength: this.mini.originalLength,
        headDim: this.mini.headDim,
        ropeTheta: this.mini.ropeTheta,
        evalBytes: r.probes.includes('ppl') ? sizes.evalBytes : 0,
        evalWindows: r.probes.includes('ppl') ? Math.floor(sizes.evalBytes / r.lengths[0]!) : 0,
        needlesPerCell: r.probes.includes('needle') ? Math.min(...r.lengths.map((L) => sizes.needlesAt(L).length)) : 0,
        needlesPerLength: r.probes.includes('needle') ? r.lengths.map((L) => sizes.needlesAt(L).length) : [],
        runtime: this.runtime.name,
      },
      originalLength: this.mini.originalLength,
      factorPolicy: r.policy,
      methods: r.methods,
      lengths: r.lengths,
      probes: r.probes,
      results,
      timings: {
        totalMs: round1(this.now() - t0),
        firstResultMs: round1(Math.max(0, firstResultMs)),
        sessionMs: round1(sessionMs),
        forwardPasses,
        forwardMs: round1(forwardMs),
        reusedCells: results.filter((c) => c.reusedFrom).length,
      },
      notes,
    };
    if (this.assets.layers !== undefined) result.model.layers = this.assets.layers;
    if (this.assets.parameters !== undefined) result.model.parameters = this.assets.parameters;
    if (r.policy === 'static') result.staticFactor = r.staticFactor;
    if (yours) {
      result.yours = { label: yours.label, ropeType: yours.ropeType, notes: yours.notes };
      if (yours.originalContext !== undefined) result.yours.originalContext = yours.originalContext;
    }
    return result;
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** One-shot helper: a fresh engine, one run, session released. */
export async function runPreview(runtime: PreviewRuntime, assets: PreviewAssets, request: PreviewRequest, options: PreviewRunOptions = {}): Promise<PreviewResult> {
  const engine = new PreviewEngine(runtime, assets);
  try {
    return await engine.run(request, options);
  } finally {
    await engine.dispose();
  }
}
