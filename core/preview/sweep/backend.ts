// The interface every preview engine implements (issue: preview a real model on a real engine). A backend scores
// token sequences under one rope configuration; the sweep (sweep/run.ts) turns those scores into perplexity and
// needle retrieval per (method, length) cell. Pure types: the onnx, llama.cpp and openai backends live in host/.

/** One method at one length, in the model's own terms (what the engine is told to run with). */
export interface RopeRun {
  /** Preview method name ("none", "linear", "ntk", "yarn", "dynamic", "llama3", "yours", ...). */
  method: string;
  /** The rope_scaling block in transformers' form (rope_type, factor, original_max_position_embeddings, beta_fast,
   * ...), `{}` for none. Engines translate it to their own flags (core/convert writes them). */
  block: Record<string, unknown>;
  /** rope_theta to run with (NTK-aware changes the base). */
  ropeTheta: number;
  /** Sequence length in the model's tokens this run is for (engines that fix context per run size it from this). */
  contextTokens: number;
}

/** Per-token scores of one sequence t[0..n-1]: entry i is about predicting t[i+1] from t[0..i] (n−1 entries). */
export interface TokenScores {
  /** −log p(t[i+1] | t[0..i]), natural log. */
  nll: Float64Array;
  /** 1 when t[i+1] was the model's most likely next token (greedy), else 0: needle retrieval is exact when every
   * key token is 1 (teacher-forced greedy). */
  top1: Uint8Array;
}

export interface ScoreOptions {
  /** Only the last `tail` entries will be read (a needle's key tokens): an engine may skip the others (leave nll NaN
   * and top1 0 there) when that saves work, as llama.cpp's per-token read-out does. Engines may ignore it. */
  tail?: number;
}

export interface ScoringBackend {
  /** Shown in results, e.g. "llama.cpp b6000 via node-llama-cpp 3.22.1 (CPU)". */
  readonly name: string;
  /** The model's original (trained) context in its tokens, from its config / GGUF header; undefined if unknown. */
  readonly originalContext: number | undefined;
  /** rope_theta of the model as shipped. */
  readonly ropeTheta: number;
  /** Rotary dimensions (head_dim, or the partial rotary width): static NTK-aware's new base depends on it
   * (base·s^(d/(d−2))). Undefined when unknown: then the sweep skips ntk with a note. */
  readonly headDim?: number | undefined;
  /** Why this engine cannot run a method at all (e.g. llama.cpp has no dynamic NTK), or undefined when it can. The
   * sweep skips such methods with the reason as a note instead of measuring something else under their name. */
  unsupported?(method: string): string | undefined;
  /** Text → the model's token ids (no BOS added: the sweep adds what bos() says). */
  tokenize(text: string): Promise<number[]>;
  /** The BOS token to start every sequence with, or undefined when the model uses none. */
  bos(): number | undefined;
  /** Prepares the engine for a run (loads weights with the run's rope settings, starts a server, ...). Called once
   * per distinct run before score(); may reject with a BackendError. */
  prepare(run: RopeRun): Promise<void>;
  /** Scores tokens under the prepared run. Rejects with a BackendError on engine faults (OOM at a length, server
   * died, endpoint without prompt log-probabilities). */
  score(tokens: readonly number[], run: RopeRun, signal?: AbortSignal, opts?: ScoreOptions): Promise<TokenScores>;
  /** Frees everything the backend started (sessions, contexts, child processes). Idempotent. */
  dispose(): Promise<void>;
}

export type BackendErrorCode =
  | 'not-installed'
  | 'model-unreadable'
  | 'unsupported-architecture'
  | 'unreachable'
  | 'no-prompt-logprobs'
  | 'out-of-memory'
  | 'not-ready'
  | 'died'
  | 'bad-response'
  | 'cancelled';

/** One clear line for the user; `code` lets hosts and tests tell faults apart. */
export class BackendError extends Error {
  constructor(
    readonly code: BackendErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}
