import type { Rule } from './types';
import { fieldOf } from '../model';
import { ctxNum, dictName, effectiveType, fix, legacyMode, make, num, show, tv } from './util';

export const rule: Rule = {
  id: 'llama3-original-length',
  defaultSeverity: 'warning',
  docs: {
    summary: 'Llama 3 `original_max_position_embeddings` is not an integer, or is not below `max_position_embeddings`.',
    why: 'llama3 scaling is meant for max_position_embeddings = original × factor (Llama 3.1: 8192 × 16 budget → 131072). An original length ≥ max_position_embeddings usually means the two were swapped or max_position_embeddings was never raised, so the extended context is not declared.',
    frameworks: "transformers (4.43–5.x) warn `` `rope_scaling`'s original_max_position_embeddings field must be an integer, got <x> `` and `` ... must be less than max_position_embeddings, got <omp> and max_position_embeddings=<mpe> ``. The math still uses the values. vLLM derives max_model_len from max_position_embeddings.",
    fix: 'Write the original length as an integer; set max_position_embeddings = original_max_position_embeddings × factor.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    if (effectiveType(block, ctx).type !== 'llama3') return [];
    const o = fieldOf(block, 'original_max_position_embeddings');
    if (!o || o.value.kind === 'unknown') return [];
    const v = o.value.value;
    const dn = dictName(ctx);
    if (typeof v !== 'number' || !o.value.isInteger) {
      const fixes = typeof v === 'number' && Number.isInteger(v)
        ? [fix(`Write ${v}`, ctx.writer.setField(ctx.doc, block, 'original_max_position_embeddings', v), true)] : [];
      return [make(this, block, o.value.span, `original_max_position_embeddings must be an integer: ${tv(ctx)} warns "\`${dn}\`'s original_max_position_embeddings field must be an integer, got ${show(v, o.value.isInteger)}".`, 'warning', fixes)];
    }
    const mpe = ctxNum(block.context.maxPositionEmbeddings);
    if (mpe === undefined || v < mpe) return [];
    const factor = num(block.params['factor']);
    const target = factor !== undefined && factor > 1 ? Math.round(v * factor) : undefined;
    const fixes = target !== undefined
      ? [fix(`Set max_position_embeddings = ${v} × ${factor} = ${target}`, ctx.writer.setContext(ctx.doc, block, 'max_position_embeddings', target), true)] : [];
    return [make(this, block, o.value.span,
      `original_max_position_embeddings (${v}) must be less than max_position_embeddings (${mpe}): ${tv(ctx)} warns "\`${dn}\`'s original_max_position_embeddings field must be less than max_position_embeddings, got ${v} and max_position_embeddings=${mpe}".${target !== undefined ? ` With factor ${factor} the extended context is ${target}.` : ''}`,
      'warning', fixes)];
  },
};
