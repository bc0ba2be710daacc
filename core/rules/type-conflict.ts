import type { Rule } from './types';
import { fieldOf } from '../model';
import { fix, isV5, legacyMode, make, tv } from './util';

export const rule: Rule = {
  id: 'type-conflict',
  defaultSeverity: 'warning',
  docs: {
    summary: '`type` and `rope_type` are both set and disagree.',
    why: 'Which one wins depends on the transformers version, and other tools pick either, so the same file runs different rope methods in different places.',
    frameworks: 'transformers 4.43–4.57 model configs copy `type` over `rope_type` (`type` wins). transformers 5.x does `setdefault("rope_type", type)` (`rope_type` wins). vLLM reads `rope_type` first, older vLLM and many loaders read `type`.',
    fix: 'Make both say the same. The quick fix aligns the ignored key with the one your transformers version uses, so behaviour does not change.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const t = fieldOf(block, 'type');
    const rt = fieldOf(block, 'rope_type');
    if (!t || !rt || typeof t.value.value !== 'string' || typeof rt.value.value !== 'string') return [];
    if (t.value.value === rt.value.value) return [];
    const [used, ignored] = isV5(ctx) ? [rt, t] : [t, rt];
    const u = used.value.value as string;
    const i = ignored.value.value as string;
    return [make(this, block, ignored.value.span,
      `"type" ('${t.value.value}') and "rope_type" ('${rt.value.value}') disagree: ${tv(ctx)} uses "${used.key}" = '${u}' and ignores '${i}'; other tools may pick the other one.`,
      'warning', [
        fix(`Set "${ignored.key}" to "${u}" (what ${tv(ctx)} uses)`, ctx.writer.setField(ctx.doc, block, ignored.key, u), true),
        fix(`Set "${used.key}" to "${i}"`, ctx.writer.setField(ctx.doc, block, used.key, i)),
      ])];
  },
};
