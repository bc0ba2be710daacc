// llama.cpp command-line flags as the llama.cpp rules read them: the last occurrence of a flag wins, as in llama.cpp's
// own argument parser; removing a flag takes the blanks before it.
import { shellData, type FlagOcc, type ShellCommand } from '../parse/shell';
import type { TextEdit } from '../edits';
import type { ParsedDocument } from '../model';

export const flag = (cmd: ShellCommand, ...names: string[]): FlagOcc | undefined => [...cmd.flags].reverse().find((f) => names.includes(f.name));

/** The flag's value as a finite number. */
export const flagNumber = (f: FlagOcc | undefined): number | undefined => {
  const n = f?.value ? Number(f.value.text) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

export function removeFlag(doc: ParsedDocument, f: FlagOcc): TextEdit[] {
  let start = f.span.offset;
  while (start > 0 && /[ \t]/.test(doc.text[start - 1]!)) start--;
  return [{ offset: start, length: f.span.offset + f.span.length - start, newText: '' }];
}

export function llamaCommands(doc: ParsedDocument): ShellCommand[] {
  return shellData(doc)?.commands.filter((c) => c.engine === 'llama.cpp') ?? [];
}

export const FRAMEWORKS = 'llama.cpp (llama-server / llama-cli): --rope-scale N sets rope_freq_scale = 1/N; --rope-freq-scale sets it directly; -c/--ctx-size is the context actually allocated (0 = from the model); YaRN multiplies attention by mscale = attn_factor × (1 + 0.1 ln(1/freq_scale)) inside the kernel.';
