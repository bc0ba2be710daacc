import type { Finding, Rule } from './types';
import { fieldOf } from '../model';
import { siblingsOf } from '../parse/doc-index';
import { jsonWriter } from '../fixes/json-writer';
import { fix, isV5, make, tv } from './util';
import { formatValue } from '../format';

export const rule: Rule = {
  id: 'mixed-rope-api',
  defaultSeverity: 'warning',
  docs: {
    summary: 'transformers 4.x and 5.x conventions mixed in one config: both `rope_scaling` and `rope_parameters`, or `rope_theta` / `partial_rotary_factor` both at the top level and inside `rope_parameters`.',
    why: 'Only one of the two copies is read, and which one depends on the reader: edits to the other copy do nothing.',
    frameworks: 'transformers 5.x: `rope_parameters = rope_scaling or rope_parameters` (a `rope_scaling` key wins and `rope_parameters` is ignored); inside rope_parameters, `rope_theta`/`partial_rotary_factor` win over the top-level keys (setdefault). transformers 4.x ignores `rope_parameters` entirely and reads the top-level keys. vLLM versions differ.',
    fix: 'Keep one convention: remove the ignored copy (or migrate the file with "Migrate rope block to v4/v5").',
  },
  check(block, ctx) {
    const out: Finding[] = [];
    if (block.api !== 'v5') return out;
    const siblings = siblingsOf(ctx.doc, block.containerPath);
    const firstV5 = siblings.v5[0];
    const v4 = siblings.v4[0];
    if (v4 && firstV5 === block) {
      const edits = ctx.fixes && ctx.doc.dialect === 'json' ? jsonWriter.removeAt(ctx.doc, block.containerPath, block.layerType !== undefined ? 'rope_parameters' : block.key) : [];
      out.push(make(this, block, block.layerType !== undefined ? block.span : (block.keySpan ?? block.span),
        `Both "rope_scaling" and "rope_parameters" are set: ${tv(ctx)} ${isV5(ctx) ? 'takes rope_scaling (rope_parameters = rope_scaling or rope_parameters)' : 'does not know rope_parameters'} and ignores this rope_parameters block.`,
        'warning', [fix('Remove the ignored rope_parameters', edits, true)]));
    }
    if (!isV5(ctx) || v4) return out;
    for (const [key, top] of [['rope_theta', block.context.ropeTheta], ['partial_rotary_factor', block.context.partialRotaryFactor]] as const) {
      const inner = fieldOf(block, key);
      if (!inner || !top || top.span === undefined) continue;
      if (block.layerType !== undefined && block !== firstV5) continue;
      const same = JSON.stringify(inner.value.value) === JSON.stringify(top.value);
      const edits = ctx.fixes && ctx.doc.dialect === 'json' ? jsonWriter.removeAt(ctx.doc, block.containerPath, key) : [];
      out.push(make(this, block, top.span,
        same
          ? `${key} is set both at the top level and inside rope_parameters (same value): ${tv(ctx)} reads the one inside; the top-level copy is redundant.`
          : `${key} is set both at the top level (${formatValue(top.value)}) and inside rope_parameters (${formatValue(inner.value.value)}): ${tv(ctx)} uses ${formatValue(inner.value.value)} and ignores the top-level value; transformers 4.x would use ${formatValue(top.value)}.`,
        same ? 'hint' : 'warning', [fix(`Remove the top-level ${key}`, edits, true)]));
    }
    return out;
  },
};
