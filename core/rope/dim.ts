// Rotary dimension: how many dims of each head are rotated, as each transformers release computes it
// (../shared/research/transformers-rope.md §1). The rule differences live in VersionFeatures.
import type { ContextValue, RopeBlock } from '../model';
import type { VersionFeatures } from '../versions';

/** Plain model facts (numbers) the rope math needs; every field optional. */
export interface RopeFacts {
  /** config model_type ("phi3", "deepseek_v3", ...): a few types remap rope types. */
  modelType?: string;
  maxPositionEmbeddings?: number;
  /** Top-level rope_theta (v4 convention; v5 keeps it in the block). */
  ropeTheta?: number;
  hiddenSize?: number;
  numAttentionHeads?: number;
  /** `null` when the config writes `"head_dim": null` (falls back to hidden_size // num_attention_heads). */
  headDim?: number | null;
  /** Top-level partial_rotary_factor. */
  partialRotaryFactor?: number;
  /** DeepSeek-V2/V3: the rotary part of the head. */
  qkRopeHeadDim?: number;
  /** Top-level original_max_position_embeddings (Phi-3 convention). */
  originalMaxPositionEmbeddings?: number;
  /** Serving-engine context (vLLM --max-model-len, llama.cpp -c ...), when the dialect gives one. */
  servingContext?: number;
}

function num(v: ContextValue | undefined): number | undefined {
  if (!v) return undefined;
  const x = v.value;
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  return undefined;
}

/** The numeric facts of a block's ModelContext (non-numeric or absent values are left out). */
export function contextNumbers(block: Pick<RopeBlock, 'context'>): RopeFacts {
  const c = block.context;
  const facts: RopeFacts = {};
  if (typeof c.modelType?.value === 'string') facts.modelType = c.modelType.value;
  const set = <K extends keyof RopeFacts>(k: K, v: RopeFacts[K] | undefined): void => {
    if (v !== undefined) facts[k] = v;
  };
  set('maxPositionEmbeddings', num(c.maxPositionEmbeddings));
  set('ropeTheta', num(c.ropeTheta));
  set('hiddenSize', num(c.hiddenSize));
  set('numAttentionHeads', num(c.numAttentionHeads));
  set('headDim', c.headDim && c.headDim.value === null ? null : num(c.headDim));
  set('partialRotaryFactor', num(c.partialRotaryFactor));
  set('qkRopeHeadDim', num(c.qkRopeHeadDim));
  set('originalMaxPositionEmbeddings', num(c.originalMaxPositionEmbeddings));
  set('servingContext', num(c.servingContext));
  return facts;
}

function finite(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

export interface RopeDimInfo {
  /** Rotated dims (even); NaN when the facts are not enough to tell. */
  dim: number;
  /** The head dim the release uses (before partial_rotary_factor). */
  headDim: number;
  partialRotaryFactor: number;
  /** Where the numbers came from, for explanations. */
  source: 'qk_rope_head_dim' | 'head_dim' | 'hidden_size/num_attention_heads' | 'unknown';
}

/** Head dim the release uses: ≤4.44 hidden//heads; later head_dim, or hidden//heads when absent or null. */
export function headDimOf(facts: RopeFacts, features: VersionFeatures): { headDim: number; source: RopeDimInfo['source'] } {
  const hh =
    facts.hiddenSize !== undefined && facts.numAttentionHeads !== undefined && facts.numAttentionHeads > 0
      ? Math.floor(facts.hiddenSize / facts.numAttentionHeads)
      : undefined;
  if (features.headDimRule === 'head-dim' && typeof facts.headDim === 'number') return { headDim: facts.headDim, source: 'head_dim' };
  if (hh !== undefined) return { headDim: hh, source: 'hidden_size/num_attention_heads' };
  // ≤4.44 with head_dim only: the release would fail; head_dim is still the best guess for the rotated size.
  if (typeof facts.headDim === 'number') return { headDim: facts.headDim, source: 'head_dim' };
  return { headDim: NaN, source: 'unknown' };
}

/** partial_rotary_factor as the release reads it: top level in 4.x, the block in 5.x (which copies a top-level one in). */
export function partialRotaryOf(facts: RopeFacts, params: Record<string, unknown>, features: VersionFeatures): number {
  const block = finite(params['partial_rotary_factor']);
  if (features.partialRotarySource === 'block') return block ?? facts.partialRotaryFactor ?? 1.0;
  return facts.partialRotaryFactor ?? 1.0;
}

export function ropeDimInfo(facts: RopeFacts, params: Record<string, unknown>, features: VersionFeatures): RopeDimInfo {
  if (facts.qkRopeHeadDim !== undefined && facts.qkRopeHeadDim > 0) {
    return { dim: facts.qkRopeHeadDim, headDim: facts.qkRopeHeadDim, partialRotaryFactor: 1.0, source: 'qk_rope_head_dim' };
  }
  const { headDim, source } = headDimOf(facts, features);
  const prf = partialRotaryOf(facts, params, features);
  // Python: int(head_dim * partial_rotary_factor) truncates toward zero.
  const dim = Number.isFinite(headDim) ? Math.trunc(headDim * prf) : NaN;
  return { dim, headDim, partialRotaryFactor: prf, source };
}

/**
 * Rotary dim d (number of rotated dims; there are d/2 frequencies) for a block under a transformers release.
 * `facts`: plain numbers (see contextNumbers); `params`: the block's plain values; NaN when not determinable.
 */
export function ropeDim(facts: RopeFacts, params: Record<string, unknown>, features: VersionFeatures): number {
  return ropeDimInfo(facts, params, features).dim;
}

/**
 * RopeFacts straight from a config.json object (top level; no text_config descent), for callers that hold a plain
 * config rather than a parsed document (tests, the preview).
 */
export function factsFromConfig(config: Record<string, unknown>): RopeFacts {
  const n = (k: string): number | undefined => finite(config[k]);
  const facts: RopeFacts = {};
  const pairs: [keyof RopeFacts, string][] = [
    ['maxPositionEmbeddings', 'max_position_embeddings'], ['ropeTheta', 'rope_theta'], ['hiddenSize', 'hidden_size'],
    ['numAttentionHeads', 'num_attention_heads'], ['partialRotaryFactor', 'partial_rotary_factor'],
    ['qkRopeHeadDim', 'qk_rope_head_dim'], ['originalMaxPositionEmbeddings', 'original_max_position_embeddings'],
  ];
  for (const [f, k] of pairs) {
    const v = n(k);
    if (v !== undefined) (facts as Record<string, number>)[f] = v;
  }
  if (config['head_dim'] === null) facts.headDim = null;
  else if (n('head_dim') !== undefined) facts.headDim = n('head_dim')!;
  if (typeof config['model_type'] === 'string') facts.modelType = config['model_type'];
  return facts;
}
