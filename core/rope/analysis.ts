// Per-dimension analysis of a rope block: what the method does to each frequency (kept, blended, interpolated,
// rescaled), the attention factor, and the context each engine will allow. `summarizeBlock` is the one-line text
// hover and the CLI show.
import type { RopeBlock } from '../model';
import { featuresFor, type VersionFeatures } from '../versions';
import { contextNumbers, type RopeFacts } from './dim';
import { defaultInvFreq } from './default';
import { computeRope, type RopeInput, type RopeResult } from './index';
import { ntkBase } from './ntk';
import { formatValue } from '../format';
import { num } from '../numbers';

/**
 * kept: original frequency (extrapolated past the original context); interpolated: divided by the factor;
 * blended: in between (weight = share of interpolation); scaled: a per-dim rescale (longrope, dynamic/static NTK);
 * unrotated: frequency 0 (proportional's non-rotated tail).
 */
export type DimStatus = 'kept' | 'blended' | 'interpolated' | 'scaled' | 'unrotated';

export interface DimAnalysis {
  /** Frequency index j (rotates the pair of dims 2j, 2j+1). */
  index: number;
  invFreq: number;
  /** The frequency without scaling (same base and dim). */
  defaultInvFreq: number;
  /** 2π/θ in tokens (Infinity when unrotated). */
  wavelength: number;
  /** Wavelength against the original context: > 1 means the dim never completed a turn in training. */
  wavelengthOverOriginal: number | null;
  status: DimStatus;
  /** Share of interpolation, 0 (kept) … 1 (÷factor); null for per-dim rescales (scaled) and unrotated dims. */
  weight: number | null;
  /** defaultInvFreq / invFreq: how many times slower the dim now turns. */
  scale: number;
}

export interface EffectiveContext {
  /** transformers: max_position_embeddings (the model's declared length). */
  transformers: number | null;
  /** vLLM's derived max_model_len (the most --max-model-len may be without VLLM_ALLOW_LONG_MAX_MODEL_LEN). */
  vllm: number | null;
  /** llama.cpp: the -c value to pass and the rope flags that express this block. */
  llamaCpp: { ctxSize: number | null; flags: string[] };
  notes: string[];
}

export interface RopeAnalysis {
  result: RopeResult;
  dims: DimAnalysis[];
  effectiveContext: EffectiveContext;
  /** "transformers 5.x" */
  versionLabel: string;
  summary: string;
}

const EPS = 1e-6;

export function analyzeDims(result: RopeResult, originalContext: number | undefined): DimAnalysis[] {
  const half = result.invFreq.length;
  // Unscaled reference: the same base and dim; proportional divides exponents by head_dim so use its own zero-factor frequencies.
  const ref =
    result.ropeType === 'proportional' && result.factor !== 0
      ? result.invFreq.map((x) => x * result.factor)
      : defaultInvFreq(result.base, result.ropeDim);
  const interp = result.interpolation;
  const out: DimAnalysis[] = [];
  for (let j = 0; j < half; j++) {
    const inv = result.invFreq[j]!;
    const inv0 = ref[j] ?? inv;
    const wavelength = inv > 0 ? (2 * Math.PI) / inv : Infinity;
    let status: DimStatus;
    let weight: number | null;
    const scale = inv > 0 ? inv0 / inv : Infinity;
    if (inv === 0) {
      status = 'unrotated';
      weight = null;
    } else if (interp && Math.abs(interp.factor - 1) > EPS) {
      weight = interp.weights[j] ?? 0;
      status = weight <= EPS ? 'kept' : weight >= 1 - EPS ? 'interpolated' : 'blended';
    } else if (interp) {
      weight = 0;
      status = 'kept';
    } else {
      status = Math.abs(scale - 1) <= EPS ? 'kept' : 'scaled';
      weight = status === 'kept' ? 0 : null;
    }
    out.push({
      index: j,
      invFreq: inv,
      defaultInvFreq: inv0,
      wavelength,
      wavelengthOverOriginal: originalContext ? wavelength / originalContext : null,
      status,
      weight,
      scale,
    });
  }
  return out;
}

/**
 * vLLM `_get_and_verify_max_len`: max_position_embeddings, then for rope types other than su/longrope/llama3
 * × factor (default 1), where yarn starts from the block's original_max_position_embeddings.
 */
export function vllmDerivedMaxLen(result: RopeResult, params: Record<string, unknown>, facts: RopeFacts): number | null {
  const mpe = facts.maxPositionEmbeddings;
  const type = result.declaredType;
  if (['su', 'longrope', 'llama3'].includes(type)) return mpe ?? null;
  const factor = num(params['factor']) ?? 1;
  let derived = mpe;
  const omp = num(params['original_max_position_embeddings']);
  if (type === 'yarn' && omp !== undefined) derived = omp;
  return derived === undefined ? null : Math.floor(derived * factor);
}

export function effectiveContext(result: RopeResult, params: Record<string, unknown>, facts: RopeFacts): EffectiveContext {
  const notes: string[] = [];
  const mpe = facts.maxPositionEmbeddings ?? null;
  const vllm = vllmDerivedMaxLen(result, params, facts);
  if (mpe !== null && vllm !== null && vllm !== mpe) {
    // ledger: vllm.max-model-len, transformers.yarn-factor-rule
    notes.push(`vLLM derives max_model_len ${fmtInt(vllm)} from the rope block, transformers keeps max_position_embeddings ${fmtInt(mpe)}`);
  }
  // llama.cpp reads the factor as written, whatever transformers release would override it.
  const written = typeof params['factor'] === 'number' ? (params['factor'] as number) : result.factor;
  const f = fmtNum(written);
  const flags: string[] = [];
  // llama.cpp does not follow transformers' version rules: it reads the block as written (GGUF context_length = mpe).
  let ctx = mpe;
  switch (result.ropeType) {
    case 'yarn': {
      // A .nan or inf from YAML is no length: fall back as if the key were missing.
      const orig = num(params['original_max_position_embeddings']) ?? facts.originalMaxPositionEmbeddings ?? mpe;
      flags.push('--rope-scaling yarn', `--rope-scale ${f}`);
      if (orig !== null && orig !== undefined) {
        flags.push(`--yarn-orig-ctx ${orig}`);
        ctx = Math.floor(orig * written);
      }
      break;
    }
    case 'linear':
      flags.push('--rope-scaling linear', `--rope-scale ${f}`);
      break;
    case 'llama3':
      // ledger: llama.cpp.baked-factors
      notes.push('llama.cpp bakes llama3 scaling into the GGUF (rope_freqs); only -c is needed');
      break;
    case 'longrope':
      // ledger: llama.cpp.baked-factors
      notes.push('llama.cpp reads the long/short factors from the GGUF; only -c is needed');
      break;
    case 'dynamic':
      // ledger: llama.cpp.baked-factors
      notes.push('llama.cpp has no dynamic NTK: the closest is --rope-freq-base with the static NTK base');
      break;
    case 'ntk':
      flags.push(`--rope-freq-base ${Math.round(ntkBase(result.base, result.ropeDim, result.factor))}`);
      break;
    default:
      break;
  }
  if (ctx !== null) flags.push(`-c ${Number.isFinite(ctx) ? ctx : formatValue(ctx)}`);
  return { transformers: mpe, vllm, llamaCpp: { ctxSize: ctx, flags }, notes };
}

export function versionLabel(features: VersionFeatures): string {
  return `transformers ${features.since.split('.')[0]}.x`;
}

/** "dims 0–11 kept, 12–19 blended, 20–63 interpolated ×32; attention ×1.35; effective context 131,072 (transformers 5.x), 131,072 (vLLM)" */
export function summaryText(result: RopeResult, dims: DimAnalysis[], ctx: EffectiveContext, label: string): string {
  const runs: { from: number; to: number; status: DimStatus; min: number; max: number }[] = [];
  for (const d of dims) {
    const last = runs[runs.length - 1];
    if (last && last.status === d.status) {
      last.to = d.index;
      last.min = Math.min(last.min, d.scale);
      last.max = Math.max(last.max, d.scale);
    } else runs.push({ from: d.index, to: d.index, status: d.status, min: d.scale, max: d.scale });
  }
  const parts = runs.map((r, i) => {
    const range = r.from === r.to ? `${r.from}` : `${r.from}–${r.to}`;
    let what: string = r.status;
    if (r.status === 'interpolated') what += ` ×${fmtNum(result.factor)}`;
    const p3 = (x: number): string => (Number.isFinite(x) ? x.toPrecision(3) : formatValue(x));
    if (r.status === 'scaled') what += r.max - r.min < 1e-3 ? ` ×${p3(r.min)}` : ` ×${p3(r.min)}–${p3(r.max)}`;
    return `${i === 0 ? (r.from === r.to && runs.length === 1 ? 'dim ' : 'dims ') : ''}${range} ${what}`;
  });
  const ctxParts: string[] = [];
  if (ctx.transformers !== null) ctxParts.push(`${fmtInt(ctx.transformers)} (${label})`);
  if (ctx.vllm !== null) ctxParts.push(`${fmtInt(ctx.vllm)} (vLLM)`);
  const tail = ctxParts.length ? `; effective context ${ctxParts.join(', ')}` : '';
  return `${parts.join(', ')}; attention ×${fmtNum(result.attentionFactor, 2)}${tail}`;
}

export function analyzeRope(input: RopeInput): RopeAnalysis {
  const features = input.features ?? featuresFor(input.transformersVersion);
  const result = computeRope({ ...input, features });
  const dims = analyzeDims(result, result.originalContext ?? input.facts.maxPositionEmbeddings);
  const ctx = effectiveContext(result, input.params ?? {}, input.facts);
  const label = versionLabel(features);
  return { result, dims, effectiveContext: ctx, versionLabel: label, summary: summaryText(result, dims, ctx, label) };
}

export interface BlockOptions {
  transformersVersion?: string;
  seqLen?: number;
}

/** Inputs for the math from a parsed block (its params + the numeric facts beside it). */
export function ropeInputOf(block: Pick<RopeBlock, 'params' | 'context'>, opts: BlockOptions = {}): RopeInput {
  const input: RopeInput = { params: block.params, facts: contextNumbers(block) };
  if (opts.transformersVersion !== undefined) input.transformersVersion = opts.transformersVersion;
  if (opts.seqLen !== undefined) input.seqLen = opts.seqLen;
  return input;
}

/** The one-line hover/CLI summary of a parsed block. */
export function summarizeBlock(block: Pick<RopeBlock, 'params' | 'context'>, opts: BlockOptions = {}): string {
  return analyzeRope(ropeInputOf(block, opts)).summary;
}

/** 131072 → "131,072". */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return formatValue(n);
  const s = String(Math.round(Math.abs(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 32 → "32", 1.3465 → "1.35" (digits = decimals kept, trailing zeros dropped). */
export function fmtNum(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return formatValue(x);
  if (Number.isInteger(x)) return String(x);
  return x.toFixed(digits).replace(/\.?0+$/, '');
}
