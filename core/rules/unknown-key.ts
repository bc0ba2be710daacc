import type { Rule } from './types';
import { didYouMean, FOREIGN_KEYS, KEY_DOCS, keysAnyVersion, keySpec, MODEL_READ_KEYS } from '../keys';
import { fieldOf } from '../model';
import { VERSION_TABLE } from '../versions';
import { dictName, effectiveType, fix, legacyMode, make, num, showValue, tv } from './util';

/** What the release does instead, for keys whose loss changes numbers. */
function consequence(meant: string | undefined, params: Record<string, unknown>): string {
  if (meant === 'attention_factor') {
    const f = num(params['factor']);
    if (f !== undefined && f > 1) return ` attention_factor falls back to 0.1·ln(factor)+1 = ${(0.1 * Math.log(f) + 1).toFixed(4)}.`;
  }
  if (meant === 'original_max_position_embeddings') return ' The original length falls back to max_position_embeddings.';
  if (meant === 'factor') return ' The factor is then missing.';
  return '';
}

export const rule: Rule = {
  id: 'unknown-key',
  defaultSeverity: 'warning',
  docs: {
    summary: 'A key in the rope block that no transformers version reads for this rope type (a typo like `attn_factor`, or another engine\'s key like `finetuned`).',
    why: 'transformers only logs "Unrecognized keys" and carries on without the value. DeepSeek-R1#684: a config with `attn_factor` ran with transformers\' own 0.1·ln(4)+1 = 1.1386 instead of the intended 0.8782, and nobody noticed.',
    frameworks: "transformers 4.43–5.x: `Unrecognized keys in `rope_scaling`/`rope_parameters` for 'rope_type'='<t>': {...}` (warning; value ignored). `finetuned` is read only by llama.cpp's legacy GGUF converter (into `rope.scaling.finetuned`, which the Llama graph never reads; Granite's graph uses it as the RoPE on/off switch). `mrope_section` is read by the Qwen2-VL model class (harmless; reported as a hint).",
    fix: 'Rename the key to the one you meant (the quick fix offers the closest known key: `attn_factor` → `attention_factor`, `original_max_position` → `original_max_position_embeddings`, `scaling_factor` → `factor`), or remove it.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const { type } = effectiveType(block, ctx);
    if (!type) return [];
    const spec = keySpec(type, ctx.features);
    if (!spec) return [];
    const here = new Set([...spec.required, ...spec.optional]);
    const anywhere = keysAnyVersion(type, VERSION_TABLE);
    for (const k of ['rope_theta', 'partial_rotary_factor']) anywhere.add(k);
    const out = [];
    for (const f of block.fields) {
      const k = f.key;
      if (k === 'type' || here.has(k) || anywhere.has(k)) continue;
      const warned = `${tv(ctx)} warns "Unrecognized keys in \`${dictName(ctx)}\` for 'rope_type'='${type}': {'${k}'}"`;
      if (MODEL_READ_KEYS.has(k)) {
        out.push(make(this, block, f.keySpan, `"${k}" is read by the model class (${KEY_DOCS[k] ? 'Qwen2-VL multimodal RoPE' : 'model code'}), not by rope validation: ${warned}; harmless.`, 'hint'));
        continue;
      }
      const removeFix = fix(`Remove "${k}"`, ctx.writer.removeField(ctx.doc, block, k));
      if (FOREIGN_KEYS[k]) {
        out.push(make(this, block, f.keySpan, `"${k}" is read only by ${FOREIGN_KEYS[k]}: ${warned} and ignores its value (${showValue(ctx.doc, f.value)}).`, 'warning', [removeFix]));
        continue;
      }
      const meant = didYouMean(k, here);
      const fixes = [];
      if (meant && here.has(meant)) {
        fixes.push(fieldOf(block, meant)
          ? fix(`Remove "${k}" ("${meant}" is already set)`, ctx.writer.removeField(ctx.doc, block, k), true)
          : fix(`Rename to "${meant}"`, ctx.writer.renameField(ctx.doc, block, k, meant), true));
      }
      fixes.push(removeFix);
      const dym = meant && here.has(meant) ? ` Did you mean "${meant}"?` : '';
      out.push(make(this, block, f.keySpan,
        `Unknown key "${k}" for rope_type '${type}': ${warned} and ignores its value (${showValue(ctx.doc, f.value)}).${consequence(meant, block.params)}${dym}`,
        'warning', fixes));
    }
    return out;
  },
};
