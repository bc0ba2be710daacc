import type { Rule } from './types';
import { keySpec } from '../keys';
import { blockAnchor, fix, isV5, legacyMode, make, SCALING_KEYS, tv, dictName } from './util';

/** The type a block's keys point to, when they point to one. */
function impliedType(keys: Set<string>): string | undefined {
  if (keys.has('short_factor') || keys.has('long_factor')) return 'longrope';
  if (keys.has('low_freq_factor') || keys.has('high_freq_factor')) return 'llama3';
  if (['beta_fast', 'beta_slow', 'attention_factor', 'mscale', 'mscale_all_dim', 'original_max_position_embeddings'].some((k) => keys.has(k))) return 'yarn';
  return undefined;
}

export const rule: Rule = {
  id: 'missing-rope-type',
  defaultSeverity: 'error',
  docs: {
    summary: 'A rope block sets scaling keys (factor, ...) but no `rope_type` (or legacy `type`).',
    why: 'Without a type the block does nothing useful: transformers 4.x refuses to load the config, and transformers 5 quietly treats it as plain RoPE, so the context extension you meant is lost.',
    frameworks: "transformers 4.43–4.57 raise `KeyError: \"Missing required keys in `rope_scaling` for 'rope_type'='None': {'rope_type'}\"`. transformers 5.x reads the block as `default` and only warns `Unrecognized keys in `rope_parameters` for 'rope_type'='default': {'factor'}` (the factor is dropped). vLLM also needs a type to pick a rotary embedding.",
    fix: 'Add `"rope_type"`: `linear`, `dynamic`, `yarn` (and `llama3`/`longrope` for those models). When the other keys point to one type (short_factor → longrope, low_freq_factor → llama3, beta_fast/original_max_position_embeddings → yarn) that is the quick fix.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const keys = new Set(block.fields.map((f) => f.key));
    if (keys.has('rope_type') || keys.has('type')) return [];
    const scaling = SCALING_KEYS.filter((k) => keys.has(k));
    if (scaling.length === 0) return [];
    const implied = impliedType(keys);
    const candidates = implied ? [implied] : ['linear', 'dynamic', 'yarn'];
    // With a type, that type's required keys are checked: say which ones the fix leaves to be set next.
    const next = (t: string): string => {
      const spec = keySpec(t, ctx.features);
      const missing = spec ? spec.required.filter((k) => k !== 'rope_type' && !spec.autoFilled.includes(k) && !keys.has(k)) : [];
      return missing.length ? ` (then set ${missing.join(', ')})` : '';
    };
    const fixes = candidates.map((t) => fix(`Add "rope_type": "${t}"${next(t)}`, ctx.writer.setField(ctx.doc, block, 'rope_type', t), t === implied));
    const what = isV5(ctx)
      ? `${tv(ctx)} treats it as 'default' and drops ${scaling.join(', ')} with only an "Unrecognized keys in \`${dictName(ctx)}\`" warning: the scaling is silently lost.`
      : `${tv(ctx)} raises KeyError: "Missing required keys in \`${dictName(ctx)}\` for 'rope_type'='None': {'rope_type'}".`;
    return [make(this, block, blockAnchor(block), `Rope block without "rope_type": ${what}`, 'error', fixes)];
  },
};
