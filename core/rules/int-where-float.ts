import type { Rule } from './types';
import { fieldOf } from '../model';
import { effectiveType, fix, legacyMode, make, tv } from './util';
import { ownTable } from '../format';

/** Keys transformers 4.x checks with isinstance(x, float), per rope type. */
const CHECKED: Record<string, string[]> = ownTable({
  linear: ['factor'], dynamic: ['factor'], longrope: ['factor'],
  yarn: ['factor', 'beta_fast', 'beta_slow'],
  llama3: ['factor', 'low_freq_factor', 'high_freq_factor'],
});

export const rule: Rule = {
  id: 'int-where-float',
  defaultSeverity: 'warning',
  docs: {
    summary: 'An integer literal (`40`) where transformers 4.x wants a float (`40.0`): factor, beta_fast, beta_slow, low_freq_factor, high_freq_factor.',
    why: 'transformers 4.x logs a warning for every such key on every load (DeepSeek-V3 ships `"factor": 40, "beta_fast": 32`) and transformers < 4.43 refused integer factors outright. The value itself is still used.',
    frameworks: "transformers 4.43–4.57 warn `` `rope_scaling`'s factor field must be a float >= 1, got 40 `` / `` beta_fast field must be a float, got 32 `` and carry on. transformers 5.x accepts ints (hint only, for files also read by 4.x). (attention_factor: see invalid-attention-factor; even 5.x rejects ints there.)",
    fix: 'Write the number with a decimal point: `40.0`.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const { type } = effectiveType(block, ctx);
    const keys = type ? CHECKED[type] : undefined;
    if (!keys) return [];
    const out = [];
    for (const k of keys) {
      const f = fieldOf(block, k);
      if (!f || f.value.kind !== 'number' || f.value.isInteger !== true) continue;
      const v = f.value.value as number;
      const fixes = [fix(`Write ${v}.0`, ctx.writer.setField(ctx.doc, block, k, v), true)];
      if (ctx.features.intsAccepted) {
        out.push(make(this, block, f.value.span, `${k} is the integer ${v}: ${tv(ctx)} accepts it, but transformers 4.x warns "must be a float". Write ${v}.0 for files also read by 4.x.`, 'hint', fixes));
      } else {
        const msg = k === 'factor' ? `\`rope_scaling\`'s factor field must be a float >= 1, got ${v}` : `\`rope_scaling\`'s ${k} field must be a float, got ${v}`;
        out.push(make(this, block, f.value.span, `${k} is the integer ${v}: ${tv(ctx)} warns "${msg}" (the value is still used). Write ${v}.0.`, 'warning', fixes));
      }
    }
    return out;
  },
};
