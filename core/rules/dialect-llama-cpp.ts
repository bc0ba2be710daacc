// llama.cpp flag groups: --rope-freq-scale vs --rope-scale, a scaled context without a raised -c, and
// --yarn-attn-factor set to YaRN's mscale (ggml already multiplies it in).
import type { Finding, Rule } from './types';
import { commandBlocks, shellData, type FlagOcc, type ShellCommand } from '../parse/shell';
import { knownModel, originalContextOf } from '../known-models';
import { appendWords } from '../fixes/shell-writer';
import { rewriteWord } from '../fixes/dialect-json';
import { fix, make } from './util';
import type { TextEdit } from '../edits';
import type { ParsedDocument } from '../model';

const flag = (cmd: ShellCommand, ...names: string[]): FlagOcc | undefined => [...cmd.flags].reverse().find((f) => names.includes(f.name));
const num = (f: FlagOcc | undefined): number | undefined => {
  const n = f?.value ? Number(f.value.text) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

function removeFlag(doc: ParsedDocument, f: FlagOcc): TextEdit[] {
  let start = f.span.offset;
  while (start > 0 && /[ \t]/.test(doc.text[start - 1]!)) start--;
  return [{ offset: start, length: f.span.offset + f.span.length - start, newText: '' }];
}

function llamaCommands(doc: ParsedDocument): ShellCommand[] {
  return shellData(doc)?.commands.filter((c) => c.engine === 'llama.cpp') ?? [];
}

const FRAMEWORKS = 'llama.cpp (llama-server / llama-cli): --rope-scale N sets rope_freq_scale = 1/N; --rope-freq-scale sets it directly; -c/--ctx-size is the context actually allocated (0 = from the model); YaRN multiplies attention by mscale = attn_factor × (1 + 0.1 ln(1/freq_scale)) inside the kernel.';

export const freqScaleConflict: Rule = {
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
      const sv = num(s);
      const fv = num(fs);
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

export const ctxNotRaised: Rule = {
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
      const cv = num(c);
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

export const yarnAttnFactorMscale: Rule = {
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
      const av = num(a);
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
