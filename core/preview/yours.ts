// "yours": the user's rope block mapped onto the mini-model. Same type, same parameters, same factor (as the user's
// transformers reads it); the original context becomes the mini-model's L0. What cannot carry over (rope_theta,
// partial rotary, LongRoPE lists of another length) is adapted and said in a note, or refused with a clear reason.
import { contextNumbers } from '../rope/dim';
import { computeRope, type RopeFacts } from '../rope/index';
import type { RopeBlock } from '../model';
import { ropeTypeOf } from '../model';
import type { BlockAtLength, MiniModelSpec } from './tables';
import { PreviewError, type YoursSpec } from './types';

/** Rope types the mini-model can express (after transformers' own aliases). */
const EXPRESSIBLE = new Set(['default', 'linear', 'dynamic', 'yarn', 'longrope', 'llama3', 'ntk', 'proportional']);

export interface YoursMapping {
  ropeType: string;
  label: string;
  /** The user's original context (tokens), for reporting lengths in the user's tokens. */
  originalContext?: number;
  /** The factor the user's transformers applies. */
  factor: number;
  notes: string[];
  /** The mini-model block at length L (seqLen matters for dynamic and longrope). */
  blockAt(length: number): BlockAtLength;
}

/** A YoursSpec from a parsed block (core/parse output). */
export function yoursFromBlock(block: RopeBlock, fileLabel?: string): YoursSpec {
  const facts = contextNumbers(block);
  const type = ropeTypeOf(block) ?? 'default';
  const spec: YoursSpec = { ropeType: type, params: { ...block.params }, facts, label: `${type}${fileLabel ? ` (${fileLabel} ${block.path})` : ''}` };
  const oc = facts.originalMaxPositionEmbeddings ?? numberOf(block.params['original_max_position_embeddings']) ?? facts.maxPositionEmbeddings;
  if (oc !== undefined) spec.originalContext = oc;
  return spec;
}

function numberOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function numberList(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0) ? (v as number[]) : undefined;
}

/** Linear interpolation of a per-frequency list onto n entries (index 0 = highest frequency in both). */
export function resampleList(list: readonly number[], n: number): number[] {
  if (list.length === n) return [...list];
  if (list.length === 1) return Array.from({ length: n }, () => list[0]!);
  return Array.from({ length: n }, (_, j) => {
    const x = (j * (list.length - 1)) / (n - 1);
    const i = Math.min(Math.floor(x), list.length - 2);
    const w = x - i;
    return list[i]! * (1 - w) + list[i + 1]! * w;
  });
}

export function mapYours(spec: YoursSpec, mini: MiniModelSpec): YoursMapping {
  const facts: RopeFacts = { ...(spec.facts ?? {}) };
  const params: Record<string, unknown> = { ...spec.params };
  if (spec.ropeType && params['rope_type'] === undefined && params['type'] === undefined) params['rope_type'] = spec.ropeType;
  // The user's own reading of the block: the factor, temperature and original context their transformers uses.
  const theirs = computeRope({ params, facts, transformersVersion: 'latest' });
  const type = theirs.ropeType;
  const declared = theirs.declaredType;
  const notes: string[] = [];
  if (!EXPRESSIBLE.has(type) || (type === 'default' && declared !== 'default')) {
    throw new PreviewError(
      'inexpressible-block',
      `your block's rope type '${declared}' has no RoPE formula the mini-model can apply (known: linear, dynamic, yarn, longrope, llama3, ntk, default)`,
    );
  }
  const factor = theirs.factor;
  if (!(factor > 0)) throw new PreviewError('inexpressible-block', `your block's factor ${factor} is not a positive number`);
  if (theirs.error && /factor|short_factor|long_factor|Missing/.test(theirs.error) && !/entries/.test(theirs.error)) {
    throw new PreviewError('inexpressible-block', `your block cannot be previewed: ${theirs.error}`);
  }
  const L0 = mini.originalLength;
  const half = mini.headDim / 2;
  const mapped: Record<string, unknown> = {};
  const drop = new Set(['rope_type', 'type', 'rope_theta', 'partial_rotary_factor', 'original_max_position_embeddings', 'factor']);
  for (const [k, v] of Object.entries(params)) if (!drop.has(k)) mapped[k] = v;
  if (type !== 'default') mapped['rope_type'] = type;
  if (type !== 'default' && type !== 'proportional') mapped['factor'] = factor;
  if (type === 'yarn' || type === 'llama3' || type === 'longrope') mapped['original_max_position_embeddings'] = L0;
  const theta = numberOf(params['rope_theta']) ?? facts.ropeTheta;
  if (theta !== undefined && theta !== mini.ropeTheta) notes.push(`rope_theta ${theta} is the model's own; the mini-model keeps its trained ${mini.ropeTheta}`);
  if (numberOf(params['partial_rotary_factor']) !== undefined && params['partial_rotary_factor'] !== 1) {
    notes.push('partial_rotary_factor dropped: the mini-model rotates its whole head (32 dims)');
  }
  if (type === 'proportional') notes.push('proportional: applied to all 16 frequencies of the mini-model (it has no partial rotary)');
  if (type === 'longrope') {
    for (const k of ['short_factor', 'long_factor'] as const) {
      const list = numberList(params[k]);
      if (!list) throw new PreviewError('inexpressible-block', `your longrope block's ${k} must be a list of positive numbers`);
      if (list.length !== half) {
        notes.push(`${k} has ${list.length} entries (one per frequency of your model); resampled to the mini-model's ${half} by linear interpolation over the frequency index`);
      }
      mapped[k] = resampleList(list, half);
    }
    // LongRoPE's temperature depends on the user's own original length: keep theirs rather than recompute with L0.
    if (mapped['attention_factor'] === undefined) {
      mapped['attention_factor'] = theirs.attentionFactor;
      notes.push(`attention factor ${theirs.attentionFactor.toFixed(4)} kept from your model (sqrt(1 + ln factor / ln original context))`);
    }
  }
  const originalContext = spec.originalContext ?? theirs.originalContext ?? facts.originalMaxPositionEmbeddings ?? facts.maxPositionEmbeddings;
  notes.push(`your ${declared} block on the mini-model: factor ${+factor.toFixed(4)} at every length, original context ${L0} (yours: ${originalContext ?? 'unknown'})`);
  const mapping: YoursMapping = {
    ropeType: declared,
    label: spec.label ?? `yours (${declared})`,
    factor: type === 'default' ? 1 : factor,
    notes,
    blockAt(length: number): BlockAtLength {
      const b: BlockAtLength = { params: mapped, seqLen: length };
      if (type === 'ntk') b.ropeType = 'ntk';
      return b;
    },
  };
  if (originalContext !== undefined) mapping.originalContext = originalContext;
  return mapping;
}
