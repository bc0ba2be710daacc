import type { Rule } from './types';
import { fieldOf } from '../model';
import { blockAnchor, dictName, effectiveType, make, tv } from './util';

export const rule: Rule = {
  id: 'proportional-partial-rotary-factor',
  defaultSeverity: 'warning',
  docs: {
    summary: 'A `proportional` block (transformers 5, Gemma-4 family) without `partial_rotary_factor`.',
    why: 'proportional RoPE rotates partial_rotary_factor × head_dim dimensions; without the key the whole head is rotated, which is not what these models were trained with.',
    frameworks: "transformers 5.x warns `` `rope_parameters`'s partial_rotary_factor is None. This will default to 1.0 ... `` (a top-level partial_rotary_factor is copied into the block first). transformers 4.x has no proportional type.",
    fix: 'Add `partial_rotary_factor` (from the model card) inside the block.',
  },
  check(block, ctx) {
    if (effectiveType(block, ctx).type !== 'proportional' || !ctx.features.ropeTypes.includes('proportional')) return [];
    if (fieldOf(block, 'partial_rotary_factor') || block.context.partialRotaryFactor) return [];
    return [make(this, block, blockAnchor(block), `proportional block without "partial_rotary_factor": ${tv(ctx)} warns "\`${dictName(ctx)}\`'s partial_rotary_factor is None. This will default to 1.0" and rotates the whole head.`, 'warning')];
  },
};
