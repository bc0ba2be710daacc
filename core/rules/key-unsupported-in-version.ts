import type { Rule } from './types';
import { keySpec } from '../keys';
import { VERSION_TABLE } from '../versions';
import { editSequence, blockIn } from '../fixes/sequence';
import { ctxNum, dictName, effectiveType, fix, isV5, legacyMode, make, num, tv } from './util';
import { formatValue } from '../format';

/** Versions (as "since" strings) in which `key` is accepted for `type`. */
function acceptedIn(type: string, key: string): string[] {
  return VERSION_TABLE.filter((f) => {
    const s = keySpec(type, f);
    return !!s && (s.required.includes(key) || s.optional.includes(key));
  }).map((f) => f.since);
}

export const rule: Rule = {
  id: 'key-unsupported-in-version',
  defaultSeverity: 'warning',
  docs: {
    summary: 'A real rope key that the transformers version you target does not read for this rope type (YaRN `original_max_position_embeddings`/`mscale` before 4.51, `truncate` before 4.55, `original_max_position_embeddings` on `dynamic` in 5.x, `rope_theta` inside a 4.x `rope_scaling`).',
    why: 'The value is silently ignored and the math falls back to something else: e.g. YaRN in transformers 4.43–4.50 computes its correction range from max_position_embeddings instead of original_max_position_embeddings (sglang#2943), and gpt-oss\'s `truncate: false` is dropped before 4.55.',
    frameworks: "transformers warns `Unrecognized keys in `rope_scaling` for 'rope_type'='<t>': {...}` and ignores the value. YaRN `original_max_position_embeddings`, `mscale`, `mscale_all_dim`: read from 4.51. `truncate`: from 4.55. `dynamic` accepted `original_max_position_embeddings` in 4.45–4.57 (unused by the math); 5.x reports it again. 4.x reads `rope_theta`/`partial_rotary_factor` at the top level only.",
    fix: 'Upgrade transformers (or set `ropelens.transformersVersion` to what you run). Keys the math never uses (dynamic\'s original_max_position_embeddings) can be removed; `rope_theta`/`partial_rotary_factor` inside a 4.x `rope_scaling` move to the top level.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    if (block.api === 'v5' && !isV5(ctx)) return []; // the whole block is ignored: rope-parameters-needs-v5
    const { type } = effectiveType(block, ctx);
    if (!type) return [];
    const spec = keySpec(type, ctx.features);
    if (!spec) return [];
    const here = new Set([...spec.required, ...spec.optional, 'type']);
    const out = [];
    for (const f of block.fields) {
      const k = f.key;
      if (here.has(k)) continue;
      const versions = acceptedIn(type, k);
      const topLevel = !isV5(ctx) && (k === 'rope_theta' || k === 'partial_rotary_factor');
      if (versions.length === 0 && !topLevel) continue;
      const warned = `${tv(ctx)} warns "Unrecognized keys in \`${dictName(ctx)}\` for 'rope_type'='${type}': {'${k}'}" and ignores it`;
      const mpe = ctxNum(block.context.maxPositionEmbeddings);
      let effect = '';
      const fixes = [];
      if (topLevel) {
        const top = k === 'rope_theta' ? block.context.ropeTheta : block.context.partialRotaryFactor;
        effect = top ? ` (the top-level ${k} = ${formatValue(top.value)} is used)` : ` (4.x reads the top-level ${k}; the default is used)`;
        const v = f.value.value;
        fixes.push(fix(top ? `Remove "${k}" from the block (top-level ${k} is used)` : `Move "${k}" to the top level`, editSequence(ctx.doc, [
          ...(top ? [] : [(d: typeof ctx.doc) => { const b = blockIn(d, block.path); return b ? ctx.writer.setContext(d, b, k, v) : []; }]),
          (d) => { const b = blockIn(d, block.path); return b ? ctx.writer.removeField(d, b, k) : []; },
        ]), true));
      } else if (type === 'yarn' && k === 'original_max_position_embeddings') {
        effect = `: YaRN computes its correction range from max_position_embeddings${mpe !== undefined ? ` (${mpe})` : ''} instead`;
        if (num(f.value.value) !== undefined && mpe !== undefined && num(f.value.value) !== mpe) effect += `, not ${f.value.value}`;
      } else if (k === 'mscale' || k === 'mscale_all_dim') {
        const fac = num(block.params['factor']);
        effect = `: the attention factor is 0.1·ln(factor)+1${fac !== undefined && fac > 1 ? ` = ${(0.1 * Math.log(fac) + 1).toFixed(4)}` : ''}`;
      } else if (k === 'truncate') {
        effect = ': the correction range is always rounded (truncate = true)';
      } else if (type === 'dynamic' && k === 'original_max_position_embeddings') {
        effect = '; dynamic NTK uses max_position_embeddings as the original length in every version';
        fixes.push(fix(`Remove "${k}" (unused by dynamic)`, ctx.writer.removeField(ctx.doc, block, k), true));
      }
      const since = versions.length ? ` (read by transformers ${versions[0]}${versions.includes('5.0.0') ? '+' : '–4.57'})` : '';
      out.push(make(this, block, f.keySpan, `"${k}" is not read for rope_type '${type}' by ${tv(ctx)}${since}: ${warned}${effect}.`, 'warning', fixes));
    }
    return out;
  },
};
