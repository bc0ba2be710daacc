// computeRope: the inverse frequencies and attention factor a rope block produces under a transformers release.
// One module per method; this file resolves the type, the base (rope_theta) and the rotary dim, then dispatches.
import { featuresFor, type VersionFeatures } from '../versions';
import { rotaryDimProblem } from '../limits';
import { headDimOf, ropeDimInfo, type RopeFacts } from './dim';
import { computeDefault } from './default';
import { computeDynamic } from './dynamic';
import { computeLinear } from './linear';
import { computeLlama3 } from './llama3';
import { computeLongrope } from './longrope';
import { computeNtk } from './ntk';
import { computeProportional } from './proportional';
import { computeYarn } from './yarn';
import type { Interpolation, MethodInput, MethodResult } from './types';

export type { RopeFacts } from './dim';
export type { Interpolation } from './types';

export interface RopeInput {
  /** The block's plain values ({} or undefined = no block: default RoPE). */
  params?: Record<string, unknown>;
  facts: RopeFacts;
  /** "5.15.0", "4.45", "latest"...; default latest. Ignored when `features` is given. */
  transformersVersion?: string;
  features?: VersionFeatures;
  /** Running sequence length (dynamic, longrope); undefined = init time, as transformers computes at load. */
  seqLen?: number;
  /** Compute as this type instead of the block's (the preview uses 'ntk' for static NTK-aware scaling). */
  ropeType?: string;
}

export interface RopeResult {
  invFreq: number[];
  attentionFactor: number;
  /** Rotary dim (for proportional: head_dim; some of its frequencies are 0). */
  ropeDim: number;
  /** The type computed (after aliases: su → longrope for Phi-3, mrope → default...). */
  ropeType: string;
  /** The type as written in the block ('default' when absent). */
  declaredType: string;
  /** rope_theta used. */
  base: number;
  /** Scaling factor as the release applies it (1 for default). */
  factor: number;
  /** The pre-extension context the method is built around (yarn/llama3/longrope omp, dynamic mpe). */
  originalContext?: number;
  interpolation?: Interpolation;
  notes: string[];
  /** Set when transformers would refuse this block (KeyError at load or init); the numbers are a best effort. */
  error?: string;
}

/** Methods this module knows how to compute (beyond transformers' own table: static 'ntk'). */
export const KNOWN_METHODS = ['default', 'linear', 'dynamic', 'yarn', 'longrope', 'llama3', 'proportional', 'ntk'] as const;

const DEFAULT_THETA = 10000.0;

function finiteNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The type a release computes for a block, with aliases resolved (`aliasError`: transformers would not accept it). */
export function resolveRopeType(
  params: Record<string, unknown>, facts: RopeFacts,
): { type: string; declared: string; notes: string[]; aliasError?: string } {
  const raw = params['rope_type'] ?? params['type'];
  const declared = typeof raw === 'string' ? raw : Object.keys(params).length === 0 ? 'default' : 'None';
  const notes: string[] = [];
  const phi3 = typeof facts.modelType === 'string' && facts.modelType.startsWith('phi3');
  if (declared === 'su' || (phi3 && declared === 'yarn')) {
    if (phi3) {
      notes.push(`Phi3Config remaps rope type '${declared}' to 'longrope'`);
      return { type: 'longrope', declared, notes };
    }
    notes.push("'su' is the old name of longrope: computed as longrope");
    return { type: 'longrope', declared, notes, aliasError: "only Phi3Config maps rope type 'su' to 'longrope'; elsewhere model init fails with KeyError" };
  }
  if (declared === 'mrope') {
    notes.push("'mrope' is handled by the Qwen2-VL model code: default frequencies, split across sections");
    return { type: 'default', declared, notes };
  }
  return { type: declared, declared, notes };
}

export function computeRope(input: RopeInput): RopeResult {
  const features = input.features ?? featuresFor(input.transformersVersion);
  const params = input.params ?? {};
  const facts = input.facts;
  const { type: resolved, declared, notes, aliasError } = resolveRopeType(params, facts);
  let type = input.ropeType ?? resolved;
  let error: string | undefined = input.ropeType === undefined ? aliasError : undefined;

  if (input.ropeType === undefined) {
    if (declared === 'None') {
      if (features.missingTypeRaises) error = "Missing required keys in `rope_scaling` for 'rope_type'='None': {'rope_type'}";
      // ledger: transformers.missing-type
      else notes.push("no rope_type: transformers 5 treats the block as default and ignores its other keys");
      type = 'default';
    } else if (type !== 'default' && !features.ropeTypes.includes(type)) {
      const known = (KNOWN_METHODS as readonly string[]).includes(type);
      // ledger: transformers.rope-types
      error = `transformers ${input.transformersVersion ?? features.since} has no rope type '${type}' (model init fails with KeyError)`;
      if (!known) {
        notes.push(`unknown rope type '${type}': shown as default`);
        type = 'default';
      }
    }
  }

  const blockTheta = finiteNumber(params['rope_theta']);
  let base: number;
  if (features.ropeThetaSource === 'block') base = blockTheta ?? facts.ropeTheta ?? DEFAULT_THETA;
  else {
    base = facts.ropeTheta ?? DEFAULT_THETA;
    if (blockTheta !== undefined && facts.ropeTheta === undefined) {
      // ledger: transformers.v5-rope-parameters
      notes.push('transformers 4.x reads rope_theta at the top level only: the block value is ignored (10000 used)');
    }
  }
  if (facts.ropeTheta === undefined && blockTheta === undefined) notes.push('rope_theta not found: 10000 assumed');

  const dimInfo = ropeDimInfo(facts, params, features);
  let dim = dimInfo.dim;
  // A dimension from the file sizes every per-dimension array below: past the limit it is reported, never allocated.
  const dimProblem = rotaryDimProblem(dimInfo);
  if (dimProblem !== undefined) {
    const text = `${dimProblem}: not computed (values below assume 128 rotary dims)`;
    error = error === undefined ? text : `${text}; ${error}`;
    dim = 128;
  } else if (!Number.isFinite(dim) || dim < 2) {
    notes.push('rotary dim unknown (no head_dim / hidden_size / num_attention_heads): assumed 128');
    dim = 128;
  }
  if (type === 'default' && features.partialRotarySource === 'block' && dimInfo.partialRotaryFactor !== 1) {
    // ledger: transformers.rope-types, transformers.head-dim
    notes.push('transformers 5 leaves default RoPE to each model: Llama-style models rotate the whole head_dim, GPT-NeoX/Phi-style apply partial_rotary_factor (shown)');
  }
  const methodInput: MethodInput = { params, facts, features, dim, base };
  if (input.seqLen !== undefined) methodInput.seqLen = input.seqLen;

  let r: MethodResult;
  let ropeDim = dim;
  switch (type) {
    case 'linear': r = computeLinear(methodInput); break;
    case 'dynamic': r = computeDynamic(methodInput); break;
    case 'yarn': r = computeYarn(methodInput); break;
    case 'longrope': r = computeLongrope(methodInput); break;
    case 'llama3': r = computeLlama3(methodInput); break;
    case 'ntk': r = computeNtk(methodInput); break;
    case 'proportional': {
      const h = headDimOf(facts, features).headDim;
      ropeDim = Number.isFinite(h) && dimProblem === undefined ? h : dim;
      r = computeProportional(methodInput, ropeDim);
      break;
    }
    default: r = computeDefault(methodInput); type = 'default';
  }
  const result: RopeResult = {
    invFreq: r.invFreq,
    attentionFactor: r.attentionFactor,
    ropeDim,
    ropeType: type,
    declaredType: declared === 'None' ? 'default' : declared,
    base,
    factor: r.factor ?? 1.0,
    notes: [...notes, ...r.notes],
  };
  if (r.originalContext !== undefined) result.originalContext = r.originalContext;
  if (r.interpolation) result.interpolation = r.interpolation;
  const err = error ?? r.error;
  if (err !== undefined) result.error = err;
  return result;
}
