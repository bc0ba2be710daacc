import type { Rule } from './types';
import type { RopeBlock, Span } from '../model';
import { fieldOf } from '../model';
import { contextNumbers, ropeDimInfo } from '../rope/dim';
import { MAX_ROTARY_DIM, rotaryDimProblem } from '../limits';
import { blockAnchor, make } from './util';

/** Where the absurd number is written: the block's own key, else the config key beside it, else the block. */
function spanOf(block: RopeBlock, source: string): Span {
  if (source === 'partial_rotary_factor') {
    const f = fieldOf(block, 'partial_rotary_factor');
    if (f) return f.value.span;
    return block.context.partialRotaryFactor?.span ?? blockAnchor(block);
  }
  const c = block.context;
  const ctx = source === 'qk_rope_head_dim' ? c.qkRopeHeadDim : source === 'head_dim' ? c.headDim : c.hiddenSize ?? c.numAttentionHeads;
  return ctx?.span ?? blockAnchor(block);
}

export const rule: Rule = {
  id: 'value-out-of-range',
  defaultSeverity: 'error',
  docs: {
    summary: `A dimension from the config (head_dim, hidden_size / num_attention_heads, qk_rope_head_dim, or head_dim × partial_rotary_factor) is above ${MAX_ROTARY_DIM.toLocaleString('en-US')}.`,
    why: 'The rotary dimension sizes the frequency table (head_dim / 2 entries per layer). No model rotates more than a few hundred dims; a value like `"partial_rotary_factor": 10000000` is a typo or a hostile file, and transformers would try to build a table of billions of entries.',
    frameworks: 'transformers (4.45–5.x) computes `dim = int(head_dim * partial_rotary_factor)` and builds `inv_freq` from `torch.arange(0, dim, 2)`, one entry per rotated pair. RoPE Lens reports the value and does not compute per-dimension results for it.',
    fix: 'Use the head size and partial_rotary_factor from the model card (partial_rotary_factor is a fraction between 0 and 1).',
  },
  check(block, ctx) {
    const info = ropeDimInfo(contextNumbers(block), block.params, ctx.features);
    const problem = rotaryDimProblem(info);
    if (problem === undefined) return [];
    const headOk = Math.abs(info.headDim) <= MAX_ROTARY_DIM;
    const source = info.source === 'qk_rope_head_dim' ? 'qk_rope_head_dim' : headOk ? 'partial_rotary_factor' : info.source;
    return [make(this, block, spanOf(block, source), `${problem}: RoPE Lens does not compute this block per dimension, and transformers would build a frequency table of that size.`)];
  },
};
