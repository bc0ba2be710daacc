// The grid of a real-model sweep: lengths in the model's tokens and, per (method, length), the RopeRun an engine is
// told to run. Methods are the mini-model preview's (tables.ts builtinBlock: the same definitions, the same factor
// policy s = max(1, L/L0)), expressed as a transformers rope block plus rope_theta, with the model's original
// context as L0.
import { ntkBase } from '../../rope/ntk';
import { builtinBlock, type MiniModelSpec } from '../tables';
import { BUILTIN_METHODS, PreviewError, type BuiltinMethod } from '../types';
import type { RopeRun } from './backend';

/** Methods a real-model sweep runs by default (dynamic and llama3 are opt-in: few engines run them per request). */
export const DEFAULT_SWEEP_METHODS: readonly BuiltinMethod[] = ['none', 'linear', 'ntk', 'yarn'];
export const DEFAULT_SWEEP_MULTIPLES = [1, 2, 4];
/** Longest sequence a sweep builds (its prompts are arrays in this process: past this they cost gigabytes). */
export const MAX_SWEEP_LENGTH = 1 << 21;

/**
 * A length → model tokens: "4096" = tokens, "8k" = 8192 (k = 1024), "2x" = 2 × L0. Throws PreviewError('bad-length')
 * with one clear sentence; a multiple needs L0.
 */
export function parseTokenLength(spec: string, L0: number | undefined): number {
  const s = spec.trim().toLowerCase();
  let value: number;
  let m: RegExpExecArray | null;
  if ((m = /^(\d+(?:\.\d+)?)\s*[x×]$/.exec(s))) {
    if (L0 === undefined) throw new PreviewError('bad-length', `length "${spec}" is a multiple of the original context, which this model does not state; give tokens (8k, 4096)`);
    value = Number(m[1]) * L0;
  } else if ((m = /^(\d+(?:\.\d+)?)k$/.exec(s))) value = Number(m[1]) * 1024;
  else if (/^\d+$/.test(s)) value = Number(s);
  else throw new PreviewError('bad-length', `length "${spec}" is not a token count (4096), thousands of tokens (8k) or a multiple (2x)`);
  if (!Number.isInteger(value) || value < 2) throw new PreviewError('bad-length', `length "${spec}" is not a whole number of tokens ≥ 2`);
  if (value > MAX_SWEEP_LENGTH) throw new PreviewError('bad-length', `length "${spec}" is above ${MAX_SWEEP_LENGTH} tokens (2048k), the longest a preview builds`);
  return value;
}

/** Ascending distinct token lengths; default 1, 2, 4 × L0. */
export function sweepLengths(specs: readonly string[] | undefined, L0: number | undefined): number[] {
  if (!specs || specs.length === 0) {
    if (L0 === undefined) throw new PreviewError('bad-length', 'the model does not state its original context: give --lengths in tokens (e.g. 2k,4k,8k)');
    return DEFAULT_SWEEP_MULTIPLES.map((k) => k * L0);
  }
  return [...new Set(specs.map((s) => parseTokenLength(s, L0)))].sort((a, b) => a - b);
}

export function sweepMethods(names: readonly string[] | undefined): BuiltinMethod[] {
  if (!names || names.length === 0) return [...DEFAULT_SWEEP_METHODS];
  const out: BuiltinMethod[] = [];
  for (const n of names) {
    if (!(BUILTIN_METHODS as readonly string[]).includes(n)) {
      throw new PreviewError('bad-method', `unknown method "${n}" for a real model (expected ${BUILTIN_METHODS.join(', ')})`);
    }
    if (!out.includes(n as BuiltinMethod)) out.push(n as BuiltinMethod);
  }
  return out;
}

export interface ModelRope {
  originalContext: number;
  ropeTheta: number;
  headDim: number | undefined;
}

/**
 * The run of one method at L tokens: the per-length factor s = max(1, L/L0) (dynamic: factor 1, it scales with the
 * length itself), factor 1 read as no block (as the mini-model preview does). Static NTK-aware has no transformers
 * type: it is a rope_theta change with no block. A string when the method cannot be expressed for this model.
 */
export function ropeRun(method: BuiltinMethod, L: number, model: ModelRope): RopeRun | string {
  const L0 = model.originalContext;
  const s = method === 'none' || method === 'dynamic' ? 1 : Math.max(1, L / L0);
  const base: RopeRun = { method, block: {}, ropeTheta: model.ropeTheta, contextTokens: L };
  if (s === 1 && method !== 'dynamic') return base;
  if (method === 'ntk') {
    if (model.headDim === undefined) return 'static NTK-aware needs the rotary dimension, which this model does not state';
    return { ...base, ropeTheta: ntkBase(model.ropeTheta, model.headDim, s) };
  }
  // headDim only matters to builtinBlock through the spec; the block itself is transformers' form.
  const spec: MiniModelSpec = { originalLength: L0, headDim: model.headDim ?? 2, ropeTheta: model.ropeTheta };
  const b = builtinBlock(method, s, L, spec);
  return { ...base, block: { ...b.params, ...(method === 'dynamic' ? { original_max_position_embeddings: L0 } : {}) } };
}

/** Two runs are the same computation when block and theta agree (the engine's scores do not depend on the name). */
export function runKey(r: RopeRun): string {
  const keys = Object.keys(r.block).sort();
  return `${r.ropeTheta}|${keys.map((k) => `${k}=${JSON.stringify(r.block[k])}`).join(',')}`;
}
