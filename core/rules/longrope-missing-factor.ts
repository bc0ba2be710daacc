import type { Rule } from './types';
import { fieldOf } from '../model';
import { blockAnchor, ctxNum, dictName, effectiveType, fix, isV5, legacyMode, longropeOriginal, make, tv } from './util';

export const rule: Rule = {
  id: 'longrope-missing-factor',
  defaultSeverity: 'warning',
  docs: {
    summary: 'A LongRoPE block without `factor`: transformers derives it from max_position_embeddings / original_max_position_embeddings and warns.',
    why: 'The factor sets LongRoPE\'s attention scaling (sqrt(1 + ln(factor)/ln(original))). Deriving it from two context fields is fragile: change max_position_embeddings (to serve a shorter context) and the attention scaling silently changes too.',
    frameworks: "transformers 4.43–4.57 warn `This model has set a `original_max_position_embeddings` field, to be used together with `max_position_embeddings` to determine a scaling factor. Please set the `factor` field of `rope_scaling` with this ratio instead ...` (or `Missing required keys in `rope_scaling`: 'factor'` when there is no original length); 5.x says the same with `rope_parameters`. Phi-3/3.5 configs ship without factor and get this warning.",
    fix: 'Add `factor` = max_position_embeddings / original_max_position_embeddings (Phi-3.5-mini: 131072/4096 = 32.0).',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const { type } = effectiveType(block, ctx);
    if (type !== 'longrope' && type !== 'su') return [];
    if (fieldOf(block, 'factor')) return [];
    const mpe = ctxNum(block.context.maxPositionEmbeddings);
    const omp = longropeOriginal(block, ctx).value ?? ctxNum(block.context.originalMaxPositionEmbeddings);
    const ratio = mpe !== undefined && omp !== undefined && omp > 0 ? mpe / omp : undefined;
    const fixes = ratio !== undefined && ratio >= 1
      ? [fix(`Add "factor": ${ratio} (max_position_embeddings / original_max_position_embeddings)`, ctx.writer.setField(ctx.doc, block, 'factor', ratio), true)] : [];
    const hasOmp = omp !== undefined || isV5(ctx);
    const said = hasOmp
      ? `This model${isV5(ctx) ? ' config' : ''} has set a \`${isV5(ctx) ? "rope_parameters['original_max_position_embeddings']" : 'original_max_position_embeddings'}\` field ... Please set the \`factor\` field of \`${dictName(ctx)}\` with this ratio instead`
      : `Missing required keys in \`${dictName(ctx)}\`: 'factor'`;
    return [make(this, block, blockAnchor(block),
      `LongRoPE block without "factor": ${tv(ctx)} warns "${said}"${ratio !== undefined ? ` and uses ${mpe}/${omp} = ${ratio}` : ''}.`,
      'warning', fixes)];
  },
};
