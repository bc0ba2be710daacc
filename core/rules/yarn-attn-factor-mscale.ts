// llama.cpp: --yarn-attn-factor set to YaRN's mscale, which ggml's kernel already multiplies in.
import type { Finding, Rule } from './types';
import { commandBlocks } from '../parse/shell';
import { FRAMEWORKS, flag, flagNumber, removeFlag, llamaCommands } from './llama-cpp-flags';
import { fix, make } from './util';

export const rule: Rule = {
  id: 'yarn-attn-factor-mscale',
  defaultSeverity: 'warning',
  dialects: ['shell', 'yaml'],
  docs: {
    summary: '`--yarn-attn-factor` set to YaRN\'s mscale (0.1·ln(factor) + 1), which llama.cpp already applies.',
    why: 'ggml\'s YaRN kernel multiplies attention by attn_factor × (1 + 0.1 ln(factor)); passing the transformers attention_factor as --yarn-attn-factor applies the temperature twice and flattens attention at every length.',
    frameworks: FRAMEWORKS,
    fix: 'Remove --yarn-attn-factor (default 1.0).',
  },
  checkDocument(ctx) {
    const out: Finding[] = [];
    for (const cmd of llamaCommands(ctx.doc)) {
      const a = flag(cmd, '--yarn-attn-factor');
      const av = flagNumber(a);
      const block = commandBlocks(ctx.doc, cmd)[0];
      const factor = typeof block?.params['factor'] === 'number' ? (block.params['factor'] as number) : undefined;
      if (!a || av === undefined || !factor || factor <= 1) continue;
      const mscale = 0.1 * Math.log(factor) + 1;
      if (Math.abs(av - mscale) > 2e-3) continue;
      out.push(make(this, block, a.span,
        `--yarn-attn-factor ${a.value!.text} is YaRN's mscale for factor ${factor} (0.1·ln(${factor}) + 1 = ${mscale.toFixed(4)}); llama.cpp already multiplies attention by it, so it is applied twice.`,
        undefined, [fix('Remove --yarn-attn-factor', removeFlag(ctx.doc, a), true)]));
    }
    return out;
  },
};
