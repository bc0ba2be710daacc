import type { Rule } from './types';
import { effectiveType, make, tv, legacyMode } from './util';
import { VERSION_TABLE } from '../versions';
import { ownTable } from '../format';

const FIRST: Record<string, string> = ownTable({ yarn: '4.43', longrope: '4.43', llama3: '4.43', default: '4.43', proportional: '5.0' });
const VLLM: Record<string, string> = ownTable({ llama3: ' (vLLM ≥ 0.5.3.post1, llama.cpp with rope_freqs)' });

export const rule: Rule = {
  id: 'rope-type-unsupported-in-version',
  defaultSeverity: 'error',
  docs: {
    summary: 'The rope type exists, but not in the transformers version you target (`ropelens.transformersVersion`).',
    why: 'A config written for a newer transformers fails on an older one: Llama 3.1 configs (`llama3`) raised on every transformers < 4.43, `proportional` (Gemma-4) exists only in transformers 5.',
    frameworks: "transformers < 4.43: LlamaConfig accepts only `linear`/`dynamic` and raises `ValueError: `rope_scaling`'s type field must be one of ['linear', 'dynamic'], got llama3` (meta-llama/llama3#299). transformers 4.x with `proportional`: warns `Missing validation function` and model init fails with KeyError.",
    fix: 'Upgrade transformers (llama3/yarn/longrope need ≥ 4.43, proportional needs ≥ 5.0), or set `ropelens.transformersVersion` to the version you really run. Do not delete keys to make the error go away: that silently removes the context extension.',
  },
  check(block, ctx) {
    if (block.api === 'v5' && ctx.features.blockKey !== 'rope_parameters') return []; // rope-parameters-needs-v5
    const { type: t, field: tField } = effectiveType(block, ctx);
    if (!t || !tField || !FIRST[t]) return [];
    const known = legacyMode(ctx) ? ['linear', 'dynamic'] : [...ctx.features.ropeTypes, ...(ctx.features.ropeTypes.includes('default') || ctx.features.blockKey === 'rope_parameters' ? ['default'] : [])];
    if (known.includes(t)) return [];
    if (!VERSION_TABLE.some((f) => f.ropeTypes.includes(t)) && t !== 'default') return [];
    const what = legacyMode(ctx)
      ? `rejects it: LlamaConfig accepts only {type, factor} with type linear or dynamic and raises ValueError`
      : `warns "Missing validation function" and model init fails with KeyError('${t}')`;
    return [make(this, block, tField.value.span, `Rope type '${t}' needs transformers ≥ ${FIRST[t]}${VLLM[t] ?? ''}: ${tv(ctx)} ${what}.`, 'error')];
  },
};
