// The messages between the extension host and the preview webview, both directions, as discriminated unions
// on `t`, with validators: each side checks everything it receives (postMessage data is untrusted input).
import type { Dialect, ModelContext, RopeApi } from '../../core/model';
import type { FactorPolicy, LengthSpec, PreviewCell, PreviewMethod } from '../../core/preview/types';

export type { FactorPolicy, LengthSpec, PreviewCell };
export type MethodId = PreviewMethod;
export const METHOD_IDS: readonly MethodId[] = ['none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3', 'window', 'sinusoidal', 'alibi', 'linear+ft', 'ntk+ft', 'yarn+ft', 'yours'];
export const BACKENDS = ['auto', 'webgpu', 'wasm'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
export type BackendUsed = 'webgpu' | 'wasm';

/** A rope block as the webview needs it: plain data, no spans (the webview never edits text). */
export interface BlockInfo {
  /** Shown to the user: "config.json · /rope_scaling". */
  label: string;
  uri?: string;
  dialect: Dialect;
  path: string;
  api: RopeApi;
  key: string;
  params: Record<string, unknown>;
  context: ModelContext;
  layerType?: string;
}

/** What `ropelens.preview.run` (or the Run button) asks for; absent fields keep the view's current choices. */
export interface RunRequest {
  methods?: MethodId[];
  /** Bytes (mini-model tokens) or multiples of L0 written "4x". */
  lengths?: LengthSpec[];
  backend?: BackendChoice;
  factorPolicy?: FactorPolicy;
  /** Time budget in seconds (PreviewRequest.budget), or exact sample sizes (needles per cell, eval bytes). */
  budget?: number;
  needles?: number;
  evalBytes?: number;
  /**
   * Measure every cell live (the Re-measure button) instead of showing reference measurements where they exist.
   * Default: live when sample sizes or a budget are given (they describe a measurement), else only what the
   * reference lacks.
   */
  live?: boolean;
}

export interface RunSummary {
  backend: BackendUsed;
  /** Why the requested backend was not used (failed WebGPU start), if so. */
  fallbackReason?: string;
  /** The engine's runtime name, e.g. "onnxruntime-web wasm (1 thread)". */
  runtime: string;
  originalLength: number;
  /** The user's original context, for labelling lengths in their token counts. */
  userOriginalLength?: number;
  factorPolicy: FactorPolicy;
  staticFactor?: number;
  /** Every cell of the run's grid as shown: reference cells (source "reference") and live ones. */
  cells: PreviewCell[];
  /** The block the "Yours" cells were measured for (shown.ts blockKey) and its label: a different block under the
   * cursor marks them stale. */
  yoursKey?: string;
  yoursLabel?: string;
  /** Why reference measurements are (or are not) used. */
  referenceNote?: string;
  /** The engine's notes (method definitions, interval method). */
  notes?: string[];
  /** Wall-clock budget of the live part (ms), counted from the loaded model. */
  budgetMs?: number;
  /** Time spent loading the model before measuring (ms; absent or 0 when the session was warm). */
  loadMs?: number;
  cancelled: boolean;
  /** Set when the run failed (the message shown to the user). */
  error?: string;
  /** Wall time of the run in ms (model load included when it was not warm). */
  ms: number;
  firstResultMs?: number;
}

export type ToWebview =
  | { t: 'block'; block: BlockInfo | null }
  | { t: 'settings'; backend: BackendChoice; transformersVersion?: string; budget?: number }
  | { t: 'run'; request: RunRequest }
  | { t: 'cancel' };

export type FromWebview =
  | { t: 'ready' }
  | { t: 'status'; state: 'idle' | 'running' | 'done' | 'cancelled' | 'error'; message?: string }
  | { t: 'result'; summary: RunSummary };

// ---------- validation ----------

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isPair = (x: unknown): x is [number, number] => Array.isArray(x) && x.length === 2 && isNum(x[0]) && isNum(x[1]);
const oneOf = <T extends string>(xs: readonly T[], x: unknown): x is T => isStr(x) && (xs as readonly string[]).includes(x);

/** A reason string when `x` is not a BlockInfo. */
function blockProblem(x: unknown): string | undefined {
  if (!isObj(x)) return 'block is not an object';
  if (!isStr(x.label) || !isStr(x.path) || !isStr(x.key)) return 'block label/path/key must be strings';
  if (!oneOf(['json', 'python', 'yaml', 'shell'] as const, x.dialect)) return 'block dialect unknown';
  if (!oneOf(['v4', 'v5'] as const, x.api)) return 'block api unknown';
  if (!isObj(x.params) || !isObj(x.context)) return 'block params/context must be objects';
  if (x.uri !== undefined && !isStr(x.uri)) return 'block uri must be a string';
  if (x.layerType !== undefined && !isStr(x.layerType)) return 'block layerType must be a string';
  return undefined;
}

function requestProblem(x: unknown): string | undefined {
  if (!isObj(x)) return 'request is not an object';
  if (x.methods !== undefined && !(Array.isArray(x.methods) && x.methods.length > 0 && x.methods.every((m) => oneOf(METHOD_IDS, m))))
    return `methods must be a non-empty list of ${METHOD_IDS.join(', ')}`;
  if (
    x.lengths !== undefined &&
    !(Array.isArray(x.lengths) && x.lengths.length > 0 && x.lengths.length <= 16 &&
      x.lengths.every((l) => (isNum(l) && Number.isInteger(l) && l > 0) || (isStr(l) && /^\d+(\.\d+)?x$/.test(l))))
  )
    return 'lengths must be a non-empty list of positive integers (bytes) or multiples written like "4x"';
  if (x.budget !== undefined && !(isNum(x.budget) && x.budget > 0)) return 'budget must be a positive number of seconds';
  for (const k of ['needles', 'evalBytes'] as const)
    if (x[k] !== undefined && !(isNum(x[k]) && Number.isInteger(x[k]) && (x[k] as number) >= 1)) return `${k} must be a positive integer`;
  if (x.backend !== undefined && !oneOf(BACKENDS, x.backend)) return `backend must be one of ${BACKENDS.join(', ')}`;
  if (x.factorPolicy !== undefined && !oneOf(['per-length', 'static'] as const, x.factorPolicy)) return 'factorPolicy must be per-length or static';
  if (x.live !== undefined && typeof x.live !== 'boolean') return 'live must be a boolean';
  return undefined;
}

export type Checked<T> = { ok: true; msg: T } | { ok: false; error: string };

export function checkToWebview(x: unknown): Checked<ToWebview> {
  if (!isObj(x) || !isStr(x.t)) return { ok: false, error: 'message without a type' };
  switch (x.t) {
    case 'block': {
      const p = x.block === null ? undefined : blockProblem(x.block);
      return p ? { ok: false, error: p } : { ok: true, msg: { t: 'block', block: x.block as BlockInfo | null } };
    }
    case 'settings':
      if (!oneOf(BACKENDS, x.backend)) return { ok: false, error: 'settings.backend unknown' };
      if (x.transformersVersion !== undefined && !isStr(x.transformersVersion)) return { ok: false, error: 'settings.transformersVersion must be a string' };
      if (x.budget !== undefined && !(typeof x.budget === 'number' && Number.isFinite(x.budget) && x.budget > 0)) return { ok: false, error: 'settings.budget must be a positive number' };
      return { ok: true, msg: { t: 'settings', backend: x.backend, transformersVersion: x.transformersVersion as string | undefined, budget: x.budget as number | undefined } };
    case 'run': {
      const p = requestProblem(x.request ?? {});
      return p ? { ok: false, error: p } : { ok: true, msg: { t: 'run', request: (x.request ?? {}) as RunRequest } };
    }
    case 'cancel':
      return { ok: true, msg: { t: 'cancel' } };
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(x.t)}` };
  }
}

function cellProblem(x: unknown): string | undefined {
  if (!isObj(x)) return 'cell is not an object';
  if (!oneOf(METHOD_IDS, x.method)) return 'cell method unknown';
  if (!isNum(x.length) || !isNum(x.lengthMultiple) || !isNum(x.factor) || !isNum(x.attentionFactor) || !isNum(x.ms))
    return 'cell length/lengthMultiple/factor/attentionFactor/ms must be numbers';
  for (const k of ['perplexity', 'needleAccuracy', 'needleCharAccuracy', 'userTokens', 'perplexityBeyondL0', 'evalChunks', 'needles'] as const)
    if (x[k] !== undefined && !isNum(x[k])) return `cell ${k} must be a number when present`;
  for (const k of ['perplexityCi95', 'perplexityBeyondL0Ci95'] as const)
    if (x[k] !== undefined && !isPair(x[k])) return `cell ${k} must be a pair of numbers when present`;
  if (x.source !== undefined && !oneOf(['reference', 'live'] as const, x.source)) return 'cell source must be reference or live';
  if (x.needleCounts !== undefined) {
    const n = x.needleCounts;
    if (!isObj(n) || !isNum(n.correct) || !isNum(n.total) || !isPair(n.ci95)) return 'cell needleCounts must be {correct, total, ci95}';
  }
  return undefined;
}

export function checkFromWebview(x: unknown): Checked<FromWebview> {
  if (!isObj(x) || !isStr(x.t)) return { ok: false, error: 'message without a type' };
  switch (x.t) {
    case 'ready':
      return { ok: true, msg: { t: 'ready' } };
    case 'status':
      if (!oneOf(['idle', 'running', 'done', 'cancelled', 'error'] as const, x.state)) return { ok: false, error: 'status.state unknown' };
      if (x.message !== undefined && !isStr(x.message)) return { ok: false, error: 'status.message must be a string' };
      return { ok: true, msg: { t: 'status', state: x.state, message: x.message as string | undefined } };
    case 'result': {
      const s = x.summary;
      if (!isObj(s)) return { ok: false, error: 'result.summary is not an object' };
      if (!oneOf(['webgpu', 'wasm'] as const, s.backend)) return { ok: false, error: 'summary.backend unknown' };
      if (!isNum(s.originalLength) || !isNum(s.ms)) return { ok: false, error: 'summary.originalLength/ms must be numbers' };
      if (!isStr(s.runtime)) return { ok: false, error: 'summary.runtime must be a string' };
      if (s.error !== undefined && !isStr(s.error)) return { ok: false, error: 'summary.error must be a string' };
      if (typeof s.cancelled !== 'boolean') return { ok: false, error: 'summary.cancelled must be a boolean' };
      if (!oneOf(['per-length', 'static'] as const, s.factorPolicy)) return { ok: false, error: 'summary.factorPolicy unknown' };
      if (!Array.isArray(s.cells) || s.cells.length > 1000) return { ok: false, error: 'summary.cells must be a list' };
      for (const c of s.cells) {
        const p = cellProblem(c);
        if (p) return { ok: false, error: p };
      }
      return { ok: true, msg: { t: 'result', summary: s as unknown as RunSummary } };
    }
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(x.t)}` };
  }
}
