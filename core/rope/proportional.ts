// transformers 5 "proportional" (Gemma-4 family): the first int(prf·head_dim // 2) frequencies use exponents
// 2j/head_dim (the full head dim, not the rotated one); the rest are 0 (not rotated); all divided by factor.
import { exponents, f32 } from './default';
import { numberParam, type MethodInput, type MethodResult } from './types';

/** `headDim` here is the full head dim (returned as the method's rope dim: head_dim/2 entries). */
export function computeProportional(input: MethodInput, headDim: number): MethodResult {
  const { params, facts } = input;
  const notes: string[] = [];
  const factor = numberParam(params, 'factor') ?? 1.0;
  let prf = numberParam(params, 'partial_rotary_factor');
  if (prf === undefined) {
    prf = facts.partialRotaryFactor ?? 1.0;
    // ledger: transformers.proportional
    if (facts.partialRotaryFactor === undefined) notes.push('partial_rotary_factor missing: transformers warns and uses 1.0');
  }
  const angles = Math.trunc(Math.floor((prf * headDim) / 2));
  const half = Math.floor(headDim / 2);
  const b = f32(input.base);
  const ff = f32(factor);
  const rotated = exponents(angles, headDim).map((e) => f32(1 / f32(Math.pow(b, e))));
  const invFreq = Array.from({ length: half }, (_, j) => (j < angles ? f32(rotated[j]! / ff) : 0));
  if (angles < half) notes.push(`frequencies ${angles}–${half - 1} are 0 (not rotated)`);
  return {
    invFreq,
    attentionFactor: 1.0,
    notes,
    factor,
    interpolation: { factor, weights: invFreq.map((x) => (x === 0 || factor === 1 ? 0 : 1)) },
  };
}
