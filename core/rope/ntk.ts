// Static NTK-aware scaling (the /r/LocalLLaMA blog-post method): base' = base · s^(d/(d−2)) at every length.
// transformers has no rope type for it (only some forks name it "ntk"); it is what a rope_theta change expresses.
import { defaultInvFreq } from './default';
import { numberParam, type MethodInput, type MethodResult } from './types';

export function ntkBase(base: number, dim: number, factor: number): number {
  return base * Math.pow(factor, dim / (dim - 2));
}

export function computeNtk(input: MethodInput): MethodResult {
  const factor = numberParam(input.params, 'factor') ?? 1.0;
  const base = ntkBase(input.base, input.dim, factor);
  return {
    invFreq: defaultInvFreq(base, input.dim),
    attentionFactor: 1.0,
    notes: [`static NTK-aware: equivalent to rope_theta ${formatBase(base)} with no rope block`],
    factor,
  };
}

function formatBase(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(8);
}
