import type { Rule } from './types';
import { blockIn, editSequence } from '../fixes/sequence';
import { effectiveType, fix, legacyMode, make, tv } from './util';

export const rule: Rule = {
  id: 'legacy-su-type',
  defaultSeverity: 'warning',
  docs: {
    summary: 'The rope type is `su`, the early name of LongRoPE (Phi-3 / Phi-3.5-vision configs).',
    why: 'Only Phi-3\'s own config class renames `su` to `longrope`; every other model class and the generic rope validator do not know it, so the block works for Phi-3 and fails anywhere else.',
    frameworks: "transformers: Phi3Config maps `su` (and Phi-3's `yarn`) to `longrope` (4.x `_rope_scaling_adjustment`, 5.x `convert_rope_params_to_dict`); the generic validator warns `Missing validation function ... for 'rope_type'='su'`; non-Phi-3 models fail at init with KeyError. vLLM accepts `su`.",
    fix: 'Write `longrope` (the quick fix does); the factor lists and original_max_position_embeddings stay as they are.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const { type, field } = effectiveType(block, ctx);
    if (type !== 'su' || !field) return [];
    const mt = block.context.modelType?.value;
    const phi3 = typeof mt === 'string' && mt.startsWith('phi3');
    // A legacy `type` key alone gets `rope_type` beside it, as legacy-type-key asks (a fix must not raise another finding).
    const edits = field.key === 'type' && !('rope_type' in block.params)
      ? editSequence(ctx.doc, [
        (d) => { const b = blockIn(d, block.path); return b ? ctx.writer.setField(d, b, 'type', 'longrope') : []; },
        (d) => { const b = blockIn(d, block.path); return b ? ctx.writer.setField(d, b, 'rope_type', 'longrope') : []; },
      ])
      : ctx.writer.setField(ctx.doc, block, field.key, 'longrope');
    const fixes = [fix('Change "su" to "longrope"', edits, true)];
    if (phi3) {
      return [make(this, block, field.value.span, `Legacy LongRoPE name 'su': the Phi-3 config class maps it to 'longrope', but ${tv(ctx)}'s generic validator warns "Missing validation function ... for 'rope_type'='su'" and other readers may not map it. Write "longrope".`, 'warning', fixes)];
    }
    return [make(this, block, field.value.span, `Legacy LongRoPE name 'su': only Phi-3's config class maps it to 'longrope'; for ${typeof mt === 'string' ? `model_type '${mt}'` : 'this model'} ${tv(ctx)} warns "Missing validation function ... for 'rope_type'='su'" and model init fails with KeyError('su'). Write "longrope".`, 'error', fixes)];
  },
};
