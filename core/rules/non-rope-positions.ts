// Configs of models that do not use RoPE (ALiBi: BLOOM, MPT, Falcon with alibi, Baichuan-13B; learned absolute
// positions: GPT-2, OPT): a rope block there is ignored by the model, and the length limit works differently.
import type { Finding, Rule } from './types';
import { lengthAdvice, nonRopeModel } from '../positions';
import { make } from './util';

export const rule: Rule = {
  id: 'non-rope-positions',
  defaultSeverity: 'error',
  dialects: ['json'],
  docs: {
    summary: 'A config of a model without rotary positions (ALiBi: BLOOM, MPT, Falcon with `alibi: true`, Baichuan-13B; learned positions: GPT-2, OPT): a rope block in it is an error, and the length limit and what extends it are stated.',
    why: 'Rope scaling only changes rotary frequencies. An ALiBi or learned-position model has none, so a `rope_scaling` block is silently ignored and the context is not extended; people copy such blocks from Llama recipes.',
    frameworks: 'transformers: BLOOM, MPT and Falcon with alibi build ALiBi biases (MPT for config.max_seq_len positions) and Falcon uses rotary only when alibi is false; GPT-2 and OPT look positions up in a learned table of n_positions / max_position_embeddings rows. None of them reads rope_scaling. vLLM assumes 2048 tokens when a config has no length key (BLOOM).',
    fix: 'Remove the rope block. ALiBi models: raise the length (MPT max_seq_len, the engine\'s context flag) and expect gradual degradation past the trained length. Learned positions: the length cannot be raised without training new position embeddings.',
  },
  checkDocument(ctx) {
    const m = nonRopeModel(ctx.doc);
    if (!m) return [];
    const out: Finding[] = [];
    const what = m.kind === 'alibi' ? 'ALiBi' : 'learned absolute position embeddings';
    for (const r of m.ropeKeys) {
      out.push(make(this, undefined, r.span, `${m.family} uses ${what}, not RoPE: transformers' ${m.family} model never reads \`${r.key}\`, so this block does nothing and the context is not extended. Remove it.`, 'error'));
    }
    out.push(make(this, undefined, m.span, lengthAdvice(m), 'information'));
    return out;
  },
};
