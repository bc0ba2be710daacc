// The preview engine: runs the mini-model over (method, length) cells and streams perplexity and needle retrieval.
// Work is shared wherever the maths allows: cells whose rotary tables are identical (every method at L0 under the
// per-length policy, dynamic at L ≤ L0, every length of a static method) share forward passes, and a perplexity
// chunk is read from the prefix of a longer pass that starts at the same byte (causal attention). Sample sizes are
// exact when the request gives them (reference measurements, tests); otherwise a wall-clock budget, measured while
// running, sizes them: every cell gets a first answer in order, then rounds add needle prompts (until the Wilson
// half-width is ≤ 15 points) and eval chunks, and the run stops before the first pass that would start past the
// budget.
import { buildNeedlePrompt, extendNeedles, NEEDLE_COUNT, needleOrder, scoreNeedle, type NeedleScore, type NeedleSet } from './probes/needle';
import { chunkStarts, nllPerPosition } from './probes/perplexity';
import { PERPLEXITY_INTERVAL_NOTE, TARGET_HALF_WIDTH, wilsonHalfWidth } from './stats';
import { freshSampling, writeSampleFields, type SamplingState } from './cell-samples';
import { FIRST_NEEDLES, round1, runRounds, runTimings } from './rounds';
import { DEFAULT_BUDGET_S, resolveRequest, type ResolvedRequest } from './request';
import type { ModelSession, PreviewRuntime } from './runtime';
import { builtinBlock, cosSin, methodFactor, MINI_MODEL, tablesFor, type MethodTables, type MiniModelSpec } from './tables';
import {
  isPreviewError,
  type BuiltinMethod,
  PreviewError,
  type PreviewCell,
  type PreviewMethod,
  type PreviewProgress,
  type PreviewRequest,
  type PreviewResult,
  type PreviewRunOptions,
} from './types';
import { mapYours, type YoursMapping } from './yours';
import { modelNotes, policyNotes } from './notes';
import { BASE_MODEL_FILE, FINETUNE, finetunedBase, isFinetuned, isOtherEncoding, modelOf, type PreviewModel } from './models';

export { DEFAULT_BUDGET_S };

export interface PreviewAssets {
  /** The ONNX graph (media/model/ropelens-mini.onnx). */
  model: Uint8Array;
  /** The bytes of another model file beside it (models.ts: the fine-tuned and sibling models), read only when a
   * method that runs on it is run. Absent: only the base model's methods can run. */
  loadModel?: (file: string) => Promise<Uint8Array>;
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
 * fitted on the 2-core x86 dev machine at low load (test/bench/preview.bench.ts: ~7 / 14 / 33 / 86 / 260 ms at
 * T = 128 … 2048). Only used for progress estimates; budgets are measured on the clock.
 */
export function estimateForwardMs(T: number): number {
  return 1.1 * (2 + 0.035 * T + 4.6e-5 * T * T);
}

/** warm()'s passes as [length in bytes, passes]. */
export type WarmupPlan = ReadonlyArray<readonly [length: number, passes: number]>;

/** The default warm-up: 12 passes at L0 and 2 at 2·L0, the lengths of a run's first cells, about 1 s of CPU at
 * WebAssembly's baseline-tier speed. V8 tiers a function up after enough work in it, not after a number of calls
 * (`npm run bench -- preview.speed`, "tier-up by" rows: 4 passes of 64 B leave T = L0 far from steady speed).
 * A run stops it after the pass under way, so a Run waits for one pass at most. Lengths are multiples of L0. */
export const WARMUP_PLAN: WarmupPlan = [
  [1, 12],
  [2, 2],
];

/** The window baseline scores bytes past L0 in blocks of this many, each block from a pass of L0 bytes ending at its
 * last byte: every byte is predicted from the 96–127 bytes before it (at L0 = 128). */
export const WINDOW_STRIDE_DIVISOR = 4;

/** Under a budget: the most eval bytes a live cell aims for (first answers: rounds.ts FIRST_NEEDLES). */
export const LIVE_EVAL_TARGET = 16384;

interface CellSpec {
  method: PreviewMethod;
  length: number;
  /** The model the cell runs on (models.ts). */
  model: PreviewModel;
  tables: MethodTables;
  key: string;
  /** Window baseline past L0: perplexity from strided windows of L0 bytes. */
  window: boolean;
  userTokens?: number;
}

/** A cell's samples so far (keyUnits: key bytes scored). */
interface CellState extends SamplingState {
  spec: CellSpec;
  reused?: { by: CellSpec; prefix: boolean };
}

interface StoreEntry<T> {
  value: T;
  length: number;
  by: CellSpec;
}

const REUSE_SAME = 'identical rotary tables (same inv_freq and attention factor)';
const REUSE_PREFIX = 'identical rotary tables; perplexity read from the prefix of a longer pass (causal attention)';

/** bytes [start, start+len) of text[0:evalBytes], wrapping. */
function wrapped(text: Uint8Array, evalBytes: number, start: number, len: number): Uint8Array {
  const s = start % evalBytes;
  if (s + len <= evalBytes) return text.subarray(s, s + len);
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = text[(s + i) % evalBytes]!;
  return out;
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
  /** Sessions of the other model files (models.ts), created when a method that needs one first runs. */
  private readonly otherSessions = new Map<string, { session?: ModelSession; promise: Promise<ModelSession> }>();
  /** The warm-up under way or done (never rejects), and whether a run asked it to stop. */
  private warming: Promise<void> | undefined;
  private stopWarming = false;
  private readonly tableCache = new Map<string, { T: number; cos: Float32Array; sin: Float32Array }>();
  readonly mini: MiniModelSpec;
  /** The shipped needles extended to NEEDLE_COUNT, and the order they are scored in (ids stable). */
  readonly needleSet: NeedleSet;
  private readonly order: number[];

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
    this.needleSet = extendNeedles(assets.needles, NEEDLE_COUNT, assets.evalText);
    this.order = needleOrder(this.needleSet, assets.needles.needles.length);
  }

  /**
   * Loads the model now (otherwise the first run() does) and runs warm-up passes (`plan`, lengths as multiples of
   * L0) so the WebAssembly kernels are tiered up before the first real pass. Once per session; a run (or ready())
   * stops it at the next pass boundary. Hosts call it when the preview becomes visible, before Run.
   */
  async warm(plan: WarmupPlan = WARMUP_PLAN): Promise<number> {
    const t0 = this.now();
    const session = await this.getSession();
    this.warming ??= this.warmPasses(session, plan);
    await this.warming;
    return this.now() - t0;
  }

  /** Loads the model and ends a warm-up under way at its next pass boundary (a Run never waits for the warm-up). */
  async ready(): Promise<number> {
    const t0 = this.now();
    this.stopWarmup();
    await this.getSession();
    await this.warming;
    return this.now() - t0;
  }

  /** Ends a warm-up under way after its current pass, or keeps one from starting. */
  stopWarmup(): void {
    this.stopWarming = true;
  }

  private async warmPasses(session: ModelSession, plan: WarmupPlan): Promise<void> {
    const none = tablesFor({ params: {} }, this.mini);
    try {
      for (const [k, passes] of plan) {
        const T = Math.round(k * this.mini.originalLength);
        const ids = this.assets.evalText.subarray(0, T);
        if (ids.length < T) return;
        const { cos, sin } = this.tables(tablesKey(none), none, T);
        for (let i = 0; i < passes; i++) {
          if (this.stopWarming) return;
          await session.forward({ ids, cos, sin, attentionFactor: 1 });
        }
      }
    } catch {
      // A pass that fails here fails in run() too, which reports it.
    }
  }

  private async getSession(model?: PreviewModel): Promise<ModelSession> {
    if (model && model.file !== BASE_MODEL_FILE) return this.otherSession(model);
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

  /** A session of another model file, loaded (assets.loadModel) and created once, kept warm like the base one. */
  private otherSession(model: PreviewModel): Promise<ModelSession> {
    const have = this.otherSessions.get(model.file);
    if (have) return have.session ? Promise.resolve(have.session) : have.promise;
    const entry: { session?: ModelSession; promise: Promise<ModelSession> } = { promise: this.createOther(model) };
    entry.promise.then((s) => (entry.session = s), () => this.otherSessions.delete(model.file));
    this.otherSessions.set(model.file, entry);
    return entry.promise;
  }

  private async createOther(model: PreviewModel): Promise<ModelSession> {
    const load = this.assets.loadModel;
    if (!load) throw new PreviewError('model-missing', `${model.file} (${model.description}) is not available to this host`);
    let bytes: Uint8Array;
    try {
      bytes = await load(model.file);
    } catch (e) {
      if (isPreviewError(e)) throw e;
      throw new PreviewError('model-missing', `${model.file} could not be read (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
    if (bytes.length === 0) throw new PreviewError('model-missing', `${model.file} is empty or missing`);
    try {
      return await this.runtime.createSession(bytes);
    } catch (e) {
      throw new PreviewError('model-corrupt', `${model.file} could not be loaded (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
    }
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.sessionPromise = undefined;
    this.stopWarming = true;
    await this.warming;
    this.warming = undefined;
    this.stopWarming = false;
    const others = [...this.otherSessions.values()];
    this.otherSessions.clear();
    await s?.release();
    for (const o of others) await (o.session ?? (await o.promise.catch(() => undefined)))?.release();
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
    const L0 = this.mini.originalLength;
    for (const L of r.lengths) {
      for (const m of r.methods) {
        if (r.cells && !r.cells.has(`${m}@${L}`)) continue;
        let tables: MethodTables;
        const c: Partial<CellSpec> = { method: m, length: L, window: false, model: modelOf(m) };
        if (isFinetuned(m)) {
          // The checkpoint runs with the block it was fine-tuned with, at its tuning factor, at every length.
          tables = tablesFor(builtinBlock(finetunedBase(m), FINETUNE.factor, L, this.mini), this.mini);
        } else if (isOtherEncoding(m)) {
          // No rotary inputs: the tables are not fed (unscaled ones keep the engine's bookkeeping uniform).
          tables = tablesFor({ params: {} }, this.mini);
        } else if (m === 'yours') {
          tables = tablesFor(yours!.blockAt(L), this.mini);
          if (yours!.originalContext !== undefined) c.userTokens = Math.round((L / L0) * yours!.originalContext);
        } else if (m === 'window') {
          // The unscaled model; past L0 each byte sees only a window of the bytes before it.
          tables = tablesFor({ params: {} }, this.mini);
          c.window = L > L0;
        } else {
          const s = m === 'none' ? 1 : methodFactor(m as BuiltinMethod, r.policy, L, this.mini, r.staticFactor);
          // Factor 1 is no scaling for the static methods (float32 blends of x/1 and x can differ in the last bit,
          // which would cost a pass for nothing): use the unscaled tables. Not dynamic: it scales with the length.
          tables = tablesFor(builtinBlock(s === 1 && m !== 'dynamic' ? 'none' : (m as BuiltinMethod), s, L, this.mini), this.mini);
        }
        if (!tables.invFreq.every((x) => Number.isFinite(x) && x >= 0) || !Number.isFinite(tables.attentionFactor)) {
          throw new PreviewError('inexpressible-block', `method ${m} gives non-finite rotary frequencies at length ${L}`);
        }
        if (tables.invFreq.length !== this.mini.headDim / 2) {
          throw new PreviewError('inexpressible-block', `method ${m} gives ${tables.invFreq.length} frequencies; the mini-model has ${this.mini.headDim / 2}`);
        }
        // Keyed by model too: equal tables on two models are different passes.
        cells.push({ ...(c as CellSpec), tables, key: `${c.model!.file}|${tablesKey(tables)}` });
      }
    }
    return cells;
  }

  /** Validates a request without running it (throws the PreviewError run() would). */
  validate(request: PreviewRequest): void {
    const r = resolveRequest(request, this.mini, this.needleSet, this.assets.evalText.length);
    if (request.yours && r.methods.includes('yours')) this.cellsOf(r, mapYours(request.yours, this.mini));
  }

  async run(request: PreviewRequest, options: PreviewRunOptions = {}): Promise<PreviewResult> {
    const t0 = this.now();
    const { signal, onProgress } = options;
    if (signal?.aborted) throw abortError();
    const needleSet = this.needleSet;
    const r = resolveRequest(request, this.mini, needleSet, this.assets.evalText.length);
    const yours = request.yours && r.methods.includes('yours') ? mapYours(request.yours, this.mini) : undefined;
    const cells = this.cellsOf(r, yours);
    const L0 = this.mini.originalLength;
    const wantPpl = r.probes.includes('ppl');
    const wantNeedle = r.probes.includes('needle');
    // Exact sample sizes for every probe asked for: deterministic, no clock. Otherwise a wall-clock budget.
    const exact = (!wantNeedle || r.needles !== undefined) && (!wantPpl || r.evalBytes !== undefined);
    const budgetMs = exact ? undefined : (options.budgetMs ?? r.budgetS * 1000);
    const evalBytes = r.evalBytes ?? Math.min(this.assets.evalText.length, Math.max(r.lengths[r.lengths.length - 1]!, LIVE_EVAL_TARGET));
    const needleCap = r.needles ?? needleSet.needles.length;
    const order = this.order.slice(0, needleCap);

    // One session runs one pass at a time: a warm-up under way ends after its current pass.
    this.stopWarmup();
    await this.warming;
    const sessionStart = this.now();
    // Every model the cells run on is loaded before the clock starts (the others only when a cell needs them).
    const models = [...new Map(cells.map((c) => [c.model.file, c.model])).values()];
    const hadSessions = models.every((m) => (m.file === BASE_MODEL_FILE ? this.session !== undefined : this.otherSessions.get(m.file)?.session !== undefined));
    const sessions = new Map<string, ModelSession>();
    for (const m of models) {
      const session = await this.getSession(m);
      // A RoPE method on a graph without rotary inputs (or the reverse) would silently measure something else.
      if ((session.rotary ?? true) !== m.rotary) {
        throw new PreviewError('model-corrupt', `${m.file} ${m.rotary ? 'takes no rotary tables, but its methods need them' : 'takes rotary tables, but it is a model without RoPE'}`);
      }
      sessions.set(m.file, session);
    }
    const sessionMs = hadSessions ? 0 : this.now() - sessionStart;
    // The budget counts from a loaded model: loading is a one-off per engine (reported as sessionMs; hosts warm()).
    const deadline = budgetMs === undefined ? Infinity : this.now() + budgetMs;
    let forwardPasses = 0;
    let forwardMs = 0;
    let maxForwardMs = 0;
    let outOfTime = false;
    /** One forward pass, or undefined when the budget is spent (checked before the pass, so a run overshoots its
     * budget by at most one pass). */
    const forward = async (cell: CellSpec, ids: Uint8Array): Promise<Float32Array | undefined> => {
      if (signal?.aborted) throw abortError();
      if (this.now() >= deadline) {
        outOfTime = true;
        return undefined;
      }
      const { cos, sin } = this.tables(cell.key, cell.tables, ids.length);
      const f0 = this.now();
      let logits: Float32Array;
      try {
        logits = await sessions.get(cell.model.file)!.forward({ ids, cos, sin, attentionFactor: cell.tables.attentionFactor });
      } catch (e) {
        if (isPreviewError(e)) throw e;
        throw new PreviewError('runtime', `forward pass at length ${ids.length} failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
      }
      const passMs = this.now() - f0;
      forwardMs += passMs;
      maxForwardMs = Math.max(maxForwardMs, passMs);
      forwardPasses++;
      if (logits.length !== ids.length * 256) throw new PreviewError('model-corrupt', `the model returned ${logits.length} logits for ${ids.length} bytes (expected ×256)`);
      return logits;
    };

    // Exact runs read shorter chunks from the longest pass any cell with the same tables needs at that start.
    const planned = new Map<string, number>();
    if (exact && wantPpl) {
      for (const c of cells) {
        if (c.window) continue;
        for (const st of chunkStarts(c.length, evalBytes)) {
          const k = `${c.key}@${st}`;
          planned.set(k, Math.max(planned.get(k) ?? 0, c.length));
        }
      }
    }
    const firstLength = cells.length > 0 ? cells[0]!.length : 0;
    const pplStore = new Map<string, StoreEntry<Float64Array>>();
    const needleStore = new Map<string, StoreEntry<NeedleScore>>();
    const windowStore = new Map<number, Float64Array>();
    const stride = Math.max(1, Math.floor(L0 / WINDOW_STRIDE_DIVISOR));

    /** NLLs of the window pass of L0 bytes at absolute text position a (predictions of bytes a+1 .. a+L0−1). */
    const windowPass = async (cell: CellSpec, a: number): Promise<Float64Array | undefined> => {
      const key = a % evalBytes;
      let v = windowStore.get(key);
      if (!v) {
        const ids = wrapped(this.assets.evalText, evalBytes, key, L0);
        const logits = await forward(cell, ids);
        if (!logits) return undefined;
        v = nllPerPosition(ids, logits);
        windowStore.set(key, v);
      }
      return v;
    };

    /** Per-position NLLs of the chunk at `start` for a cell (length L−1), or undefined when out of time. */
    const chunkNlls = async (st: CellState, start: number): Promise<Float64Array | undefined> => {
      const c = st.spec;
      const L = c.length;
      if (c.window) {
        const out = new Float64Array(L - 1);
        const head = await windowPass(c, start);
        if (!head) return undefined;
        out.set(head.subarray(0, L0 - 1), 0);
        // Byte p ≥ L0 of the chunk: from the pass of L0 bytes starting at a = (b+1)·stride, b = ⌊(p − L0)/stride⌋.
        for (let b = 0; L0 + b * stride < L; b++) {
          const a = (b + 1) * stride;
          const nll = await windowPass(c, start + a);
          if (!nll) return undefined;
          for (let p = L0 + b * stride; p < Math.min(L, L0 + (b + 1) * stride); p++) out[p - 1] = nll[p - 1 - a]!;
        }
        st.passes++;
        return out;
      }
      const k = `${c.key}@${start}`;
      let e = pplStore.get(k);
      if (!e || e.length < L) {
        const len = exact && L !== firstLength ? (planned.get(k) ?? L) : L;
        const ids = wrapped(this.assets.evalText, evalBytes, start, len);
        const logits = await forward(c, ids);
        if (!logits) return undefined;
        e = { value: nllPerPosition(ids, logits), length: len, by: c };
        pplStore.set(k, e);
        st.passes++;
      } else if (e.by !== c) st.reused ??= { by: e.by, prefix: e.length > L };
      return e.value.subarray(0, L - 1);
    };

    const needleScore = async (st: CellState, i: number): Promise<NeedleScore | undefined> => {
      const c = st.spec;
      const k = `${c.key}@${c.length}#${i}`;
      let e = needleStore.get(k);
      if (!e) {
        const prompt = buildNeedlePrompt(this.assets.evalText, needleSet, needleSet.needles[i]!, c.length);
        const logits = await forward(c, prompt);
        if (!logits) return undefined;
        e = { value: scoreNeedle(prompt, logits, needleSet.keyLength), length: c.length, by: c };
        needleStore.set(k, e);
        st.passes++;
      } else if (e.by !== c) st.reused ??= { by: e.by, prefix: false };
      return e.value;
    };

    const states: CellState[] = cells.map((spec) => ({
      spec,
      // The window baseline is perplexity only (it has no long-context retrieval by construction).
      ...freshSampling(wantPpl ? chunkStarts(spec.length, evalBytes) : [], wantNeedle && spec.method !== 'window' ? [...order] : []),
    }));

    const needleDone = (st: CellState): boolean => {
      if (st.needlesLeft.length === 0) return true;
      if (exact || st.outcomes.length < FIRST_NEEDLES) return false;
      const k = st.outcomes.filter((o) => o.correct).length;
      return wilsonHalfWidth(k, st.outcomes.length) <= TARGET_HALF_WIDTH;
    };
    const reached = (st: CellState): boolean => st.chunksLeft.length === 0 && needleDone(st);

    /** Adds up to `chunks` chunks and `needles` needle prompts to a cell; false when the budget ran out. */
    const advance = async (st: CellState, chunks: number, needles: number): Promise<boolean> => {
      const c0 = this.now();
      try {
        for (let j = 0; j < chunks && st.chunksLeft.length > 0; j++) {
          const start = st.chunksLeft[0]!;
          const nll = await chunkNlls(st, start);
          if (!nll) return false;
          st.chunksLeft.shift();
          let sum = 0;
          let beyond = 0;
          for (let t = 0; t < nll.length; t++) {
            sum += nll[t]!;
            if (t >= L0 - 1) beyond += nll[t]!;
          }
          st.sums.push(sum);
          st.counts.push(nll.length);
          if (nll.length > L0 - 1) {
            st.beyondSums.push(beyond);
            st.beyondCounts.push(nll.length - (L0 - 1));
          }
        }
        for (let j = 0; j < needles && !needleDone(st); j++) {
          const i = st.needlesLeft[0]!;
          const score = await needleScore(st, i);
          if (!score) return false;
          st.needlesLeft.shift();
          st.outcomes.push({ id: String(needleSet.needles[i]!.id), correct: score.exact });
          st.hits += score.hits;
          st.keyUnits += score.keyLength;
        }
        return true;
      } finally {
        st.ms += this.now() - c0;
        st.started = true;
      }
    };

    let firstResultMs = -1;
    const emit = (st: CellState): void => {
      if (firstResultMs < 0) firstResultMs = this.now() - t0;
      const done = states.filter((x) => x.started).length;
      const p: PreviewProgress = { cell: this.cellOf(st, wantPpl, wantNeedle), done, total: states.length, final: st.final, elapsedMs: this.now() - t0 };
      if (budgetMs !== undefined) p.budgetMs = budgetMs;
      onProgress?.(p);
    };

    // First answers in order (lengths ascending; exact runs take the whole sample here), then refinement rounds:
    // needles grow ~1.5× and perplexity gains about 1 KB of text per round.
    await runRounds(states, {
      exact,
      outOfTime: () => outOfTime,
      advance,
      refine: (st) => [Math.max(1, Math.floor(1024 / st.spec.length)), Math.max(2, Math.ceil(st.outcomes.length / 2))],
      reached,
      emit,
    });
    const results = states.map((st) => this.cellOf(st, wantPpl, wantNeedle));

    const notes = [
      ...policyNotes(r.policy, r.staticFactor, L0),
      ...modelNotes(r.methods),
      `ntk = static NTK-aware: base·s^(d/(d−2)); yarn: beta_fast 32, beta_slow 1, attention 0.1·ln(s)+1; llama3: low_freq_factor 1, high_freq_factor 4; original length L0 = ${L0}`,
      `window = baseline, not a scaling method: the unscaled model, each byte past L0 predicted from only the ${L0 - stride}–${L0 - 1} bytes before it (passes of ${L0} bytes, stride ${stride}); a method that beats it uses context past L0`,
      `perplexity: chunks of L bytes from the start of eval.txt (ceil(evalBytes/L) chunks, the last wrapping to the start); perplexityBeyondL0 averages only positions ≥ L0 of each chunk`,
      PERPLEXITY_INTERVAL_NOTE,
      budgetMs !== undefined
        ? `live sample sizes: needles added per cell until the Wilson half-width ≤ ${TARGET_HALF_WIDTH * 100} points, perplexity up to ${evalBytes} bytes, within a wall-clock budget of ${(budgetMs / 1000).toFixed(1)} s${outOfTime ? ' (spent: cells report the n they reached)' : ''}`
        : `exact sample sizes: ${wantNeedle ? `${order.length} needle prompts per cell` : ''}${wantNeedle && wantPpl ? ', ' : ''}${wantPpl ? `${evalBytes} eval bytes per cell` : ''}`,
    ];
    const needleN = (L: number): number => Math.min(...results.filter((c) => c.length === L && c.needles !== undefined).map((c) => c.needles!), Infinity);
    const result: PreviewResult = {
      model: {
        name: this.assets.name ?? 'ropelens-mini',
        originalLength: L0,
        headDim: this.mini.headDim,
        ropeTheta: this.mini.ropeTheta,
        evalBytes: wantPpl ? evalBytes : 0,
        evalWindows: wantPpl ? Math.ceil(evalBytes / r.lengths[0]!) : 0,
        needlesPerCell: wantNeedle ? Math.min(...r.lengths.map(needleN).map((n) => (Number.isFinite(n) ? n : 0))) : 0,
        needlesPerLength: wantNeedle ? r.lengths.map(needleN).map((n) => (Number.isFinite(n) ? n : 0)) : [],
        runtime: this.runtime.name,
      },
      originalLength: L0,
      factorPolicy: r.policy,
      methods: r.methods,
      lengths: r.lengths,
      probes: r.probes,
      results,
      timings: runTimings({ totalMs: this.now() - t0, firstResultMs, sessionMs, forwardPasses, forwardMs, maxForwardMs, outOfTime, budgetMs, results }),
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

  /** A cell's public figures from its samples. */
  private cellOf(st: CellState, wantPpl: boolean, wantNeedle: boolean): PreviewCell {
    const c = st.spec;
    const out: PreviewCell = {
      method: c.method,
      length: c.length,
      lengthMultiple: c.length / this.mini.originalLength,
      factor: c.tables.factor,
      attentionFactor: c.tables.attentionFactor,
      ms: st.passes === 0 ? 0 : round1(st.ms),
      source: 'live',
    };
    if (c.userTokens !== undefined) out.userTokens = c.userTokens;
    writeSampleFields(out, st, { ppl: wantPpl, beyond: c.length > this.mini.originalLength, needle: wantNeedle && c.method !== 'window' });
    if (st.passes === 0 && st.reused) {
      out.reusedFrom = { method: st.reused.by.method, length: st.reused.by.length, why: st.reused.prefix ? REUSE_PREFIX : REUSE_SAME };
    }
    return out;
  }
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
