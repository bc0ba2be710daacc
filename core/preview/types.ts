// The preview's public shapes: what the CLI and the webview send (PreviewRequest), what streams back per
// (method, length) cell (PreviewCell), and the final JSON (PreviewResult). Pure data, no runtime imports.
import type { RopeFacts } from '../rope/index';

/**
 * Built-in scaling methods (mapped onto the mini-model by tables.ts), the baseline "window" (not a scaling method:
 * the same model, unscaled, each byte predicted from only a window of the L0 bytes before it; perplexity only),
 * "yours": the user's own block, and the methods with a model of their own (models.ts): the RoPE model fine-tuned at
 * 4×L0 ("+ft") and the sibling models with other position encodings (sinusoidal, ALiBi).
 */
export type PreviewMethod = 'none' | 'linear' | 'ntk' | 'dynamic' | 'yarn' | 'llama3' | 'window' | 'yours' | OtherEncoding | FinetunedMethod;
export type BuiltinMethod = 'none' | 'linear' | 'ntk' | 'dynamic' | 'yarn' | 'llama3';
/** The scaling methods (and "none"). */
export const BUILTIN_METHODS: readonly BuiltinMethod[] = ['none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3'];
/** Baselines: part of the default run, drawn as reference lines, never ranked as a scaling method. */
export const BASELINE_METHODS: readonly 'window'[] = ['window'];
export type OtherEncoding = 'sinusoidal' | 'alibi';
export type FinetunedMethod = 'linear+ft' | 'ntk+ft' | 'yarn+ft';
/** Sibling models with other position encodings (no factor). */
export const OTHER_ENCODINGS: readonly OtherEncoding[] = ['sinusoidal', 'alibi'];
/** The RoPE model fine-tuned at 4×L0 with a method, run with that method at its tuning factor. */
export const FINETUNED_METHODS: readonly FinetunedMethod[] = ['linear+ft', 'ntk+ft', 'yarn+ft'];
/** Methods with a model of their own (models.ts). */
export const MODEL_METHODS: readonly PreviewMethod[] = [...OTHER_ENCODINGS, ...FINETUNED_METHODS];
export const ALL_METHODS: readonly PreviewMethod[] = [...BUILTIN_METHODS, ...BASELINE_METHODS, ...MODEL_METHODS, 'yours'];

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
  /** Default: the six built-in methods and the window baseline, plus "yours" when `yours` is given (hosts add the
   * methods with a model of their own where the reference holds them: reference.ts defaultMethods). */
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
   * Wall-clock budget in seconds, measured while running (PreviewRunOptions.budgetMs overrides it): cells get a first
   * answer in order, then more needle prompts (until the Wilson half-width is ≤ 15 points) and eval chunks until the
   * budget is spent. The run ends within the budget plus one forward pass and reports the n each cell reached.
   * The clock starts once the model is loaded (loading is once per engine: timings.sessionMs). Default DEFAULT_BUDGET_S.
   */
  budget?: number;
  /** Exact sample sizes (override the budget; deterministic): needle prompts per cell at every length, the first
   * n of the needle order (probes/needle.ts needleOrder: spread over depths, ids stable) ... */
  needles?: number;
  /** ... and bytes of evaluation text cut into ceil(evalBytes / L) chunks of L (the last wraps to the text start). */
  evalBytes?: number;
  /** Only these cells of the methods × lengths grid (what the reference lacks); default all. */
  cells?: { method: PreviewMethod; length: number }[];
  yours?: YoursSpec;
}

/** Wilson score interval (95%) of k correct out of n. */
export interface NeedleCounts {
  correct: number;
  total: number;
  ci95: [number, number];
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
  /** needleAccuracy as counts, with the Wilson 95% interval (fractions 0..1). */
  needleCounts?: { correct: number; total: number; ci95: [number, number] };
  /** Each needle prompt's outcome (exact key retrieved), ids stable across methods and runs (pairable). */
  needleOutcomes?: { id: string; correct: boolean }[];
  /** 95% interval of the perplexity (method in the result notes: t interval of per-chunk mean NLL, exponentiated). */
  perplexityCi95?: [number, number];
  /** Perplexity over positions ≥ L0 of each chunk only (absent when length ≤ L0), with its interval. */
  perplexityBeyondL0?: number;
  perplexityBeyondL0Ci95?: [number, number];
  /** Chunks of L bytes the perplexity rests on. */
  evalChunks?: number;
  /** reference: read from the measurements shipped beside the model (no forward pass); live: measured now. */
  source: 'reference' | 'live';
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
  /** The wall-clock budget (ms) when sample sizes were not exact, and whether it ran out before every cell reached
   * its target (then each cell reports the n it reached). */
  budgetMs?: number;
  budgetSpent?: boolean;
  /** The longest single forward pass (ms): a budgeted run ends within budgetMs plus about this. */
  maxForwardMs?: number;
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
  /** Real-model sweeps (core/preview/sweep): the engine that ran ("llama.cpp", "onnx", "openai"). Then lengths,
   * perplexity and originalLength are in the model's tokens, not bytes. Absent for the bundled mini-model. */
  engine?: string;
}

export interface PreviewProgress {
  /** A cell's numbers so far. Under a budget a cell streams several times (first answer, then refinements): the
   * latest progress for a (method, length) replaces earlier ones. */
  cell: PreviewCell;
  /** Cells with at least a first answer, of all cells. */
  done: number;
  total: number;
  /** True when this cell will not change again in this run (its target reached, its samples exhausted, or the
   * budget spent). */
  final: boolean;
  /** Elapsed wall time since run() started (ms) and the budget (ms; absent for exact sample sizes). */
  elapsedMs: number;
  budgetMs?: number;
}

export interface PreviewRunOptions {
  onProgress?: (p: PreviewProgress) => void;
  /** Wall-clock budget (ms), measured while running; overrides request.budget. Ignored when request.needles and
   * request.evalBytes (the probes asked for) are both given: then sizes are exact. */
  budgetMs?: number;
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
