// Shapes shared by the per-method rope modules (one file per method, dispatched by index.ts).
import type { VersionFeatures } from '../versions';
import type { RopeFacts } from './dim';

/** What every method function receives: the block's plain values plus the model facts, already resolved. */
export interface MethodInput {
  /** The block's plain values (rope_scaling / rope_parameters). */
  params: Record<string, unknown>;
  facts: RopeFacts;
  features: VersionFeatures;
  /** Rotary dim (even); d/2 frequencies. */
  dim: number;
  /** rope_theta as the release reads it. */
  base: number;
  /** Current sequence length (dynamic, longrope); undefined = init time. */
  seqLen?: number;
}

/**
 * How a method moved each frequency, for the per-dimension analysis.
 * `weights[j]` = share of interpolation for frequency j: 0 kept (extrapolated), 1 divided by `factor`, else blended:
 * inv_j = inv0_j · ((1 − w) + w / factor).
 */
export interface Interpolation {
  factor: number;
  weights: number[];
}

export interface MethodResult {
  invFreq: number[];
  attentionFactor: number;
  notes: string[];
  /** Set by methods that blend between kept and ÷factor (linear, yarn, llama3, proportional). */
  interpolation?: Interpolation;
  /** The original (pre-extension) context the method is built around, when it has one. */
  originalContext?: number;
  /** Effective scaling factor the release uses (after version rules such as mpe/omp overrides). */
  factor?: number;
  /** transformers would fail with this block (missing key, unknown type): message text. */
  error?: string;
}

export function numberParam(params: Record<string, unknown>, key: string): number | undefined {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
