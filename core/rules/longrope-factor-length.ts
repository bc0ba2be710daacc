import type { Rule } from './types';
import { fieldOf } from '../model';
import { contextNumbers, ropeDimInfo } from '../rope/dim';
import { dictName, effectiveType, legacyMode, make, tv } from './util';

export const rule: Rule = {
  id: 'longrope-factor-length',
  defaultSeverity: 'warning',
  docs: {
    summary: 'LongRoPE `short_factor` / `long_factor` is not a list of numbers with exactly rotary_dim/2 entries.',
    why: 'Each entry divides one frequency; rotary_dim = head_dim × partial_rotary_factor (Phi-3.5-mini: 96 → 48 entries; Phi-4-mini: 128 × 0.75 → 48). A list of the wrong length fails when multiplied with the frequencies, or (Phi-3 configs) when the config loads.',
    frameworks: "transformers (4.43–5.x) generic validation warns `` `rope_scaling`'s long_factor field must have length <d/2>, got <n> `` and `` ... must be a list of numbers ``; Phi3Config raises `ValueError` for the same (so for `model_type: phi3` this is an error). head_dim is read from `head_dim` (4.45+) or hidden_size // num_attention_heads.",
    fix: 'Use the lists published with the model; they must have rotary_dim/2 entries each.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const { type } = effectiveType(block, ctx);
    if (type !== 'longrope' && type !== 'su') return [];
    const info = ropeDimInfo(contextNumbers(block), block.params, ctx.features);
    const half = Number.isFinite(info.dim) ? Math.floor(info.dim / 2) : undefined;
    const mt = block.context.modelType?.value;
    const phi3 = typeof mt === 'string' && mt === 'phi3';
    const severity = phi3 ? 'error' : 'warning';
    const what = phi3 ? 'Phi3Config raises ValueError' : `${tv(ctx)} warns`;
    const out = [];
    for (const k of ['short_factor', 'long_factor']) {
      const f = fieldOf(block, k);
      if (!f || f.value.kind === 'unknown') continue;
      const v = f.value.value;
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
        out.push(make(this, block, f.value.span, `${k} must be a list of numbers: ${what} "\`${dictName(ctx)}\`'s ${k} field must be a list of numbers".`, severity));
        continue;
      }
      if (half !== undefined && v.length !== half) {
        const dimText = info.source === 'qk_rope_head_dim' ? `qk_rope_head_dim ${info.dim}` : `rotary dim ${info.dim} = ${info.source === 'head_dim' ? 'head_dim' : 'hidden_size/num_attention_heads'} ${info.headDim}${info.partialRotaryFactor !== 1 ? ` × partial_rotary_factor ${info.partialRotaryFactor}` : ''}`;
        out.push(make(this, block, f.value.span, `${k} has ${v.length} entries, but ${dimText} needs ${half}: ${what} "\`${dictName(ctx)}\`'s ${k} field must have length ${half}, got ${v.length}".`, severity));
      }
    }
    return out;
  },
};
