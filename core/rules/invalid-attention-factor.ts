import type { Rule } from './types';
import { fieldOf } from '../model';
import { dictName, effectiveType, fix, legacyMode, make, show, tv } from './util';

export const rule: Rule = {
  id: 'invalid-attention-factor',
  defaultSeverity: 'warning',
  docs: {
    summary: 'YaRN/LongRoPE `attention_factor` is not a number, is negative, or (YaRN) is written as an integer.',
    why: 'attention_factor multiplies cos and sin of every rotated dimension; a wrong value changes every attention score. YaRN rejects even integer literals (`1`), in every transformers version.',
    frameworks: "transformers (4.43–5.x) YaRN warns `` `rope_scaling`'s attention_factor field must be a float greater than 0, got <x> `` for non-floats (ints included) and negatives; LongRoPE warns `... must be a float or int greater than 0 ...` for non-numbers and negatives. The value is still used.",
    fix: 'Write a positive float (`1.0`), or remove the key to let transformers compute it (YaRN: 0.1·ln(factor)+1; LongRoPE: sqrt(1 + ln(factor)/ln(original_max_position_embeddings))).',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const { type } = effectiveType(block, ctx);
    if (type !== 'yarn' && type !== 'longrope') return [];
    const f = fieldOf(block, 'attention_factor');
    if (!f || f.value.kind === 'unknown' || f.value.value === null) return [];
    const v = f.value.value;
    const got = show(v, f.value.isInteger);
    const msg = type === 'yarn'
      ? `\`${dictName(ctx)}\`'s attention_factor field must be a float greater than 0, got ${got}`
      : `\`${dictName(ctx)}\`'s attention_factor field must be a float or int greater than 0, got ${got}`;
    const remove = fix('Remove attention_factor (computed from factor)', ctx.writer.removeField(ctx.doc, block, 'attention_factor'));
    if (typeof v !== 'number') {
      return [make(this, block, f.value.span, `attention_factor must be a number: ${tv(ctx)} warns "${msg}".`, 'warning', [remove])];
    }
    if (v < 0) return [make(this, block, f.value.span, `attention_factor ${v} is negative: ${tv(ctx)} warns "${msg}" and flips the sign of cos/sin.`, 'warning', [remove])];
    if (type === 'yarn' && f.value.isInteger) {
      return [make(this, block, f.value.span, `attention_factor is the integer ${v}: ${tv(ctx)} warns "${msg}" (ints are rejected even in 5.x; the value is still used). Write ${v}.0.`, 'warning',
        [fix(`Write ${v}.0`, ctx.writer.setField(ctx.doc, block, 'attention_factor', v), true), remove])];
    }
    return [];
  },
};
