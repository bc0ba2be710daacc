import type { Rule } from './types';
import { fieldOf } from '../model';
import { setMany } from '../fixes/sequence';
import { dictName, effectiveType, fix, legacyMode, make, show, tv } from './util';

export const rule: Rule = {
  id: 'llama3-frequency-factors',
  defaultSeverity: 'warning',
  docs: {
    summary: 'Llama 3 `high_freq_factor` is not greater than `low_freq_factor`, or one of them is not a number.',
    why: 'The two factors set the wavelength band between kept and scaled frequencies (omp/high_freq_factor … omp/low_freq_factor). Swapped or equal, the smoothing formula divides by zero or runs backwards.',
    frameworks: "transformers (4.43–5.x) warn `` `rope_scaling`'s high_freq_factor field must be greater than low_freq_factor, got high_freq_factor=<h> and low_freq_factor=<l> `` and `` low_freq_factor field must be a float, or int got <x> `` for non-numbers. Meta ships low 1.0, high 4.0.",
    fix: 'Swap the values (Meta: low_freq_factor 1.0, high_freq_factor 4.0).',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    if (effectiveType(block, ctx).type !== 'llama3') return [];
    const lo = fieldOf(block, 'low_freq_factor');
    const hi = fieldOf(block, 'high_freq_factor');
    const out = [];
    for (const f of [lo, hi]) {
      if (f && f.value.kind !== 'unknown' && typeof f.value.value !== 'number') {
        out.push(make(this, block, f.value.span, `${f.key} must be a number: ${tv(ctx)} warns "\`${dictName(ctx)}\`'s ${f.key} field must be a float or int, got ${show(f.value.value)}".`, 'warning'));
      }
    }
    if (out.length || !lo || !hi) return out;
    const l = lo.value.value as number;
    const h = hi.value.value as number;
    if (h > l) return [];
    const fixes = h < l ? [fix(`Swap: low_freq_factor ${h}, high_freq_factor ${l}`, setMany(ctx, block, [['low_freq_factor', h], ['high_freq_factor', l]]), true)] : [];
    return [make(this, block, hi.value.span,
      `high_freq_factor (${h}) must be greater than low_freq_factor (${l}): ${tv(ctx)} warns "\`${dictName(ctx)}\`'s high_freq_factor field must be greater than low_freq_factor, got high_freq_factor=${h} and low_freq_factor=${l}"; the llama3 smoothing band is ${h < l ? 'inverted' : 'empty (division by zero)'}.`,
      'warning', fixes)];
  },
};
