// Linear Position Interpolation (kaiokendev): every frequency divided by `factor`.
import { defaultInvFreq, f32 } from './default';
import { numberParam, type MethodInput, type MethodResult } from './types';

export function computeLinear(input: MethodInput): MethodResult {
  const raw = numberParam(input.params, 'factor');
  const factor = raw ?? 1.0;
  const inv = defaultInvFreq(input.base, input.dim).map((x) => f32(x / f32(factor)));
  const result: MethodResult = {
    invFreq: inv,
    attentionFactor: 1.0,
    notes: [],
    factor,
    interpolation: { factor, weights: inv.map(() => 1) },
  };
  // ledger: transformers.received-keys
  if (raw === undefined) result.error = "Missing required key 'factor' for rope_type 'linear' (transformers raises KeyError)";
  return result;
}
