// Llama 3.1 rope: wavelengths longer than omp/low_freq_factor are divided by `factor`, shorter than
// omp/high_freq_factor kept, smooth blend between. float32 like transformers (comparisons included).
import { defaultInvFreq, f32 } from './default';
import { numberParam, type MethodInput, type MethodResult } from './types';

export function computeLlama3(input: MethodInput): MethodResult {
  const { params, facts, features } = input;
  const notes: string[] = [];
  const missing: string[] = [];
  const need = (k: string): number | undefined => {
    const v = numberParam(params, k);
    if (v === undefined) missing.push(k);
    return v;
  };
  const factor = need('factor') ?? 1.0;
  const low = need('low_freq_factor') ?? 1.0;
  const high = need('high_freq_factor') ?? 4.0;
  let omp = numberParam(params, 'original_max_position_embeddings');
  if (features.originalFromTopLevel && facts.originalMaxPositionEmbeddings !== undefined) omp = facts.originalMaxPositionEmbeddings;
  if (omp === undefined && features.originalFromTopLevel) omp = facts.maxPositionEmbeddings; // v5 standardize fills it
  if (omp === undefined) {
    missing.push('original_max_position_embeddings');
    omp = 8192;
    notes.push('original_max_position_embeddings unknown: assumed 8192');
  }
  const inv0 = defaultInvFreq(input.base, input.dim);
  const lowWl = f32(omp / low);
  const highWl = f32(omp / high);
  const ff = f32(factor);
  const weights: number[] = [];
  const invFreq = inv0.map((inv) => {
    const wl = f32(f32(2 * Math.PI) / inv);
    const llama = wl > lowWl ? f32(inv / ff) : inv;
    if (!(wl < highWl) && !(wl > lowWl)) {
      const smooth = f32(f32(f32(f32(omp!) / wl) - f32(low)) / f32(high - low));
      weights.push(1 - smooth);
      return f32(f32(f32(f32(1 - smooth) * llama) / ff) + f32(smooth * llama));
    }
    weights.push(wl > lowWl ? 1 : 0);
    return llama;
  });
  const result: MethodResult = {
    invFreq, attentionFactor: 1.0, notes, factor, originalContext: omp, interpolation: { factor, weights },
  };
  // ledger: transformers.received-keys
  if (missing.length) result.error = `Missing required keys for rope_type 'llama3': ${missing.join(', ')} (transformers raises KeyError)`;
  return result;
}
