// Method → rotary tables for the mini-model at one length. All frequencies and attention factors come from the rope
// math core (core/rope: transformers' formulas); this file only says which block each preview method stands for.
import { computeRope, type RopeFacts } from '../rope/index';
import type { BuiltinMethod, FactorPolicy } from './types';

/** The mini-model's rope facts (media/model/INTERFACE.md): head_dim 32, theta 10000, L0 = 128. */
export interface MiniModelSpec {
  originalLength: number;
  headDim: number;
  ropeTheta: number;
}

export const MINI_MODEL: MiniModelSpec = { originalLength: 128, headDim: 32, ropeTheta: 10000 };

/** What one (method, length) cell feeds the graph, before the cos/sin expansion. */
export interface MethodTables {
  /** headDim/2 inverse frequencies (float32 values, as transformers computes them). */
  invFreq: number[];
  attentionFactor: number;
  /** The scaling factor s in effect (1 = unscaled). */
  factor: number;
  notes: string[];
}

/** Plain block params (rope_scaling form) + the sequence length the release computes with. */
export interface BlockAtLength {
  params: Record<string, unknown>;
  seqLen?: number;
  /** computeRope's ropeType override (static NTK has no transformers type). */
  ropeType?: string;
}

export function miniFacts(spec: MiniModelSpec): RopeFacts {
  // mpe = L0 too: dynamic NTK measures growth against max_position_embeddings.
  return { maxPositionEmbeddings: spec.originalLength, ropeTheta: spec.ropeTheta, headDim: spec.headDim, hiddenSize: spec.headDim * 4, numAttentionHeads: 4 };
}

/**
 * The factor a built-in method is given at length L. Per-length: the static methods get s = max(1, L/L0); dynamic
 * keeps factor 1 and scales itself with the sequence length (transformers' dynamic NTK with factor 1, the Dynamic
 * NTK of the YaRN paper: base·(L/L0)^(d/(d−2)), i.e. static ntk with s = L/L0). Static: the chosen factor for all.
 */
export function methodFactor(method: BuiltinMethod, policy: FactorPolicy, length: number, spec: MiniModelSpec, staticFactor: number): number {
  if (method === 'none') return 1;
  if (method === 'dynamic' && policy === 'per-length') return 1;
  return policyFactor(policy, length, spec, staticFactor);
}

/** The factor a built-in method uses at length L under a policy. */
export function policyFactor(policy: FactorPolicy, length: number, spec: MiniModelSpec, staticFactor: number): number {
  return policy === 'static' ? staticFactor : Math.max(1, length / spec.originalLength);
}

/**
 * The block a built-in method stands for, with factor s, at length L. Definitions (stated in the README):
 * linear = PI (inv_freq / s); ntk = static NTK-aware (base · s^(d/(d−2))); dynamic = transformers' dynamic NTK with
 * factor s, recomputed for the sequence length L (unchanged at L ≤ L0); yarn = transformers' yarn (beta 32/1,
 * attention 0.1·ln s + 1); llama3 = low_freq_factor 1, high_freq_factor 4; all with original length L0.
 */
export function builtinBlock(method: BuiltinMethod, s: number, length: number, spec: MiniModelSpec): BlockAtLength {
  const L0 = spec.originalLength;
  switch (method) {
    case 'none': return { params: {} };
    case 'linear': return { params: { rope_type: 'linear', factor: s } };
    case 'ntk': return { params: { factor: s }, ropeType: 'ntk' };
    case 'dynamic': return { params: { rope_type: 'dynamic', factor: s }, seqLen: length };
    case 'yarn': return { params: { rope_type: 'yarn', factor: s, original_max_position_embeddings: L0 } };
    case 'llama3':
      return { params: { rope_type: 'llama3', factor: s, original_max_position_embeddings: L0, low_freq_factor: 1, high_freq_factor: 4 } };
  }
}

/** inv_freq and attention factor of a block on the mini-model (transformers' latest rules). */
export function tablesFor(block: BlockAtLength, spec: MiniModelSpec): MethodTables & { error?: string } {
  const input: Parameters<typeof computeRope>[0] = { params: block.params, facts: miniFacts(spec), transformersVersion: 'latest' };
  if (block.seqLen !== undefined) input.seqLen = block.seqLen;
  if (block.ropeType !== undefined) input.ropeType = block.ropeType;
  const r = computeRope(input);
  const out: MethodTables & { error?: string } = { invFreq: r.invFreq, attentionFactor: r.attentionFactor, factor: r.factor, notes: r.notes };
  if (r.error !== undefined) out.error = r.error;
  return out;
}

/** cos/sin half tables [T, half] (row-major): angles in float64 from the float32 inv_freq, rounded at the end. */
export function cosSin(invFreq: readonly number[], T: number): { cos: Float32Array; sin: Float32Array } {
  const half = invFreq.length;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let p = 0; p < T; p++) {
    for (let j = 0; j < half; j++) {
      const a = p * invFreq[j]!;
      cos[p * half + j] = Math.cos(a);
      sin[p * half + j] = Math.sin(a);
    }
  }
  return { cos, sin };
}

/** Two tables give identical logits at every position < T when their inv_freq and attention factor are equal. */
export function sameTables(a: MethodTables, b: MethodTables): boolean {
  return a.attentionFactor === b.attentionFactor && a.invFreq.length === b.invFreq.length && a.invFreq.every((x, i) => x === b.invFreq[i]);
}
