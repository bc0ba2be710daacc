import type { Rule } from './types';
import { fieldOf } from '../model';
import { dictName, effectiveType, fix, isV5, legacyMode, make, show, tv } from './util';
import { formatValue } from '../format';

const TYPES = new Set(['linear', 'dynamic', 'yarn', 'llama3', 'longrope', 'proportional']);

export const rule: Rule = {
  id: 'invalid-factor',
  defaultSeverity: 'error',
  docs: {
    summary: '`factor` is not a number, or is below 1.',
    why: 'A factor below 1 compresses positions instead of stretching them (often the inverse was meant: llama.cpp\'s `--rope-freq-scale 0.25` is `factor 4`). A string or boolean factor passes validation with a warning and then breaks the rope computation when the model is built.',
    frameworks: "transformers 4.43–4.57 warn `` `rope_scaling`'s factor field must be a float >= 1, got <f> `` and use the value; 5.x warns `... must be a float or int >= 1 ...`. Non-numbers fail at model init (TypeError). transformers < 4.43 raised for factor ≤ 1 (see legacy-two-key-validation). vLLM asserts factor ≥ 1 for YaRN.",
    fix: 'Write the ratio extended/original context as a number ≥ 1. The quick fix writes 1/factor for a factor below 1, or the number for a numeric string.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const { type } = effectiveType(block, ctx);
    const f = fieldOf(block, 'factor');
    if (!type || !TYPES.has(type) || !f || f.value.kind === 'unknown') return [];
    const v = f.value.value;
    const name = `\`${dictName(ctx)}\`'s factor field must be a float${isV5(ctx) ? ' or int' : ''} >= 1, got ${show(v, f.value.isInteger)}`;
    if (v === null) {
      // 5.x YaRN/LongRoPE derive a missing factor from max_position_embeddings / original_max_position_embeddings.
      if (isV5(ctx) && (type === 'yarn' || type === 'longrope')) return [];
      return [make(this, block, f.value.span, `factor is null: ${tv(ctx)} warns "${name}" and model init then fails.`, 'error')];
    }
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) {
      const n = Number(v);
      return [make(this, block, f.value.span, `factor is the string ${formatValue(v)}, not a number: ${tv(ctx)} warns "${name}" and model init then fails with a TypeError.`, 'error',
        [fix(`Write factor as the number ${n}`, ctx.writer.setField(ctx.doc, block, 'factor', n), true)])];
    }
    if (typeof v !== 'number') {
      return [make(this, block, f.value.span, `factor must be a number: ${tv(ctx)} warns "${name}" and model init then fails.`, 'error')];
    }
    if (v < 1) {
      const fixes = v > 0 ? [fix(`Use 1/factor = ${1 / v}`, ctx.writer.setField(ctx.doc, block, 'factor', 1 / v), true)] : [];
      return [make(this, block, f.value.span, `factor ${v} < 1 shrinks positions instead of extending the context: ${tv(ctx)} warns "${name}" and uses it anyway.${v > 0 ? ` Did you mean ${1 / v} (llama.cpp's --rope-freq-scale is the inverse)?` : ''}`, 'warning', fixes)];
    }
    return [];
  },
};
