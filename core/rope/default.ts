// Default RoPE: inv_freq_i = 1 / base^(2i/d). transformers computes it in float32
// (`base ** (torch.arange(0, dim, 2).float() / dim)`), so every step is rounded with Math.fround to match.
import type { MethodInput, MethodResult } from './types';

export const f32 = Math.fround;

/** Float32 exponents arange(0, 2·count, 2) / denom, as torch computes them. */
export function exponents(count: number, denom: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < count; j++) out.push(f32((2 * j) / denom));
  return out;
}

/** base^(2j/d) in float32 (pos_freqs in transformers' YaRN / LongRoPE code). */
export function posFreqs(base: number, dim: number): number[] {
  const b = f32(base);
  return exponents(Math.floor(dim / 2), dim).map((e) => f32(Math.pow(b, e)));
}

/** 1 / base^(2j/d), float32. */
export function defaultInvFreq(base: number, dim: number): number[] {
  return posFreqs(base, dim).map((p) => f32(1 / p));
}

export function computeDefault(input: MethodInput): MethodResult {
  return { invFreq: defaultInvFreq(input.base, input.dim), attentionFactor: 1.0, notes: [] };
}
