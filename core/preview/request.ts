// Request validation: methods, lengths, probes, policy and budget → a resolved request, or a PreviewError
// with one clear sentence.
import type { NeedleSet } from './probes/needle';
import type { MiniModelSpec } from './tables';
import {
  ALL_METHODS,
  ALL_PROBES,
  BASELINE_METHODS,
  BUILTIN_METHODS,
  PreviewError,
  type FactorPolicy,
  type LengthSpec,
  type PreviewMethod,
  type PreviewProbe,
  type PreviewRequest,
} from './types';

export const DEFAULT_LENGTH_MULTIPLES = [1, 2, 4, 8, 16];
/** Wall-clock seconds a budgeted run may take (measured while running; the run ends within it plus one pass). */
export const DEFAULT_BUDGET_S = 8;
/** Below this a budget leaves most cells without a first answer: refused. */
export const MIN_BUDGET_S = 0.5;
/** Attention is materialised (T² per head and layer): past 8192 bytes WebAssembly runs out of its 4 GB. */
export const MAX_LENGTH = 8192;
/** Perplexity may use all of eval.txt (needle fillers come from its second half: both are held-out text, and the
 * two probes score different things, so the overlap biases neither). */
export const MAX_EVAL_BYTES = 1 << 20;

export interface ResolvedRequest {
  methods: PreviewMethod[];
  /** Ascending, distinct, in bytes. */
  lengths: number[];
  probes: PreviewProbe[];
  policy: FactorPolicy;
  staticFactor: number;
  budgetS: number;
  /** False when the budget is the default (then the smallest sample sizes are used rather than an error). */
  budgetGiven: boolean;
  needles?: number;
  evalBytes?: number;
  /** Only these cells ("method@length"), when the request names them. */
  cells?: Set<string>;
}

/** A length spec → bytes: 300 or "300" = bytes, "4x" = 4 × L0. */
export function parseLength(spec: LengthSpec, L0: number): number {
  let value: number;
  if (typeof spec === 'number') value = spec;
  else {
    const s = spec.trim();
    const m = /^(\d+(?:\.\d+)?)\s*[x×]$/i.exec(s);
    if (m) value = Number(m[1]) * L0;
    else if (/^\d+$/.test(s)) value = Number(s);
    else throw new PreviewError('bad-length', `length "${spec}" is not a positive integer (bytes) or a multiple such as 4x`);
  }
  if (!Number.isInteger(value) || value <= 0) {
    throw new PreviewError('bad-length', `length ${JSON.stringify(spec)} is not a positive whole number of bytes`);
  }
  return value;
}

export function resolveRequest(req: PreviewRequest, mini: MiniModelSpec, needles: NeedleSet, evalTextBytes: number): ResolvedRequest {
  const L0 = mini.originalLength;
  const methods: PreviewMethod[] = req.methods && req.methods.length > 0 ? [] : [...BUILTIN_METHODS, ...BASELINE_METHODS, ...(req.yours ? (['yours'] as const) : [])];
  const known: readonly string[] = ALL_METHODS;
  for (const m of req.methods ?? []) {
    if (!known.includes(m)) {
      throw new PreviewError('bad-method', `unknown method "${m}" (expected ${known.join(', ')})`);
    }
    if (m === 'yours' && !req.yours) throw new PreviewError('bad-method', 'method "yours" needs a rope block (give a FILE or a block)');
    if (!methods.includes(m)) methods.push(m);
  }
  const probes: PreviewProbe[] = [];
  for (const p of req.probes && req.probes.length > 0 ? req.probes : ALL_PROBES) {
    if (!(ALL_PROBES as readonly string[]).includes(p)) throw new PreviewError('bad-probe', `unknown probe "${p}" (expected ppl, needle)`);
    if (!probes.includes(p)) probes.push(p);
  }
  const policy = req.factorPolicy ?? 'per-length';
  if (policy !== 'per-length' && policy !== 'static') {
    throw new PreviewError('bad-policy', `unknown factor policy "${String(policy)}" (expected per-length or static)`);
  }
  const specs = req.lengths && req.lengths.length > 0 ? req.lengths : DEFAULT_LENGTH_MULTIPLES.map((m) => m * L0);
  const lengths = [...new Set(specs.map((s) => parseLength(s, L0)))].sort((a, b) => a - b);
  const longest = lengths[lengths.length - 1]!;
  for (const L of lengths) {
    if (L > MAX_LENGTH) throw new PreviewError('bad-length', `length ${L} is above ${MAX_LENGTH} bytes (${MAX_LENGTH / L0} × L0), the most the mini-model can run in WebAssembly memory`);
    if (probes.includes('needle') && L < needles.minLength) {
      throw new PreviewError('bad-length', `length ${L} is shorter than a needle prompt (${needles.minLength} bytes); use --probe ppl or a longer length`);
    }
    if (probes.includes('ppl') && L < 2) throw new PreviewError('bad-length', 'perplexity needs lengths of at least 2 bytes');
  }
  if (probes.includes('ppl') && longest > Math.min(MAX_EVAL_BYTES, evalTextBytes)) {
    throw new PreviewError('bad-length', `length ${longest} is longer than the evaluation text (${Math.min(MAX_EVAL_BYTES, evalTextBytes)} bytes)`);
  }
  let staticFactor = req.staticFactor ?? Math.max(1, longest / L0);
  if (!(Number.isFinite(staticFactor) && staticFactor >= 1)) {
    throw new PreviewError('bad-policy', `static factor ${String(req.staticFactor)} must be a number ≥ 1`);
  }
  staticFactor = +staticFactor;
  const budgetS = req.budget ?? DEFAULT_BUDGET_S;
  if (typeof budgetS !== 'number' || !Number.isFinite(budgetS) || budgetS <= 0) {
    throw new PreviewError('budget-too-small', `budget ${String(req.budget)} must be a positive number of seconds`);
  }
  if (budgetS < MIN_BUDGET_S) throw new PreviewError('budget-too-small', `budget ${budgetS} s is too small: give at least ${MIN_BUDGET_S} s (wall clock)`);
  const out: ResolvedRequest = { methods, lengths, probes, policy, staticFactor, budgetS, budgetGiven: req.budget !== undefined };
  if (req.cells) out.cells = new Set(req.cells.map((c) => `${c.method}@${parseLength(c.length, L0)}`));
  if (req.needles !== undefined) {
    if (!Number.isInteger(req.needles) || req.needles < 1 || req.needles > needles.needles.length) {
      throw new PreviewError('budget-too-small', `needles per cell must be a whole number from 1 to ${needles.needles.length}`);
    }
    out.needles = req.needles;
  }
  if (req.evalBytes !== undefined) {
    const max = Math.min(MAX_EVAL_BYTES, evalTextBytes);
    if (!Number.isInteger(req.evalBytes) || req.evalBytes < longest || req.evalBytes > max) {
      throw new PreviewError('budget-too-small', `evaluation bytes must be a whole number from the longest length (${longest}) to ${max}`);
    }
    out.evalBytes = req.evalBytes;
  }
  return out;
}
