// LongRoPE (Phi-3/3.5, Phi-4-mini): per-frequency rescale factors, short ones up to the original context and long
// ones beyond it, plus an attention factor sqrt(1 + ln(factor)/ln(omp)). VersionFeatures.longrope says how each
// release picks the factor list and where it reads original_max_position_embeddings.
import { f32, posFreqs } from './default';
import { numberParam, type MethodInput, type MethodResult } from './types';

function numberList(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;
}

export function computeLongrope(input: MethodInput): MethodResult {
  const { params, facts, features, dim, base, seqLen } = input;
  const notes: string[] = [];
  const half = Math.floor(dim / 2);
  const mpe = facts.maxPositionEmbeddings;
  const topOmp = facts.originalMaxPositionEmbeddings;
  let factor = numberParam(params, 'factor');
  let omp: number | undefined;
  let useLong: boolean;
  if (features.longrope.originalLength === 'top-level') {
    // 4.x: the top-level (Phi-3) value, with factor forced to mpe/omp; a value inside the block is ignored.
    if (topOmp !== undefined && mpe !== undefined) {
      omp = topOmp;
      factor = mpe / topOmp;
    } else {
      omp = mpe;
      if (numberParam(params, 'original_max_position_embeddings') !== undefined) {
        // ledger: transformers.longrope
        notes.push('transformers 4.x reads original_max_position_embeddings for longrope from the top level only; the block value is ignored');
      }
    }
  } else {
    omp = topOmp ?? numberParam(params, 'original_max_position_embeddings') ?? mpe;
    if (factor === undefined && mpe !== undefined && omp !== undefined) factor = mpe / omp;
  }
  const f = factor ?? 1.0;
  if (features.longrope.select === 'expanded') {
    // <4.48: long factors whenever the expanded length exceeds the original one, whatever the sequence length.
    const expanded = topOmp !== undefined && mpe !== undefined ? mpe : (mpe ?? 0) * f;
    useLong = omp !== undefined && expanded > omp;
  } else {
    useLong = seqLen !== undefined && omp !== undefined && seqLen > omp;
  }
  const short = numberList(params['short_factor']);
  const long = numberList(params['long_factor']);
  let ext = useLong ? long : short;
  let error: string | undefined;
  if (!short || !long) error = "Missing or invalid 'short_factor' / 'long_factor' for rope_type 'longrope'";
  if (!ext || ext.length !== half) {
    if (ext && ext.length !== half) error = `${useLong ? 'long' : 'short'}_factor has ${ext.length} entries; rotary dim ${dim} needs ${half}`;
    ext = Array.from({ length: half }, (_, j) => (ext && j < ext.length ? ext[j]! : 1));
  }
  notes.push(useLong ? `long factors in use (sequence longer than ${omp ?? '?'})` : `short factors in use (up to ${omp ?? '?'} tokens)`);
  const explicitAttention = numberParam(params, 'attention_factor');
  const attentionFactor =
    explicitAttention ?? (f <= 1 || omp === undefined ? 1.0 : Math.sqrt(1 + Math.log(f) / Math.log(omp)));
  const pos = posFreqs(base, dim);
  const invFreq = pos.map((p, j) => f32(1 / f32(f32(ext![j]!) * p)));
  const result: MethodResult = { invFreq, attentionFactor, notes, factor: f };
  if (omp !== undefined) result.originalContext = omp;
  if (error) result.error = error;
  return result;
}
