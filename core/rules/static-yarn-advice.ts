import type { Rule } from './types';
import { fieldOf } from '../model';
import { ctxNum, effectiveType, legacyMode, make, num, blockAnchor } from './util';

/** Native contexts at or above this already cover typical inputs (Qwen2.5/Qwen3: 32768). */
const LONG_NATIVE = 32768;

export const rule: Rule = {
  id: 'static-yarn-advice',
  defaultSeverity: 'information',
  docs: {
    summary: 'Advice: a static YaRN block on a model whose native context (≥ 32K) already covers typical inputs.',
    why: 'YaRN as configured here is static: the factor applies at every length, so short prompts also see interpolated low frequencies and a changed attention temperature. Qwen\'s model cards: "vLLM only supports static YARN, which means the scaling factor remains constant regardless of input length, potentially impacting performance on shorter texts. We advise adding the rope_scaling configuration only when processing long contexts is required."',
    frameworks: 'transformers applies YaRN frequencies at every length; vLLM and SGLang only support static YaRN. `dynamic` (NTK) is the length-adaptive alternative in transformers, but it is not what the model was validated with.',
    fix: 'Not reported when the file states the extended context (max_position_embeddings, or the engine\'s context flag, equal to original × factor): the block is then sized to a stated need. Otherwise keep the block only in the deployment that needs inputs beyond the native context, and size factor to the need: factor = ceil(target / native), e.g. 2.0 for 64K, 4.0 for 128K on a 32K model.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    if (effectiveType(block, ctx).type !== 'yarn') return [];
    const o = num(block.params['original_max_position_embeddings']) ?? ctxNum(block.context.maxPositionEmbeddings);
    const f = num(block.params['factor']);
    if (o === undefined || o < LONG_NATIVE || f === undefined || f <= 1) return [];
    // The file states the extended context (max_position_embeddings or the engine's context flag = original × factor):
    // the block was sized to a stated need, which is what the advice asks for (and what "Extend context…" writes).
    const sized = Math.round(o * f);
    if (ctxNum(block.context.maxPositionEmbeddings) === sized || ctxNum(block.context.servingContext) === sized) return [];
    const span = fieldOf(block, 'rope_type')?.value.span ?? fieldOf(block, 'type')?.value.span ?? blockAnchor(block);
    return [make(this, block, span,
      `Static YaRN: factor ${f} applies to every input, including short ones, on a model whose native context (${o}) already covers typical inputs. Add this block only when you need more than ${o} tokens (Qwen's advice; vLLM supports only static YaRN).`,
      'information')];
  },
};
