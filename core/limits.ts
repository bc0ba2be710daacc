// Bounds on every size that comes from input (a file, a setting, a flag) before it sizes an array or a loop.
// One place, used by the rope math, the rules, the hover, the CLI and the server: a value past a bound is reported
// by name (rule `value-out-of-range`, a usage error) and never allocated.

/**
 * Largest head_dim / rotary dim computed per dimension. Real models rotate 32–512 dims (Gemma's global layers: 512);
 * 16,384 leaves room for anything plausible while keeping per-dimension arrays small.
 */
export const MAX_ROTARY_DIM = 16384;

/** Longest LongRoPE short_factor / long_factor list read (rotary_dim / 2 entries at most). */
export const MAX_FACTOR_LIST = MAX_ROTARY_DIM / 2;

/** Longest context or sequence length taken from a flag (2^30 tokens: no RoPE model is trained for more). */
export const MAX_CONTEXT_LENGTH = 1 << 30;

/** Most WebAssembly threads the preview starts (each is a worker with its own memory). */
export const MAX_THREADS = 32;

/** `ropelens.ignoredRules`: entries, characters per pattern, `*` runs and brace groups per path segment, path length matched. */
export const MAX_IGNORE_ENTRIES = 256;
export const MAX_GLOB_LENGTH = 512;
export const MAX_GLOB_STARS_PER_SEGMENT = 2;
/** `{a,b}` groups per path segment (alternatives backtrack like `*` runs). */
export const MAX_GLOB_BRACES_PER_SEGMENT = 2;
export const MAX_MATCHED_PATH_LENGTH = 4096;

/** 1280000000 → "1,280,000,000"; non-integers as written. */
export function formatLimitValue(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (!Number.isInteger(n)) return String(n);
  return n.toLocaleString('en-US');
}

/** The part of a rotary dim computation that came from the file, for messages. */
export interface RotaryDimSource {
  dim: number;
  headDim: number;
  partialRotaryFactor: number;
  source: 'qk_rope_head_dim' | 'head_dim' | 'hidden_size/num_attention_heads' | 'unknown';
}

/**
 * Why a rotary dim cannot be computed per dimension (a sentence naming the value and where it came from),
 * or undefined when it is within MAX_ROTARY_DIM (or unknown: the math then assumes a default).
 */
export function rotaryDimProblem(info: RotaryDimSource): string | undefined {
  const tooBig = (x: number): boolean => Number.isFinite(x) && Math.abs(x) > MAX_ROTARY_DIM;
  const limit = formatLimitValue(MAX_ROTARY_DIM);
  if (info.source === 'qk_rope_head_dim' && tooBig(info.dim)) {
    return `qk_rope_head_dim ${formatLimitValue(info.dim)} is above RoPE Lens's limit of ${limit} rotary dims`;
  }
  const from = info.source === 'head_dim' ? 'head_dim' : 'hidden_size/num_attention_heads';
  if (tooBig(info.headDim)) return `${from} ${formatLimitValue(info.headDim)} is above RoPE Lens's limit of ${limit} dims per head`;
  if (tooBig(info.dim) || (!Number.isFinite(info.dim) && Number.isFinite(info.headDim) && info.partialRotaryFactor !== 1)) {
    return `partial_rotary_factor ${formatLimitValue(info.partialRotaryFactor)} makes the rotary dim ${formatLimitValue(info.dim)} (${from} ${formatLimitValue(info.headDim)} × ${formatLimitValue(info.partialRotaryFactor)}), above RoPE Lens's limit of ${limit}`;
  }
  return undefined;
}

/** A flag value that must be a whole number from 1 to `max`: the number, or a one-line reason naming the value. */
export function boundedInt(text: string | undefined, flag: string, max: number): number | string {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < 1) return `${flag} needs a positive integer, got ${text ?? 'nothing'}`;
  const n = Number(text);
  if (n > max) return `${flag} ${text.length > 24 ? `${text.slice(0, 24)}…` : text} is above the limit of ${formatLimitValue(max)}`;
  return n;
}
