import type { Rule } from './types';
import { writerFor } from '../fixes/writers';
import { fieldOf } from '../model';
import { ctxNum, dictName, effectiveType, fix, legacyMode, make, num, showField, tv } from './util';

export const rule: Rule = {
  id: 'yarn-factor-mismatch',
  defaultSeverity: 'error',
  docs: {
    summary: 'YaRN `factor`, `max_position_embeddings` and `original_max_position_embeddings` disagree (max_position_embeddings ≠ original × factor), and what the chosen transformers version then does.',
    why: 'The YaRN factor semantics changed three times. The Qwen2.5 README snippet (factor 4, original 32768) pasted into a config whose max_position_embeddings stays 32768 gave factor 1 — no extension at all — on transformers 4.51–4.55, factor 4 with a warning on 4.56–4.57, and factor 4 silently on 5.x, while vLLM derives max_model_len = original × factor and SGLang (and TGI\'s default max_total_tokens) keep max_position_embeddings as the context.',
    frameworks: 'transformers 4.43–4.50: original_max_position_embeddings is ignored; the correction range uses max_position_embeddings. 4.51–4.55: when original is set, factor is REPLACED by max_position_embeddings / original (error here when that is 1: scaling silently lost). 4.56–4.57: explicit factor wins; warns "The explicitly set RoPE scaling factor ... does not match the ratio implicitly set by other parameters" whenever they differ. 5.x: explicit factor; warns only when the ratio is not 1. transformers generate() does not stop at max_position_embeddings (only max_length / max_new_tokens). vLLM: max_model_len = original × factor. SGLang: a block with original_max_position_embeddings leaves the context at max_position_embeddings, and a longer --context-length is refused.',
    fix: 'Set max_position_embeddings = original_max_position_embeddings × factor (preferred), or set factor = max_position_embeddings / original_max_position_embeddings.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    if (effectiveType(block, ctx).type !== 'yarn') return [];
    const f = num(block.params['factor']);
    const o = num(block.params['original_max_position_embeddings']);
    const m = ctxNum(block.context.maxPositionEmbeddings);
    if (f === undefined || f < 1 || o === undefined || o <= 0 || m === undefined) return [];
    const r = m / o;
    const fs = showField(fieldOf(block, 'factor'));
    if (Math.abs(r - f) < 1e-9) return [];
    const target = Math.round(o * f);
    const fixMpe = fix(`Set max_position_embeddings = ${o} × ${fs} = ${target}`, ctx.writer.setContext(ctx.doc, block, 'max_position_embeddings', target), true);
    const fixFactor = r > 1 ? [fix(`Set factor = ${m}/${o} = ${r}`, ctx.writer.setField(ctx.doc, block, 'factor', r))] : [];
    const span = fieldOf(block, 'factor')?.value.span ?? block.keySpan ?? block.span;
    const base = `YaRN factor ${fs} but max_position_embeddings / original_max_position_embeddings = ${m}/${o} = ${+r.toFixed(6)}`;
    const mismatchWarn = `"The explicitly set RoPE scaling factor (config.${dictName(ctx)}['factor'] = ${fs}) does not match the ratio implicitly set by other parameters ..."`;
    switch (ctx.features.yarn.factorRule) {
      case 'explicit':
        // 4.43–4.50: original is not read at all; the range comes from max_position_embeddings.
        if (m === o) return [];
        return [make(this, block, span, `${base}: ${tv(ctx)} ignores original_max_position_embeddings and computes the YaRN correction range from max_position_embeddings (${m}) with factor ${fs}, i.e. as if the native context were ${m}.`, 'warning')];
      case 'implicit-override':
        if (Math.abs(r - 1) < 1e-9) {
          return [make(this, block, span, `Scaling silently lost: ${tv(ctx)} replaces factor by max_position_embeddings / original_max_position_embeddings = ${m}/${o} = 1, so this YaRN block does nothing (no extension beyond ${m}). Set max_position_embeddings to ${target}.`, 'error', [fixMpe, ...fixFactor])];
        }
        return [make(this, block, span, `${base}: ${tv(ctx)} replaces the written factor by ${+r.toFixed(6)} (implicit factor), not ${fs}.`, 'warning', [fixMpe, ...fixFactor])];
      case 'explicit-warn':
        return [make(this, block, span, `${base}: ${tv(ctx)} warns ${mismatchWarn} and uses the explicit factor ${fs}; max_position_embeddings should be ${target}.`, 'warning', [fixMpe, ...fixFactor])];
      case 'explicit-v5':
      default:
        if (Math.abs(r - 1) < 1e-9) {
          // A serving command that cannot hold max_position_embeddings (the fix writes nothing) and whose context flag
          // already says original × factor: the model's own config is elsewhere and the engine serves the flag's length.
          // (Asked of the real writer: with fixes off, ctx.writer defers and always answers nothing.)
          if (ctxNum(block.context.servingContext) === target && writerFor(ctx.doc.dialect).setContext(ctx.doc, block, 'max_position_embeddings', target).length === 0) return [];
          return [make(this, block, span, `max_position_embeddings (${m}) is still the pre-YaRN length: ${tv(ctx)} uses factor ${fs} as written, vLLM derives max_model_len = ${o} × ${fs} = ${target}, but SGLang keeps its context length at max_position_embeddings (${m}) and refuses a longer --context-length.`, 'information', [fixMpe])];
        }
        return [make(this, block, span, `${base}: ${tv(ctx)} warns ${mismatchWarn} and uses the explicit factor ${fs}; max_position_embeddings should be ${target}.`, 'warning', [fixMpe, ...fixFactor])];
    }
  },
};
