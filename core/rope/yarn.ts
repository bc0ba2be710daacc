// YaRN (Peng et al.): keep high-frequency dims, divide low-frequency dims by `factor`, linear ramp in between,
// and scale attention by mscale. Version rules (which length/factor are used, mscale, truncate) come from
// VersionFeatures.yarn; the float32 steps follow transformers' torch code.
import { f32, posFreqs } from './default';
import { numberParam, type MethodInput, type MethodResult } from './types';

/** get_mscale(s, m) = 1 if s <= 1 else 0.1·m·ln(s) + 1. */
export function getMscale(scale: number, mscale = 1): number {
  return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
}

/** Frequency index whose wavelength makes `rotations` turns over `length` positions (may be fractional). */
export function findCorrectionDim(rotations: number, dim: number, base: number, length: number): number {
  return (dim * Math.log(length / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
}

export function findCorrectionRange(
  betaFast: number, betaSlow: number, dim: number, base: number, length: number, truncate: boolean,
): { low: number; high: number } {
  let low = findCorrectionDim(betaFast, dim, base, length);
  let high = findCorrectionDim(betaSlow, dim, base, length);
  if (truncate) {
    low = Math.floor(low);
    high = Math.ceil(high);
  }
  return { low: Math.max(low, 0), high: Math.min(high, dim - 1) };
}

/** clamp((j − low)/(high − low), 0, 1) for j < count, float32 like torch. */
export function linearRamp(low: number, high: number, count: number): number[] {
  if (low === high) high += 0.001;
  const lo = f32(low);
  const span = f32(high - low);
  const out: number[] = [];
  for (let j = 0; j < count; j++) out.push(Math.min(1, Math.max(0, f32(f32(j - lo) / span))));
  return out;
}

/** The factor and original length a release uses for a YaRN block, with the notes explaining any rule. */
export function yarnScale(input: MethodInput): { factor: number; original: number; notes: string[]; error?: string } {
  const { params, facts, features } = input;
  const notes: string[] = [];
  const mpe = facts.maxPositionEmbeddings;
  const rule = features.yarn.factorRule;
  let blockOmp = numberParam(params, 'original_max_position_embeddings');
  if (features.originalFromTopLevel && facts.originalMaxPositionEmbeddings !== undefined) blockOmp = facts.originalMaxPositionEmbeddings;
  let factor = numberParam(params, 'factor');
  let original: number | undefined;
  let error: string | undefined;
  if (features.yarn.originalLength === 'mpe') {
    original = mpe;
    if (blockOmp !== undefined) notes.push('this release ignores original_max_position_embeddings in the block: the correction range uses max_position_embeddings');
  } else {
    original = blockOmp ?? mpe;
    if (rule === 'implicit-override' && blockOmp !== undefined && mpe !== undefined) {
      const implicit = mpe / blockOmp;
      if (factor !== implicit) notes.push(`this release replaces factor ${factor ?? '(none)'} with max_position_embeddings / original_max_position_embeddings = ${fmt(implicit)}`);
      factor = implicit;
    }
    if (rule === 'explicit-v5' && factor === undefined && mpe !== undefined && original !== undefined) {
      factor = mpe / original;
      // ledger: transformers.yarn-factor-rule
      notes.push(`factor omitted: transformers 5 uses max_position_embeddings / original_max_position_embeddings = ${fmt(factor)}`);
    }
  }
  if (factor === undefined) {
    // ledger: transformers.received-keys
    error = "Missing required key 'factor' for rope_type 'yarn' (transformers raises KeyError)";
    factor = 1.0;
  }
  if (original === undefined) {
    original = 4096;
    notes.push('original context unknown (no max_position_embeddings / original_max_position_embeddings): assumed 4096');
  }
  return error === undefined ? { factor, original, notes } : { factor, original, notes, error };
}

export function yarnAttentionFactor(params: Record<string, unknown>, factor: number, mscaleHonoured: boolean): number {
  const explicit = numberParam(params, 'attention_factor');
  if (explicit !== undefined) return explicit;
  const mscale = numberParam(params, 'mscale');
  const mscaleAllDim = numberParam(params, 'mscale_all_dim');
  if (mscaleHonoured && mscale && mscaleAllDim) return getMscale(factor, mscale) / getMscale(factor, mscaleAllDim);
  return getMscale(factor);
}

export function computeYarn(input: MethodInput): MethodResult {
  const { params, features, dim, base } = input;
  const { factor, original, notes, error } = yarnScale(input);
  const betaFast = numberParam(params, 'beta_fast') || 32;
  const betaSlow = numberParam(params, 'beta_slow') || 1;
  const truncate = features.yarn.truncate ? params['truncate'] !== false : true;
  const { low, high } = findCorrectionRange(betaFast, betaSlow, dim, base, original, truncate);
  const half = Math.floor(dim / 2);
  const ramp = linearRamp(low, high, half);
  const pos = posFreqs(base, dim);
  const ff = f32(factor);
  const invFreq = pos.map((p, j) => {
    const extrapolation = f32(1 / p);
    const interpolation = f32(1 / f32(ff * p));
    const extra = f32(1 - ramp[j]!); // inv_freq_extrapolation_factor
    return f32(f32(interpolation * f32(1 - extra)) + f32(extrapolation * extra));
  });
  const result: MethodResult = {
    invFreq,
    attentionFactor: yarnAttentionFactor(params, factor, features.yarn.mscale),
    notes,
    factor,
    originalContext: original,
    interpolation: { factor, weights: ramp },
  };
  if (error) result.error = error;
  return result;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4).replace(/0+$/, '');
}
