// Which keys each rope type takes in each transformers release (../shared/research/transformers-rope.md §2–§5),
// what every known key means (hover, completion, unknown-key rule), and did-you-mean suggestions.
import type { VersionFeatures } from './versions';
import { ownTable } from './format';

export interface KeySpec {
  /** Missing → transformers raises KeyError (unless `autoFilled`). */
  required: readonly string[];
  optional: readonly string[];
  /** Required keys the release fills in by itself (v5 standardize_rope_params): never raise. */
  autoFilled: readonly string[];
}

/** Every rope type any release knows, with what it does (hover and completion). */
export const ROPE_TYPE_DOCS: Record<string, string> = ownTable({
  default: 'Plain RoPE: inv_freq = 1 / base^(2i/d). No scaling.',
  linear: 'Position Interpolation: every frequency divided by `factor`. Context × factor; needs fine-tuning.',
  dynamic: 'Dynamic NTK: the base grows with the running sequence length past max_position_embeddings; no change below it.',
  yarn: 'YaRN: high frequencies kept, low frequencies divided by `factor`, a ramp in between (beta_fast/beta_slow), plus an attention temperature.',
  longrope: 'LongRoPE (Phi-3/Phi-3.5/Phi-4-mini): per-dimension short_factor/long_factor lists, long ones past original_max_position_embeddings.',
  llama3: 'Llama 3.1 scaling: wavelengths longer than omp/low_freq_factor divided by `factor`, shorter than omp/high_freq_factor kept, smooth in between.',
  // ledger: transformers.proportional
  proportional: 'transformers 5 only (Gemma-4 family): rotates part of the head (partial_rotary_factor) with frequencies over head_dim, divided by `factor`.',
});

/** Types that some model classes handle themselves (no generic validation/init function). */
export const MODEL_HANDLED_TYPES: Record<string, string> = ownTable({
  mrope: 'Qwen2-VL / Qwen2.5-VL multimodal RoPE (mrope_section); handled by the model class, not a context extension.',
});

/** Legacy or foreign names of rope types, with what they mean. */
export const LEGACY_TYPES: Record<string, string> = ownTable({
  su: 'longrope',
});

/** Every rope key transformers (any release) or a common engine reads, with a description. */
export const KEY_DOCS: Record<string, string> = ownTable({
  // ledger: transformers.rope-types
  rope_type: 'Which RoPE method: default, linear, dynamic, yarn, longrope, llama3 (transformers 5 adds proportional).',
  // ledger: transformers.type-key
  type: 'Legacy name of `rope_type` (before transformers 4.43). 4.43+ copies it to `rope_type`; some tools read only one of the two.',
  factor: 'Scaling factor: extended context / original context (float ≥ 1).',
  original_max_position_embeddings: 'The pre-scaling (native) context length the model was trained with.',
  attention_factor: 'YaRN/LongRoPE attention temperature multiplying cos/sin; computed from `factor` when absent (YaRN: 0.1·ln(factor)+1).',
  beta_fast: 'YaRN: dimensions rotating more than beta_fast times over the original context are kept (default 32).',
  beta_slow: 'YaRN: dimensions rotating fewer than beta_slow times are fully interpolated (default 1).',
  // ledger: transformers.yarn-keys
  mscale: 'YaRN (DeepSeek): attention factor = mscale(factor, mscale)/mscale(factor, mscale_all_dim) when both are set (transformers 4.51+).',
  mscale_all_dim: 'YaRN (DeepSeek): see mscale; ignored unless both mscale and mscale_all_dim are set.',
  // ledger: transformers.yarn-keys
  truncate: 'YaRN (gpt-oss): false keeps the correction range un-rounded (transformers 4.55+; default true).',
  short_factor: 'LongRoPE: per-dimension divisors used up to original_max_position_embeddings (rotary_dim/2 numbers).',
  long_factor: 'LongRoPE: per-dimension divisors used past original_max_position_embeddings (rotary_dim/2 numbers).',
  low_freq_factor: 'Llama 3: wavelengths longer than omp/low_freq_factor are divided by `factor` (Meta: 1.0).',
  high_freq_factor: 'Llama 3: wavelengths shorter than omp/high_freq_factor are kept (Meta: 4.0).',
  // ledger: transformers.v5-rope-parameters
  rope_theta: 'RoPE base. transformers 5 reads it inside `rope_parameters`; 4.x reads the top-level `rope_theta`.',
  // ledger: transformers.v5-rope-parameters
  partial_rotary_factor: 'Fraction of the head that is rotated. transformers 5 reads it inside `rope_parameters`; 4.x at the top level.',
  mrope_section: 'Qwen2-VL multimodal RoPE split (temporal, height, width); read by the model class, not by the rope validator.',
  // ledger: llama.cpp.finetuned-flag, transformers.received-keys
  finetuned: 'written by the NousResearch YaRN models; llama.cpp\'s legacy converter copied it to GGUF `rope.scaling.finetuned`, which the Llama graph does not read (Granite uses it to switch RoPE on); transformers ignores it.',
});

/** Keys whose values transformers 4.x wants as floats (it warns "must be a float" for ints). */
export const FLOAT_KEYS = new Set([
  'factor', 'attention_factor', 'beta_fast', 'beta_slow', 'low_freq_factor', 'high_freq_factor', 'mscale',
  'mscale_all_dim', 'rope_theta', 'partial_rotary_factor',
]);

/** Float-list keys (every element written as a float). */
export const FLOAT_LIST_KEYS = new Set(['short_factor', 'long_factor']);

/** Wrong names people write, and the key they meant. */
export const KEY_ALIASES: Record<string, string> = ownTable({
  attn_factor: 'attention_factor',
  attention_scaling: 'attention_factor',
  original_max_position: 'original_max_position_embeddings',
  original_max_positions: 'original_max_position_embeddings',
  original_max_position_embedding: 'original_max_position_embeddings',
  orig_max_position_embeddings: 'original_max_position_embeddings',
  original_context_length: 'original_max_position_embeddings',
  yarn_orig_ctx: 'original_max_position_embeddings',
  scaling_factor: 'factor',
  scale: 'factor',
  rope_scale: 'factor',
  rope_factor: 'factor',
  scaling_type: 'rope_type',
  rope_scaling_type: 'rope_type',
  name: 'type',
  base: 'rope_theta',
  theta: 'rope_theta',
  rope_base: 'rope_theta',
  low_freq: 'low_freq_factor',
  high_freq: 'high_freq_factor',
  beta_fast_factor: 'beta_fast',
  beta_slow_factor: 'beta_slow',
  short_factors: 'short_factor',
  long_factors: 'long_factor',
});

/** Keys only another engine reads (explained instead of "did you mean"). */
export const FOREIGN_KEYS: Record<string, string> = ownTable({
  // ledger: llama.cpp.finetuned-flag
  finetuned: "llama.cpp's legacy GGUF converter (and only Granite's graph acts on it)",
});

/** Keys harmless to transformers' validator in practice (model classes read them). */
export const MODEL_READ_KEYS = new Set(['mrope_section', 'mrope_interleaved']);

/** Required/optional keys of a rope type under a release (`type` is never reported, as in transformers). */
export function keySpec(ropeType: string, f: VersionFeatures): KeySpec | undefined {
  const v5 = f.blockKey === 'rope_parameters';
  const base = v5 ? ['rope_type', 'rope_theta'] : ['rope_type'];
  const extraOpt = v5 ? ['partial_rotary_factor'] : [];
  const auto = v5 ? ['rope_type', 'rope_theta'] : [];
  const omp = 'original_max_position_embeddings';
  switch (ropeType) {
    case 'default':
      if (!v5 && !f.ropeTypes.includes('default')) return undefined;
      return { required: base, optional: extraOpt, autoFilled: auto };
    case 'linear':
      return { required: [...base, 'factor'], optional: extraOpt, autoFilled: auto };
    case 'dynamic':
      return { required: [...base, 'factor'], optional: [...extraOpt, ...(f.dynamicAcceptsOriginal ? [omp] : [])], autoFilled: auto };
    case 'yarn':
      if (!f.ropeTypes.includes('yarn')) return undefined;
      if (v5) {
        return { required: [...base, 'factor', omp], optional: [...extraOpt, ...f.yarn.optionalKeys.filter((k) => k !== omp)], autoFilled: [...auto, omp] };
      }
      return { required: [...base, 'factor'], optional: f.yarn.optionalKeys, autoFilled: auto };
    case 'longrope':
      if (!f.ropeTypes.includes('longrope')) return undefined;
      if (v5) return { required: [...base, 'short_factor', 'long_factor', omp], optional: [...extraOpt, 'attention_factor', 'factor'], autoFilled: [...auto, omp] };
      return { required: [...base, 'short_factor', 'long_factor'], optional: ['attention_factor', 'factor', omp], autoFilled: auto };
    case 'llama3':
      if (!f.ropeTypes.includes('llama3')) return undefined;
      return {
        required: [...base, 'factor', omp, 'low_freq_factor', 'high_freq_factor'], optional: extraOpt,
        autoFilled: v5 ? [...auto, omp] : auto,
      };
    case 'proportional':
      if (!f.ropeTypes.includes('proportional')) return undefined;
      return { required: base, optional: [...extraOpt, 'factor'], autoFilled: auto };
    default:
      return undefined;
  }
}

/** Every key any release accepts for a rope type (for "known somewhere, not in this version"). */
export function keysAnyVersion(ropeType: string, table: readonly VersionFeatures[]): Set<string> {
  const s = new Set<string>();
  for (const f of table) {
    const spec = keySpec(ropeType, f);
    if (spec) for (const k of [...spec.required, ...spec.optional]) s.add(k);
  }
  return s;
}

export function levenshtein(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate within a distance that scales with the word, or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase().replace(/-/g, '_');
  let best: string | undefined;
  let bestD = Infinity;
  const max = Math.max(1, Math.min(3, Math.floor(w.length / 4)));
  for (const c of candidates) {
    if (c === w) return c;
    const d = levenshtein(w, c, max);
    if (d <= max && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** What a misspelled or foreign key most likely meant, among `known` (aliases first, then edit distance). */
export function didYouMean(key: string, known: Iterable<string>): string | undefined {
  const norm = key.toLowerCase().replace(/-/g, '_');
  const knownSet = new Set(known);
  const alias = KEY_ALIASES[norm];
  if (alias) return alias;
  if (knownSet.has(norm) && norm !== key) return norm;
  return closest(norm, knownSet);
}

/** What a misspelled rope type most likely meant. */
export function didYouMeanType(value: string, f: VersionFeatures): string | undefined {
  const norm = value.toLowerCase().replace(/[-\s]/g, '_');
  const aliases: Record<string, string> = {
    ntk: 'dynamic', dynamic_ntk: 'dynamic', ntk_aware: 'dynamic', linear_scaling: 'linear', pi: 'linear',
    llama_3: 'llama3', llama3_1: 'llama3', long_rope: 'longrope', yarn_scaling: 'yarn', deepseek_yarn: 'yarn',
    dynamic_yarn: 'yarn', ntk_by_parts: 'yarn', none: 'default',
  };
  if (aliases[norm]) return aliases[norm];
  const types = f.blockKey === 'rope_parameters' ? [...f.ropeTypes, 'default'] : f.ropeTypes;
  if (types.includes(norm)) return norm;
  return closest(norm, types);
}
