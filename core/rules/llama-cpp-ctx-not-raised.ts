// llama.cpp: rope scaling without -c/--ctx-size raised past the original context never uses the longer context.
import type { Finding, Rule } from './types';
import { commandBlocks } from '../parse/shell';
import { knownModel, originalContextOf } from '../known-models';
import { appendWords } from '../fixes/shell-writer';
import { rewriteWord } from '../fixes/dialect-json';
import { FRAMEWORKS, flag, flagNumber, llamaCommands } from './llama-cpp-flags';
import { fix, make } from './util';

export const rule: Rule = {
  id: 'llama-cpp-ctx-not-raised',
  defaultSeverity: 'warning',
  dialects: ['shell', 'yaml'],
  docs: {
    summary: 'llama.cpp rope scaling without `-c`/`--ctx-size` raised past the original context.',
    why: 'Scaling flags change the frequencies only; the KV cache and the accepted prompt length come from -c. Without it the model runs scaled (slightly worse at short lengths) but never gets the longer context.',
    frameworks: FRAMEWORKS,
    fix: 'Add `-c <original × factor>` (e.g. `-c 131072` for `--rope-scale 4 --yarn-orig-ctx 32768`).',
  },
  checkDocument(ctx) {
    const out: Finding[] = [];
    for (const cmd of llamaCommands(ctx.doc)) {
      const block = commandBlocks(ctx.doc, cmd)[0];
      if (!block) continue;
      const factor = typeof block.params['factor'] === 'number' ? (block.params['factor'] as number) : undefined;
      if (!factor || factor <= 1) continue;
      const c = flag(cmd, '-c', '--ctx-size');
      const cv = flagNumber(c);
      const id = block.context.modelId?.value;
      const km = typeof id === 'string' ? knownModel(id) : undefined;
      const original = (block.params['original_max_position_embeddings'] as number | undefined) ?? (km ? originalContextOf(km) : undefined);
      const target = original ? Math.round(original * factor) : undefined;
      if (c && (cv === undefined || cv === 0 || (original !== undefined && cv > original) || (original === undefined && cv > 0))) continue;
      const edits = target === undefined ? [] : c?.value ? rewriteWord(c.value, String(target)) : [appendWords(ctx.doc, cmd, ['-c', String(target)])];
      out.push(make(this, block, c?.span ?? block.keySpan ?? block.span,
        c ? `-c ${c.value?.text} is not above the original context ${original}: the ${factor}× rope scaling is applied but the longer context is never used.`
          : `Rope scaling ×${factor} without -c/--ctx-size: llama.cpp scales the frequencies but keeps the model's context${original ? ` (${original})` : ''}; raise -c${target ? ` to ${target}` : ''}.`,
        undefined, target ? [fix(`Set -c ${target}`, edits, true)] : []));
    }
    return out;
  },
};
