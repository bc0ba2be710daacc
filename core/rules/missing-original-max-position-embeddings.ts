import type { Rule } from './types';
import { fieldOf } from '../model';
import { setMany } from '../fixes/sequence';
import { blockAnchor, ctxNum, effectiveType, fix, isV5, legacyMode, longropeOriginal, make, num, tv } from './util';

export const rule: Rule = {
  id: 'missing-original-max-position-embeddings',
  defaultSeverity: 'error',
  docs: {
    summary: 'A yarn / llama3 / longrope block without the original (pre-scaling) context length where the chosen transformers version needs it.',
    why: 'Without it transformers assumes max_position_embeddings is the original length. For YaRN that means max_position_embeddings cannot also declare the extended context; for Llama 3 the wavelength band is computed from the wrong length; for LongRoPE the long factors are never switched on (the extension is silently lost).',
    frameworks: "YaRN: 4.51–4.55 and 5.x fall back to max_position_embeddings silently (information); 4.56–4.57 warn `config.rope_scaling['original_max_position_embeddings'], the pre-yarn context length, is unset. We will assume config.max_position_embeddings holds the pre-yarn context length...` (warning); 4.43–4.50 do not read it at all. llama3: 4.x raises (missing-required-key); 5.x fills it with max_position_embeddings and then warns that it must be less than max_position_embeddings. LongRoPE: 4.x reads only the TOP-LEVEL key (Phi-3 convention); 5.x the top level, else the block, else max_position_embeddings — without it the long factors are never used (error).",
    fix: 'YaRN: set original_max_position_embeddings to the native context and max_position_embeddings to original × factor (the quick fix does both). llama3: original = max_position_embeddings / factor. LongRoPE: write the top-level original_max_position_embeddings (the quick fix moves a block value there).',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const { type } = effectiveType(block, ctx);
    const mpe = ctxNum(block.context.maxPositionEmbeddings);
    const factor = num(block.params['factor']);
    const anchor = blockAnchor(block);
    if (type === 'yarn') {
      if (fieldOf(block, 'original_max_position_embeddings')) return [];
      if (ctx.features.yarn.originalLength === 'mpe') return [];
      const warns = ctx.features.yarn.warnsMissingOriginal;
      const fixes = [];
      if (mpe !== undefined && factor !== undefined && factor > 1) {
        const ext = Math.round(mpe * factor);
        fixes.push(fix(`Set original_max_position_embeddings = ${mpe} and max_position_embeddings = ${ext}`,
          setMany(ctx, block, [['original_max_position_embeddings', mpe]], [['max_position_embeddings', ext]]), true));
        if (Number.isInteger(mpe / factor)) {
          fixes.push(fix(`Set original_max_position_embeddings = ${mpe / factor} (max_position_embeddings is already extended)`, ctx.writer.setField(ctx.doc, block, 'original_max_position_embeddings', mpe / factor)));
        }
      }
      const what = warns
        ? `${tv(ctx)} warns "config.rope_scaling['original_max_position_embeddings'], the pre-yarn context length, is unset. We will assume config.max_position_embeddings holds the pre-yarn context length"`
        : `${tv(ctx)} ${isV5(ctx) ? 'fills it with' : 'falls back to'} max_position_embeddings${mpe !== undefined ? ` (${mpe})` : ''}`;
      return [make(this, block, anchor, `YaRN block without "original_max_position_embeddings": ${what}, so max_position_embeddings is taken as the native length and the extended context${mpe !== undefined && factor !== undefined ? ` (${Math.round(mpe * factor)})` : ''} is declared nowhere.`, warns ? 'warning' : 'information', fixes)];
    }
    if (type === 'llama3') {
      if (!isV5(ctx) || fieldOf(block, 'original_max_position_embeddings')) return [];
      const fixes = mpe !== undefined && factor !== undefined && factor > 1 && Number.isInteger(mpe / factor)
        ? [fix(`Add "original_max_position_embeddings": ${mpe / factor}`, ctx.writer.setField(ctx.doc, block, 'original_max_position_embeddings', mpe / factor), true)] : [];
      return [make(this, block, anchor, `llama3 block without "original_max_position_embeddings": ${tv(ctx)} fills it with max_position_embeddings${mpe !== undefined ? ` (${mpe})` : ''}, then warns it must be less than max_position_embeddings; the llama3 wavelength band is computed from the wrong length.`, 'warning', fixes)];
    }
    if (type === 'longrope' || type === 'su') {
      const got = longropeOriginal(block, ctx);
      if (got.from !== 'none') return [];
      const inBlock = num(block.params['original_max_position_embeddings']);
      const fixes = [];
      if (inBlock !== undefined) {
        fixes.push(fix(`Add top-level "original_max_position_embeddings": ${inBlock}`, ctx.writer.setContext(ctx.doc, block, 'original_max_position_embeddings', inBlock), true));
      } else if (mpe !== undefined && factor !== undefined && factor > 1 && Number.isInteger(mpe / factor)) {
        fixes.push(fix(`Add top-level "original_max_position_embeddings": ${mpe / factor}`, ctx.writer.setContext(ctx.doc, block, 'original_max_position_embeddings', mpe / factor), true));
      }
      const why = inBlock !== undefined
        ? `${tv(ctx)} reads it only at the top level (the block's ${inBlock} is ignored)`
        : `${tv(ctx)} finds none`;
      return [make(this, block, anchor, `Scaling silently lost: LongRoPE needs original_max_position_embeddings and ${why}, so it falls back to max_position_embeddings${mpe !== undefined ? ` (${mpe})` : ''} and long_factor is never used.`, 'error', fixes)];
    }
    return [];
  },
};
