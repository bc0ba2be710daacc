import type { Rule } from './types';
import { fieldOf } from '../model';
import { setMany } from '../fixes/sequence';
import { blockAnchor, dictName, effectiveType, fix, legacyMode, make, show, tv } from './util';

export const rule: Rule = {
  id: 'yarn-beta-order',
  defaultSeverity: 'warning',
  docs: {
    summary: 'YaRN `beta_fast` is not greater than `beta_slow` (or one of them is not a number).',
    why: 'beta_fast/beta_slow bound the ramp between kept (high-frequency) and interpolated (low-frequency) dimensions. Swapped, the ramp is inverted or collapses and YaRN degrades to a hard cut.',
    frameworks: "transformers (4.43–5.x) warn `` `rope_scaling`'s beta_fast field must be greater than beta_slow, got beta_fast=<bf> (defaults to 32 if None) and beta_slow=<bs> (defaults to 1 if None) `` and `... beta_fast field must be a float[ or int], got <x>` for non-numbers. Defaults: beta_fast 32, beta_slow 1.",
    fix: 'Swap the two values (the usual setting is beta_fast 32.0, beta_slow 1.0).',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    if (effectiveType(block, ctx).type !== 'yarn') return [];
    const bfF = fieldOf(block, 'beta_fast');
    const bsF = fieldOf(block, 'beta_slow');
    const out = [];
    for (const f of [bfF, bsF]) {
      if (f && f.value.kind !== 'unknown' && f.value.value !== null && typeof f.value.value !== 'number') {
        out.push(make(this, block, f.value.span, `${f.key} must be a number: ${tv(ctx)} warns "\`${dictName(ctx)}\`'s ${f.key} field must be a float${ctx.features.intsAccepted ? ' or int' : ''}, got ${show(f.value.value)}".`, 'warning'));
      }
    }
    if (out.length) return out;
    // Python's `x or default`: 0 and None fall back to the default.
    const bf = (bfF?.value.value as number | null | undefined) || 32;
    const bs = (bsF?.value.value as number | null | undefined) || 1;
    if (bf > bs) return [];
    const span = bfF?.value.span ?? bsF?.value.span ?? blockAnchor(block);
    const fixes = bf < bs ? [fix(`Swap: beta_fast ${bs}, beta_slow ${bf}`, setMany(ctx, block, [['beta_fast', bs], ['beta_slow', bf]]), true)] : [];
    const what = bf < bs
      ? `${tv(ctx)} warns "\`${dictName(ctx)}\`'s beta_fast field must be greater than beta_slow, got beta_fast=${bf} (defaults to 32 if None) and beta_slow=${bs} (defaults to 1 if None)"; the YaRN ramp is inverted.`
      : `the YaRN ramp collapses to a hard cut (${tv(ctx)} nudges the upper bound by 0.001).`;
    return [make(this, block, span, `beta_fast (${bf}) must be greater than beta_slow (${bs}): ${what}`, 'warning', fixes)];
  },
};
