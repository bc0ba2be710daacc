// The preview's public shapes: what the CLI and the webview send (PreviewRequest), what streams back per
// (method, length) cell (PreviewCell), and the final JSON (PreviewResult). Pure data, no runtime imports.
import type { RopeFacts } from '../rope/index';

/** Built-in methods (mapped onto the mini-model by tables.ts) plus "yours": the user's own block. */
export type PreviewMethod = 'none' | 'linear' | 'ntk' | 'dynamic' | 'yarn' | 'llama3' | 'yours';
export const BUILTIN_METHODS: readonly Exclude<PreviewMethod, 'yours'>[] = ['none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3'];
export const ALL_METHODS: readonly PreviewMethod[] = [...BUILTIN_METHODS, 'yours'];

/** ppl: perplexity per byte on the held-out evaluation text; needle: exact-key retrieval accuracy. */
export type PreviewProbe = 'ppl' | 'needle';
export const ALL_PROBES: readonly PreviewProbe[] = ['ppl', 'needle'];

/**
 * per-length: each length L gets the smallest stretch it needs, s = max(1, L/L0) (the fair comparison, default).
 * static: one factor for the whole sweep (default: longest length / L0), what a static deployment does; it shows
 * the short-context cost.
 */
export type FactorPolicy = 'per-length' | 'static';

/**
 * A length: a positive integer = bytes (the mini-model's tokens); a string "4x" = a multiple of the model's
 * original context L0 (must give a whole number of bytes).
 */
export type LengthSpec = number | string;

/** The user's rope block, as plain values (from core/parse: RopeBlock.params + its context). */
export interface YoursSpec {
  /** rope_type / type as written ("yarn", "linear", "dynamic", "llama3", "longrope", "default", ...). */
  ropeType: string;
  /** The block's plain values (factor, beta_fast, original_max_position_embeddings, long_factor, ...). */
  params: Record<string, unknown>;
  /**
   * The user's original (pre-extension) context in tokens: original_max_position_embeddings, else
   * max_position_embeddings. Used only to report lengths as the user's token counts.
   */
  originalContext?: number;
  /** The user's model facts (max_position_embeddings, head_dim, model_type...), used to read the block as their
   * transformers would (factor defaults, Phi-3 rules) before mapping it onto the mini-model. */
  facts?: RopeFacts;
  /** Shown in tables and charts, e.g. "yarn ×4 (config.json /rope_scaling)". */
  label?: string;
}

export interface PreviewRequest {
  /** Default: the six built-in methods, plus "yours" when `yours` is given. */
  methods?: PreviewMethod[];
  /** Default: L0, 2, 4, 8, 16 × L0. */
  lengths?: LengthSpec[];
  /** Default: both. */
  probes?: PreviewProbe[];
  /** Default: per-length. */
  factorPolicy?: FactorPolicy;
  /** static policy only: the one factor used at every length (default: longest length / L0, at least 1). */
  staticFactor?: number;
  /**
   * Time budget in seconds, measured in single-thread WebAssembly time on a 2-core laptop-class CPU (a fixed cost
   * model, so the same request always scores the same samples). The engine picks the most needles per cell and eval
   * bytes that fit. Default DEFAULT_BUDGET_S. Too small for one needle per cell and one chunk per length → error.
   */
  budget?: number;
  /** Exact sample sizes (override the budget): needle prompts per cell at every length (≤ shipped needles),
   * spread evenly over the needle depths ... */
  needles?: number;
  /** ... and bytes of evaluation text cut into chunks of L (≥ the longest length). */
  evalBytes?: number;
  yours?: YoursSpec;
}

/** One (method, length) result. Streams to onProgress as soon as it is known. */
export interface PreviewCell {
  method: PreviewMethod;
  /** Bytes (= mini-model tokens). */
  length: number;
  /** length / L0. */
  lengthMultiple: number;
  /** "yours" only: the same multiple of the user's original context, in the user's tokens. */
  userTokens?: number;
  /** The scaling factor s applied at this length (1 = unscaled). */
  factor: number;
  /** The attention factor (temperature on q and k) the method uses at this length. */
  attentionFactor: number;
  /** Perplexity per byte on the evaluation text (exp of mean NLL, nats). */
  perplexity?: number;
  /** Fraction of needle prompts whose whole key is retrieved (every key byte is the argmax). */
  needleAccuracy?: number;
  /** Fraction of key bytes retrieved (teacher-forced argmax), a softer companion figure. */
  needleCharAccuracy?: number;
  /** Needle prompts scored in this cell (spread over the depths). */
  needles?: number;
  /** Wall time spent on this cell (0 when it was read from another cell's forward passes). */
  ms: number;
  /** Where the numbers came from when no forward pass of its own was needed. */
  reusedFrom?: { method: PreviewMethod; length: number; why: string };
}

export interface PreviewModelInfo {
  name: string;
  /** Training context of the mini-model (bytes). */
  originalLength: number;
  headDim: number;
  ropeTheta: number;
  layers?: number;
  parameters?: number;
  /** Evaluation text size (bytes) and windows per length actually scored. */
  evalBytes: number;
  evalWindows: number;
  /** Needle prompts scored per cell: the fewest over the lengths, and per length (same order as `lengths`).
   * Under a budget, short lengths score more needles than long ones (their passes are cheaper). */
  needlesPerCell: number;
  needlesPerLength: number[];
  runtime: string;
}

export interface PreviewTimings {
  totalMs: number;
  /** From the start of run() to the first onProgress call. */
  firstResultMs: number;
  /** Session creation (0 when the session was already warm). */
  sessionMs: number;
  forwardPasses: number;
  forwardMs: number;
  /** Forward passes saved by reading shorter lengths from prefixes or from equal cells. */
  reusedCells: number;
}

export interface PreviewResult {
  model: PreviewModelInfo;
  originalLength: number;
  factorPolicy: FactorPolicy;
  /** static policy: the factor every length used. */
  staticFactor?: number;
  methods: PreviewMethod[];
  lengths: number[];
  probes: PreviewProbe[];
  results: PreviewCell[];
  timings: PreviewTimings;
  yours?: { label: string; ropeType: string; originalContext?: number; notes: string[] };
  /** Plain-language notes: definitions used, mappings made, caveats. */
  notes: string[];
}

export interface PreviewProgress {
  cell: PreviewCell;
  done: number;
  total: number;
}

export interface PreviewRunOptions {
  onProgress?: (p: PreviewProgress) => void;
  /** Checked between forward passes: the run stops within one forward pass with PreviewError('cancelled'). */
  signal?: AbortSignal;
}

export type PreviewErrorCode =
  | 'model-missing'
  | 'model-corrupt'
  | 'assets-invalid'
  | 'bad-method'
  | 'bad-length'
  | 'bad-probe'
  | 'bad-policy'
  | 'budget-too-small'
  | 'inexpressible-block'
  | 'cancelled'
  | 'runtime';

/** Every expected failure of the preview: one clear sentence in `message`, a stable `code`. */
export class PreviewError extends Error {
  readonly code: PreviewErrorCode;
  constructor(code: PreviewErrorCode, message: string) {
    super(message);
    this.name = 'PreviewError';
    this.code = code;
  }
}

export function isPreviewError(e: unknown): e is PreviewError {
  return e instanceof PreviewError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'PreviewError');
}
