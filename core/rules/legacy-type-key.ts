import type { Rule } from './types';
import { fieldOf } from '../model';
import { fix, legacyMode, make, tv } from './util';

export const rule: Rule = {
  id: 'legacy-type-key',
  defaultSeverity: 'hint',
  docs: {
    summary: 'The block names its type with the legacy key `type` and has no `rope_type`.',
    why: 'transformers itself copes, but other readers do not: code that reads `rope_scaling["rope_type"]` fails on old configs with `KeyError: \'rope_type\'` (transformers#32167 via TGI, worker-vllm#257), and code that reads `["type"]` fails on new ones (vllm#9481).',
    frameworks: 'transformers 4.43–4.57 model configs copy `type` into `rope_type`; 5.x does `setdefault("rope_type", type)` and keeps `type` (saved configs then have both). Before 4.43 only `type` is read.',
    fix: 'Add `"rope_type"` with the same value next to `type` (keeping `type` keeps old readers working).',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const t = fieldOf(block, 'type');
    if (!t || fieldOf(block, 'rope_type') || typeof t.value.value !== 'string' || t.value.value === 'su') return [];
    const v = t.value.value;
    const f = make(this, block, t.keySpan,
      `Legacy key "type": ${tv(ctx)} reads it as rope_type '${v}', but tools that read rope_scaling["rope_type"] fail with KeyError: 'rope_type'. Add "rope_type": "${v}".`,
      'hint', [
        fix(`Add "rope_type": "${v}"`, ctx.writer.setField(ctx.doc, block, 'rope_type', v), true),
        fix('Rename "type" to "rope_type"', ctx.writer.renameField(ctx.doc, block, 'type', 'rope_type')),
      ]);
    f.tags = ['deprecated'];
    return [f];
  },
};
