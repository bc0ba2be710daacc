// Command-line writer: edits inside the JSON argument (--rope-scaling '<json>', --hf-overrides,
// --json-model-override-args) or the flag values of a llama.cpp / TGI flag group; new flags are appended
// to the command in its own style (shell words, Dockerfile JSON array, YAML list).
import type { TextEdit } from '../edits';
import { FLOAT_KEYS } from '../keys';
import type { Engine, ParsedDocument, RopeBlock } from '../model';
import { shellBlockInfo, type ShellBlockInfo, type ShellCommand } from '../parse/shell';
import type { DialectWriter } from '../rules/types';
import { editJsonText, renameJsonKey, requote, rewriteWord } from './dialect-json';
import { floatLiteral, RawJson } from './json-writer';
import { writableValue } from './writable-value';

/** HF key → flag, per engine (other-frameworks.md conversion table). */
export const FLAG_OF: Partial<Record<Engine, Record<string, string>>> = {
  'llama.cpp': {
    rope_type: '--rope-scaling', factor: '--rope-scale', original_max_position_embeddings: '--yarn-orig-ctx',
    beta_fast: '--yarn-beta-fast', beta_slow: '--yarn-beta-slow', rope_theta: '--rope-freq-base',
  },
  tgi: { rope_type: '--rope-scaling', factor: '--rope-factor' },
  vllm: { rope_theta: '--rope-theta' },
};

export function flagValue(value: unknown, key?: string): string {
  if (value instanceof RawJson) return value.text;
  if (typeof value === 'number') return key && FLOAT_KEYS.has(key) ? floatLiteral(value) : String(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Text that appends `words` to a command, in the command's own style. */
export function appendWords(doc: ParsedDocument, cmd: ShellCommand, words: string[]): TextEdit {
  let newText: string;
  if (cmd.style === 'json-array' || (cmd.style === 'yaml-seq' && doc.text.slice(0, cmd.insertAt).lastIndexOf('[') > doc.text.slice(0, cmd.insertAt).lastIndexOf('\n'))) {
    newText = words.map((w) => `, ${JSON.stringify(w)}`).join('');
  } else if (cmd.style === 'yaml-seq') {
    const ls = doc.text.lastIndexOf('\n', cmd.insertAt - 1) + 1;
    const indent = /^[ \t]*/.exec(doc.text.slice(ls))![0];
    newText = words.map((w) => `\n${indent}- ${requote({ quote: 'yaml-plain' }, w)}`).join('');
  } else newText = words.map((w) => ` ${requote({ quote: 'none' }, w)}`).join('');
  return { offset: cmd.insertAt, length: 0, newText };
}

function jsonEdit(info: ShellBlockInfo, f: (text: string) => string): TextEdit[] {
  if (!info.word) return [];
  return rewriteWord(info.word, f(info.word.text));
}

class ShellWriter implements DialectWriter {
  formatValue(value: unknown): string {
    return flagValue(value);
  }

  setField(doc: ParsedDocument, block: RopeBlock, key: string, value: unknown): TextEdit[] {
    if (!writableValue(key, value)) return [];
    const info = shellBlockInfo(doc, block);
    if (!info) return [];
    if (info.kind === 'json') return jsonEdit(info, (t) => editJsonText(t, [...info.jsonPath!, key], value));
    const flag = info.flags?.[key];
    if (flag?.value) {
      // --rope-freq-scale holds 1/factor.
      const v = key === 'factor' && flag.name === '--rope-freq-scale' && typeof value === 'number' ? 1 / value : value;
      return rewriteWord(flag.value, flagValue(v, key));
    }
    const name = FLAG_OF[info.command.engine]?.[key];
    if (!name) return [];
    return [appendWords(doc, info.command, [name, flagValue(value, key)])];
  }

  removeField(doc: ParsedDocument, block: RopeBlock, key: string): TextEdit[] {
    const info = shellBlockInfo(doc, block);
    if (!info || !block.fields.some((f) => f.key === key)) return [];
    if (info.kind === 'json') return jsonEdit(info, (t) => editJsonText(t, [...info.jsonPath!, key], undefined));
    const flag = info.flags?.[key];
    if (!flag) return [];
    let start = flag.span.offset;
    while (start > 0 && /[ \t]/.test(doc.text[start - 1]!)) start--;
    return [{ offset: start, length: flag.span.offset + flag.span.length - start, newText: '' }];
  }

  renameField(doc: ParsedDocument, block: RopeBlock, from: string, to: string): TextEdit[] {
    const info = shellBlockInfo(doc, block);
    if (!info || info.kind !== 'json') return [];
    if (block.fields.some((f) => f.key === to)) return this.removeField(doc, block, from);
    return jsonEdit(info, (t) => renameJsonKey(t, info.jsonPath!, from, to));
  }

  setContext(doc: ParsedDocument, block: RopeBlock, key: string, value: unknown): TextEdit[] {
    if (!writableValue(key, value)) return [];
    const info = shellBlockInfo(doc, block);
    if (!info) return [];
    // Config overrides hold config keys beside the block.
    if (info.kind === 'json' && info.jsonPath!.length > 0) return jsonEdit(info, (t) => editJsonText(t, [key], value));
    const name = FLAG_OF[info.command.engine]?.[key];
    if (!name) return [];
    const existing = [...info.command.flags].reverse().find((f) => f.name === name);
    if (existing?.value) return rewriteWord(existing.value, flagValue(value, key));
    return [appendWords(doc, info.command, [name, flagValue(value, key)])];
  }

  replaceBlock(doc: ParsedDocument, block: RopeBlock, params: Record<string, unknown>, key?: string): TextEdit[] {
    const info = shellBlockInfo(doc, block);
    if (!info) return [];
    if (info.kind === 'json') {
      const path = info.jsonPath!;
      return jsonEdit(info, (t) => {
        if (path.length === 0) return editJsonText(t, [], params);
        let out = editJsonText(t, [path[0]!], params);
        if (key && key !== path[0]) out = renameJsonKey(out, [], path[0]!, key);
        return out;
      });
    }
    // Flag group: rewrite every flag of the group in place, append the missing ones in one edit.
    const edits: TextEdit[] = [];
    const append: string[] = [];
    const map = FLAG_OF[info.command.engine] ?? {};
    for (const [k, v] of Object.entries(params)) {
      const flag = info.flags?.[k];
      if (flag?.value) {
        const val = k === 'factor' && flag.name === '--rope-freq-scale' && typeof v === 'number' ? 1 / v : v;
        edits.push(...rewriteWord(flag.value, flagValue(val, k)));
      } else if (map[k] && v !== undefined) append.push(map[k]!, flagValue(v, k));
    }
    for (const [k, flag] of Object.entries(info.flags ?? {})) {
      if (!(k in params)) edits.push(...this.removeField(doc, block, k).filter(() => flag !== undefined));
    }
    if (append.length) edits.push(appendWords(doc, info.command, append));
    return edits;
  }
}

export const shellWriter = new ShellWriter();
