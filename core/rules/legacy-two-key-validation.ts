import type { Rule } from './types';
import { fieldOf } from '../model';
import { blockAnchor, fix, make, tv } from './util';
import { formatValue } from '../format';

export const rule: Rule = {
  id: 'legacy-two-key-validation',
  defaultSeverity: 'error',
  docs: {
    summary: 'transformers < 4.43: the block is not exactly `{"type": "linear"|"dynamic", "factor": <float > 1>}`.',
    why: 'Before the 4.43 rope refactor, LlamaConfig (and the configs copied from it) validated rope_scaling strictly and raised on anything else — the error every Llama 3.1 user on an old transformers saw (meta-llama/llama3#299).',
    frameworks: "transformers 4.31–4.42 `LlamaConfig._rope_scaling_validation`: `ValueError: `rope_scaling` must be a dictionary with two fields, `type` and `factor`, got {...}` (some models: \"with with\"), `` `rope_scaling`'s type field must be one of ['linear', 'dynamic'], got <t> ``, `` `rope_scaling`'s factor field must be a float > 1, got <f> `` (so ints and 1.0 raise).",
    fix: 'Upgrade to transformers ≥ 4.43 for rope_type, yarn, llama3 and longrope. For linear/dynamic on an old release write exactly `{"type": "linear", "factor": 2.0}`.',
  },
  check(block, ctx) {
    if (!ctx.features.legacyTwoKeyValidation || block.api !== 'v4') return [];
    const keys = block.fields.map((f) => f.key);
    const anchor = blockAnchor(block);
    if (keys.length === 0) return [];
    const shown = `{${block.fields.map((f) => `'${f.key}': ${formatValue(f.value.value)}`).join(', ')}}`;
    const rt = fieldOf(block, 'rope_type');
    if (keys.length !== 2 || !keys.includes('type') || !keys.includes('factor')) {
      const fixes = keys.length === 2 && rt && keys.includes('factor')
        ? [fix('Rename "rope_type" to "type"', ctx.writer.renameField(ctx.doc, block, 'rope_type', 'type'), true)] : [];
      const t = rt?.value.value ?? fieldOf(block, 'type')?.value.value;
      const hint = t === 'llama3' ? ' Llama 3.1 configs need transformers ≥ 4.43.' : '';
      return [make(this, block, anchor, `${tv(ctx)} raises ValueError: "\`rope_scaling\` must be a dictionary with two fields, \`type\` and \`factor\`, got ${shown}".${hint}`, 'error', fixes)];
    }
    const t = fieldOf(block, 'type')!;
    if (t.value.value !== 'linear' && t.value.value !== 'dynamic') {
      return [make(this, block, t.value.span, `${tv(ctx)} raises ValueError: "\`rope_scaling\`'s type field must be one of ['linear', 'dynamic'], got ${formatValue(t.value.value)}".`, 'error')];
    }
    const f = fieldOf(block, 'factor')!;
    const v = f.value.value;
    if (typeof v !== 'number' || f.value.isInteger || v <= 1) {
      const fixes = typeof v === 'number' && v > 1 ? [fix(`Write ${v}.0`, ctx.writer.setField(ctx.doc, block, 'factor', v), true)] : [];
      return [make(this, block, f.value.span, `${tv(ctx)} raises ValueError: "\`rope_scaling\`'s factor field must be a float > 1, got ${formatValue(v)}".`, 'error', fixes)];
    }
    return [];
  },
};
