// llama.cpp: --rope-freq-scale and --rope-scale set the same parameter; they must agree (freq_scale = 1/scale).
import type { Finding, Rule } from './types';
import { rewriteWord } from '../fixes/dialect-json';
import { FRAMEWORKS, flag, flagNumber, removeFlag, llamaCommands } from './llama-cpp-flags';
import { fix, make } from './util';

export const rule: Rule = {
  id: 'rope-freq-scale-conflict',
  defaultSeverity: 'warning',
  dialects: ['shell', 'yaml'],
  docs: {
    summary: '`--rope-freq-scale` disagrees with `--rope-scale` (it must be 1/scale).',
    why: 'Both set the same llama.cpp parameter (rope_freq_scale); the one parsed last wins, so the context factor is not what one of them says.',
    frameworks: FRAMEWORKS,
    fix: 'Keep one of them: `--rope-scale F` or `--rope-freq-scale 1/F`.',
  },
  checkDocument(ctx) {
    const out: Finding[] = [];
    for (const cmd of llamaCommands(ctx.doc)) {
      const s = flag(cmd, '--rope-scale');
      const fs = flag(cmd, '--rope-freq-scale');
      const sv = flagNumber(s);
      const fv = flagNumber(fs);
      if (!s || !fs || sv === undefined || fv === undefined || sv <= 0) continue;
      if (Math.abs(fv - 1 / sv) <= 1e-6 * Math.max(1, 1 / sv)) continue;
      out.push(make(this, undefined, fs.span,
        `--rope-freq-scale ${fs.value!.text} disagrees with --rope-scale ${s.value!.text} (which means --rope-freq-scale ${1 / sv}): the flag parsed last wins, so the effective factor is ${fs.span.offset > s.span.offset ? 1 / fv : sv}.`,
        undefined, [
          fix('Remove --rope-freq-scale (keep --rope-scale)', removeFlag(ctx.doc, fs), true),
          fix(`Set --rope-freq-scale to ${1 / sv}`, rewriteWord(fs.value!, String(1 / sv))),
        ]));
    }
    return out;
  },
};
