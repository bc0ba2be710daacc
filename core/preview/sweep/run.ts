// The real-model sweep: methods × lengths on any ScoringBackend (onnx, llama.cpp, openai), perplexity on chunks of
// the shipped eval text and needle retrieval on prompts built from the shipped needles, both in the model's tokens.
// Results are the mini-model preview's shapes (PreviewCell / PreviewResult), so the CLI's text and JSON are reused.
// Sample sizes are exact when given (tests, cross-checks); otherwise a wall-clock budget sizes them as the mini-model
// engine does: every cell gets a first answer, then rounds add needles (until the Wilson half-width is ≤ 15 points)
// and eval chunks until the budget is spent. Runs that compute the same thing (same block and theta at the same
// length: every method at L0) are scored once. Pure: the engines live in host/engines.
import { extendNeedles, NEEDLE_COUNT, needleOrder, type NeedleSet } from '../probes/needle';
import { PERPLEXITY_INTERVAL_NOTE, TARGET_HALF_WIDTH, wilsonHalfWidth } from '../stats';
import { freshSampling, writeSampleFields, type SamplingState } from '../cell-samples';
import { FIRST_NEEDLES, round1, runRounds, runTimings } from '../rounds';
import { PreviewError, type BuiltinMethod, type PreviewCell, type PreviewProbe, type PreviewProgress, type PreviewResult, ALL_PROBES } from '../types';
import { BackendError, type RopeRun, type ScoringBackend, type TokenScores } from './backend';
import { ropeRun, runKey, sweepLengths, sweepMethods } from './plan';
import { evalChunk, needleOverhead, needlePrompt, tokenChunkStarts, type TokenTexts } from './prompts';

/** Default wall-clock budget of a real-model sweep (seconds, from a loaded engine). */
export const DEFAULT_SWEEP_BUDGET_S = 120;
/** Under a budget, perplexity aims for this many eval tokens per cell (or the whole text when shorter). */
export const SWEEP_EVAL_TARGET = 16384;

export interface SweepAssets {
  /** media/model/eval.txt as bytes. */
  evalText: Uint8Array;
  /** media/model/needles.json, parsed. */
  needles: NeedleSet;
}

export interface SweepOptions {
  methods?: readonly string[] | undefined;
  /** Token counts ("4096"), thousands ("8k"), multiples of L0 ("2x"). Default 1, 2, 4 × L0. */
  lengths?: readonly string[] | undefined;
  probes?: readonly PreviewProbe[] | undefined;
  /** Wall-clock seconds; ignored when the sample sizes of the probes asked for are exact. */
  budgetS?: number | undefined;
  /** Exact needle prompts per cell (the first n of the needle order). */
  needles?: number | undefined;
  /** Exact eval tokens per cell, cut into chunks of L tokens (the last wraps to the text start). */
  evalTokens?: number | undefined;
  /** The model's original context when the backend does not know it. */
  originalContext?: number | undefined;
  /** The rotary dimension when the backend does not know it (static NTK-aware needs it). */
  headDim?: number | undefined;
  /** Shown as the result's engine ("llama.cpp", "onnx", "openai"). */
  engine?: string | undefined;
  /** Shown as the model's name. */
  modelName?: string | undefined;
}

export interface SweepHooks {
  onProgress?(p: PreviewProgress): void;
  /** A cell's final figures (once per cell). */
  onCell?(c: PreviewCell): void;
  signal?: AbortSignal | undefined;
  now?: () => number;
}

/** One (method, length) cell of the sweep and its samples (keyUnits: key tokens scored). */
interface Cell extends SamplingState {
  method: BuiltinMethod;
  length: number;
  run: RopeRun;
  key: string;
}

function cancelled(): PreviewError {
  return new PreviewError('cancelled', 'preview cancelled');
}

/** The attention factor a run's block implies (YaRN's default 0.1·ln s + 1; 1 otherwise), for the cell's record. */
function attentionFactorOf(run: RopeRun): number {
  const f = Number(run.block['factor']);
  if (run.block['rope_type'] === 'yarn' && f > 1) return 0.1 * Math.log(f) + 1;
  return 1;
}

export async function runSweep(backend: ScoringBackend, assets: SweepAssets, opts: SweepOptions = {}, hooks: SweepHooks = {}): Promise<PreviewResult> {
  const now = hooks.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  const t0 = now();
  const { signal } = hooks;
  if (signal?.aborted) throw cancelled();
  const L0 = opts.originalContext ?? backend.originalContext;
  if (L0 === undefined || !(L0 > 0)) {
    throw new PreviewError('bad-length', 'the model does not state its original context (L0): the methods need it; give it with --original-context (the original_max_position_embeddings, else max_position_embeddings, of its config.json)');
  }
  const lengths = sweepLengths(opts.lengths, L0);
  const probes: PreviewProbe[] = opts.probes && opts.probes.length > 0 ? [...new Set(opts.probes)] : [...ALL_PROBES];
  for (const p of probes) if (!(ALL_PROBES as readonly string[]).includes(p)) throw new PreviewError('bad-probe', `unknown probe "${p}" (expected ppl, needle)`);
  const wantPpl = probes.includes('ppl');
  const wantNeedle = probes.includes('needle');
  const notes: string[] = [];
  const methods: BuiltinMethod[] = [];
  for (const m of sweepMethods(opts.methods)) {
    const why = backend.unsupported?.(m);
    if (why !== undefined) notes.push(`${m} skipped: ${why}`);
    else methods.push(m);
  }

  // Texts in the model's tokens (once per sweep).
  const text = new TextDecoder().decode(assets.evalText);
  const bos = backend.bos();
  const texts: TokenTexts = {
    evalTokens: await backend.tokenize(text),
    evalBytes: assets.evalText.length,
    prefix: await backend.tokenize(assets.needles.needlePrefix),
    suffix: await backend.tokenize(assets.needles.needleSuffix),
    query: await backend.tokenize(assets.needles.query),
    bos,
  };
  if (texts.evalTokens.length < 2) throw new BackendError('bad-response', 'the engine tokenized the eval text to fewer than 2 tokens');
  const needleSet = extendNeedles(assets.needles, NEEDLE_COUNT, assets.evalText);
  const order = needleOrder(needleSet, assets.needles.needles.length).slice(0, opts.needles ?? needleSet.needles.length);
  if (opts.needles !== undefined && !(Number.isInteger(opts.needles) && opts.needles >= 1 && opts.needles <= needleSet.needles.length)) {
    throw new PreviewError('budget-too-small', `needles per cell must be a whole number from 1 to ${needleSet.needles.length}`);
  }
  const keyCache = new Map<number, number[]>();
  const keyOf = async (i: number): Promise<number[]> => {
    let k = keyCache.get(i);
    if (!k) keyCache.set(i, (k = await backend.tokenize(needleSet.needles[i]!.key)));
    return k;
  };
  const bodyTokens = texts.evalTokens.length;
  for (const L of lengths) {
    if (wantPpl && L - (bos !== undefined ? 1 : 0) > bodyTokens) {
      throw new PreviewError('bad-length', `length ${L} is longer than the eval text in this model's tokens (${bodyTokens}); use --probe needle or a shorter length`);
    }
    if (wantNeedle && order.length > 0) {
      const need = needleOverhead(texts, (await keyOf(order[0]!)).length);
      if (L < need) throw new PreviewError('bad-length', `length ${L} is shorter than a needle prompt (${need} tokens); use --probe ppl or a longer length`);
    }
  }
  const evalTokensWanted = opts.evalTokens;
  if (evalTokensWanted !== undefined && !(Number.isInteger(evalTokensWanted) && evalTokensWanted >= 1)) {
    throw new PreviewError('budget-too-small', 'eval tokens per cell must be a positive whole number');
  }
  const exact = (!wantNeedle || opts.needles !== undefined) && (!wantPpl || evalTokensWanted !== undefined);
  const budgetS = opts.budgetS ?? DEFAULT_SWEEP_BUDGET_S;
  if (!exact && !(Number.isFinite(budgetS) && budgetS > 0)) throw new PreviewError('budget-too-small', `budget ${String(opts.budgetS)} must be a positive number of seconds`);
  const budgetMs = exact ? undefined : budgetS * 1000;

  const headDim = backend.headDim ?? opts.headDim;
  const model = { originalContext: L0, ropeTheta: backend.ropeTheta, headDim };
  const cells: Cell[] = [];
  // Lengths outer, as the mini-model preview: under a budget every method gets a first answer at a length before any
  // method moves on (at L0 all methods are one run).
  for (const L of lengths) {
    for (const m of methods) {
      const run = ropeRun(m, L, model);
      if (typeof run === 'string') {
        if (!notes.some((n) => n.startsWith(`${m} skipped`))) notes.push(`${m} skipped: ${run}`);
        continue;
      }
      const perChunk = L - (bos !== undefined ? 1 : 0);
      const target = evalTokensWanted ?? Math.min(bodyTokens, Math.max(perChunk, SWEEP_EVAL_TARGET));
      cells.push({
        method: m,
        length: L,
        run,
        key: `${runKey(run)}@${L}`,
        ...freshSampling(wantPpl ? tokenChunkStarts(L, target, bos !== undefined) : [], wantNeedle ? [...order] : []),
      });
    }
  }
  const shownMethods = methods.filter((m) => cells.some((c) => c.method === m));

  const deadline = budgetMs === undefined ? Infinity : now() + budgetMs;
  let outOfTime = false;
  let prepared: string | undefined;
  let forwardPasses = 0;
  let forwardMs = 0;
  let maxForwardMs = 0;
  const store = new Map<string, TokenScores>();

  /** Scores one sequence under a cell's run (shared across cells with the same run and length), or undefined when
   * the budget is spent (checked before each pass: a run overshoots by at most one pass). */
  const score = async (c: Cell, what: string, tokens: () => Promise<number[]>, tail?: number): Promise<TokenScores | undefined> => {
    if (signal?.aborted) throw cancelled();
    const k = `${c.key}#${what}`;
    const hit = store.get(k);
    if (hit) return hit;
    if (now() >= deadline) {
      outOfTime = true;
      return undefined;
    }
    const ids = await tokens();
    const pk = `${runKey(c.run)}@${c.run.contextTokens}`;
    if (prepared !== pk) {
      prepared = undefined;
      await backend.prepare(c.run);
      prepared = pk;
    }
    if (signal?.aborted) throw cancelled();
    const f0 = now();
    const s = await backend.score(ids, c.run, signal, tail !== undefined ? { tail } : undefined);
    const ms = now() - f0;
    if (signal?.aborted) throw cancelled();
    if (s.nll.length !== ids.length - 1 || s.top1.length !== ids.length - 1) {
      throw new BackendError('bad-response', `the engine returned ${s.nll.length} scores for ${ids.length} tokens (expected ${ids.length - 1})`);
    }
    forwardPasses++;
    forwardMs += ms;
    maxForwardMs = Math.max(maxForwardMs, ms);
    c.passes++;
    store.set(k, s);
    return s;
  };

  const needleDone = (c: Cell): boolean => {
    if (c.needlesLeft.length === 0) return true;
    if (exact || c.outcomes.length < FIRST_NEEDLES) return false;
    return wilsonHalfWidth(c.outcomes.filter((o) => o.correct).length, c.outcomes.length) <= TARGET_HALF_WIDTH;
  };
  const reached = (c: Cell): boolean => c.chunksLeft.length === 0 && needleDone(c);

  const advance = async (c: Cell, chunks: number, needles: number): Promise<boolean> => {
    const c0 = now();
    try {
      for (let j = 0; j < chunks && c.chunksLeft.length > 0; j++) {
        const start = c.chunksLeft[0]!;
        const s = await score(c, `c${start}`, async () => evalChunk(texts, start, c.length));
        if (!s) return false;
        c.chunksLeft.shift();
        let sum = 0;
        let beyond = 0;
        for (let t = 0; t < s.nll.length; t++) {
          sum += s.nll[t]!;
          if (t >= L0 - 1) beyond += s.nll[t]!;
        }
        c.sums.push(sum);
        c.counts.push(s.nll.length);
        if (s.nll.length > L0 - 1) {
          c.beyondSums.push(beyond);
          c.beyondCounts.push(s.nll.length - (L0 - 1));
        }
      }
      for (let j = 0; j < needles && !needleDone(c); j++) {
        const i = c.needlesLeft[0]!;
        const key = await keyOf(i);
        const s = await score(c, `n${i}`, async () => needlePrompt(texts, needleSet.needles[i]!, key, c.length), key.length);
        if (!s) return false;
        c.needlesLeft.shift();
        // Teacher-forced greedy: entries n−k−1 .. n−2 predict the k key tokens that end the prompt.
        const n = s.top1.length + 1;
        let hits = 0;
        for (let t = n - key.length - 1; t <= n - 2; t++) hits += s.top1[t]!;
        c.outcomes.push({ id: String(needleSet.needles[i]!.id), correct: hits === key.length });
        c.hits += hits;
        c.keyUnits += key.length;
      }
      return true;
    } finally {
      c.ms += now() - c0;
      c.started = true;
    }
  };

  const cellOf = (c: Cell): PreviewCell => {
    const factor = Number(c.run.block['factor'] ?? 1);
    const out: PreviewCell = {
      method: c.method,
      length: c.length,
      lengthMultiple: c.length / L0,
      factor: c.method === 'ntk' ? Math.max(1, c.length / L0) : Number.isFinite(factor) ? factor : 1,
      attentionFactor: attentionFactorOf(c.run),
      source: 'live',
      ms: round1(c.ms),
    };
    writeSampleFields(out, c, { ppl: wantPpl, beyond: c.length > L0, needle: wantNeedle });
    if (c.passes === 0 && c.started) {
      const by = cells.find((o) => o !== c && o.key === c.key && o.passes > 0);
      if (by) out.reusedFrom = { method: by.method, length: by.length, why: 'the same rope block and theta at this length (same computation)' };
    }
    return out;
  };

  let firstResultMs = -1;
  const emit = (c: Cell): void => {
    if (firstResultMs < 0) firstResultMs = now() - t0;
    const p: PreviewProgress = { cell: cellOf(c), done: cells.filter((x) => x.started).length, total: cells.length, final: c.final, elapsedMs: now() - t0 };
    if (budgetMs !== undefined) p.budgetMs = budgetMs;
    hooks.onProgress?.(p);
    if (c.final) hooks.onCell?.(p.cell);
  };

  await runRounds(cells, {
    exact,
    outOfTime: () => outOfTime,
    advance,
    refine: (c) => [1, Math.max(2, Math.ceil(c.outcomes.length / 2))],
    reached,
    emit,
  });
  const results = cells.map(cellOf);

  notes.push(
    `per-length factor s = L/L0 with L0 = ${L0} tokens (the model's original context); ntk = static NTK-aware (rope_theta·s^(d/(d−2)), no block); yarn: beta_fast 32, beta_slow 1, attention 0.1·ln(s)+1; lengths and perplexity are in the model's tokens`,
    `perplexity per token: chunks of L tokens of the shipped eval text (${bos !== undefined ? 'BOS first, ' : ''}the last wrapping to the start); needles: prompts of exactly L tokens from the shipped needle strings, correct when every key token is the top-1 prediction under teacher forcing`,
    PERPLEXITY_INTERVAL_NOTE.replace('chunks of L bytes', 'chunks of L tokens'),
    budgetMs !== undefined
      ? `live sample sizes: needles added per cell until the Wilson half-width ≤ ${TARGET_HALF_WIDTH * 100} points, perplexity up to ${SWEEP_EVAL_TARGET} eval tokens, within a wall-clock budget of ${budgetS} s${outOfTime ? ' (spent: cells report the n they reached)' : ''}`
      : `exact sample sizes: ${[wantNeedle ? `${order.length} needle prompts per cell` : '', wantPpl ? `${evalTokensWanted} eval tokens per cell` : ''].filter(Boolean).join(', ')}`,
  );
  const needleN = (L: number): number => Math.min(...results.filter((c) => c.length === L && c.needles !== undefined).map((c) => c.needles!), Infinity);
  const perLength = wantNeedle ? lengths.map(needleN).map((n) => (Number.isFinite(n) ? n : 0)) : [];
  const result: PreviewResult = {
    model: {
      name: opts.modelName ?? backend.name,
      originalLength: L0,
      headDim: headDim ?? 0,
      ropeTheta: backend.ropeTheta,
      evalBytes: wantPpl ? bodyTokens : 0,
      evalWindows: wantPpl ? results.reduce((a, c) => Math.max(a, c.evalChunks ?? 0), 0) : 0,
      needlesPerCell: perLength.length > 0 ? Math.min(...perLength) : 0,
      needlesPerLength: perLength,
      runtime: backend.name,
    },
    originalLength: L0,
    factorPolicy: 'per-length',
    methods: shownMethods,
    lengths,
    probes,
    results,
    timings: runTimings({ totalMs: now() - t0, firstResultMs, sessionMs: 0, forwardPasses, forwardMs, maxForwardMs, outOfTime, budgetMs, results }),
    notes,
    engine: opts.engine ?? backend.name,
  };
  return result;
}
