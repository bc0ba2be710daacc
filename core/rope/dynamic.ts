// Dynamic NTK (bloc97/emozilla): rope_theta grows with the running sequence length, recomputed by transformers'
// @dynamic_rope_update. Uses max_position_embeddings (not original_max_position_embeddings) as the original length.
import { defaultInvFreq } from './default';
import { numberParam, type MethodInput, type MethodResult } from './types';

/** base' = base · ((factor·L/mpe) − (factor − 1))^(d/(d−2)) with L = max(seqLen, mpe); python float64 math. */
export function dynamicBase(base: number, dim: number, factor: number, mpe: number, seqLen: number | undefined): number {
  const L = seqLen !== undefined && seqLen > mpe ? seqLen : mpe;
  return base * Math.pow((factor * L) / mpe - (factor - 1), dim / (dim - 2));
}

export function computeDynamic(input: MethodInput): MethodResult {
  const notes: string[] = [];
  const raw = numberParam(input.params, 'factor');
  const factor = raw ?? 1.0;
  const mpe = input.facts.maxPositionEmbeddings;
  let base = input.base;
  if (mpe === undefined) notes.push('max_position_embeddings unknown: shown at the original length (no change)');
  else base = dynamicBase(input.base, input.dim, factor, mpe, input.seqLen);
  if (mpe !== undefined && (input.seqLen === undefined || input.seqLen <= mpe)) {
    notes.push(`dynamic NTK changes nothing up to max_position_embeddings (${mpe}); pass a longer sequence length to see it`);
  }
  const result: MethodResult = {
    invFreq: defaultInvFreq(base, input.dim),
    attentionFactor: 1.0,
    notes,
    factor,
  };
  if (mpe !== undefined) result.originalContext = mpe;
  // ledger: transformers.received-keys
  if (raw === undefined) result.error = "Missing required key 'factor' for rope_type 'dynamic' (transformers raises KeyError)";
  return result;
}
