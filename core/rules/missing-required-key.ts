import type { Rule, RuleContext } from './types';
import type { RopeBlock } from '../model';
import { keySpec } from '../keys';
import { setMany } from '../fixes/sequence';
import { blockAnchor, ctxNum, dictName, effectiveType, fix, legacyMode, make, num, tv } from './util';

/** A value for a missing key when the rest of the config determines it (else undefined: no quick fix). */
function derive(key: string, type: string, block: RopeBlock): unknown {
  const mpe = ctxNum(block.context.maxPositionEmbeddings);
  const omp = num(block.params['original_max_position_embeddings']) ?? ctxNum(block.context.originalMaxPositionEmbeddings);
  const factor = num(block.params['factor']);
  switch (key) {
    case 'low_freq_factor': return type === 'llama3' ? 1.0 : undefined;
    case 'high_freq_factor': return type === 'llama3' ? 4.0 : undefined;
    case 'factor':
      if ((type === 'yarn' || type === 'llama3') && mpe !== undefined && omp !== undefined && omp > 0 && mpe / omp > 1) return mpe / omp;
      return undefined;
    case 'original_max_position_embeddings':
      if (mpe !== undefined && factor !== undefined && factor > 1 && Number.isInteger(mpe / factor)) return mpe / factor;
      return undefined;
    default:
      return undefined;
  }
}

export function missingKeys(block: RopeBlock, ctx: RuleContext): { type?: string; missing: string[] } {
  const { type } = effectiveType(block, ctx);
  if (!type) return { missing: [] };
  const spec = keySpec(type, ctx.features);
  if (!spec) return { type, missing: [] };
  const have = new Set(block.fields.map((f) => f.key));
  if (have.has('type')) have.add('rope_type');
  return { type, missing: spec.required.filter((k) => !have.has(k) && !spec.autoFilled.includes(k)) };
}

export const rule: Rule = {
  id: 'missing-required-key',
  defaultSeverity: 'error',
  docs: {
    summary: 'A key the rope type requires is missing (linear/dynamic/yarn without `factor`, llama3 without `low_freq_factor`, longrope without `short_factor`, ...).',
    why: 'This is the one thing transformers\' rope validation refuses outright: the config does not load.',
    frameworks: "transformers 4.43–4.57: `KeyError: \"Missing required keys in `rope_scaling` for 'rope_type'='<t>': {...}\"`; transformers 5.x the same with `rope_parameters` (wrapped in `StrictDataclassClassValidationError`). transformers 5 fills `rope_theta` and, for yarn/llama3/longrope, `original_max_position_embeddings` by itself, so those never raise there.",
    fix: 'Add the key. The quick fix adds it when the rest of the config determines the value: llama3 `low_freq_factor` 1.0 / `high_freq_factor` 4.0 (Meta\'s values), `factor` = max_position_embeddings / original_max_position_embeddings, `original_max_position_embeddings` = max_position_embeddings / factor.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const { type, missing } = missingKeys(block, ctx);
    if (!type || missing.length === 0) return [];
    const values = missing.map((k) => [k, derive(k, type, block)] as [string, unknown]);
    const fixes = values.every(([, v]) => v !== undefined)
      ? [fix(`Add ${values.map(([k, v]) => `"${k}": ${ctx.writer.formatValue(v)}`).join(', ')}`, setMany(ctx, block, values), true)]
      : [];
    const set = `{${missing.map((k) => `'${k}'`).join(', ')}}`;
    return [make(this, block, blockAnchor(block),
      `Missing required key${missing.length > 1 ? 's' : ''} ${missing.map((k) => `"${k}"`).join(', ')} for rope_type '${type}': ${tv(ctx)} raises KeyError: "Missing required keys in \`${dictName(ctx)}\` for 'rope_type'='${type}': ${set}".`,
      'error', fixes)];
  },
};
