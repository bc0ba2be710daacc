// YAML writer: block mappings keep their indentation (new keys go on a new line at the members' indent),
// flow mappings get `, key: value`, LLaMA-Factory's `rope_scaling: yarn` only changes its type, JSON strings
// are edited as JSON. Serving commands inside compose/k8s files are written by the command-line writer.
import type { TextEdit } from '../edits';
import { FLOAT_KEYS } from '../keys';
import type { ParsedDocument, RopeBlock } from '../model';
import { yamlBlockInfo } from '../parse/yaml';
import type { BlockInserter, DialectWriter } from '../rules/types';
import { editJsonText, renameJsonKey, rewriteWord } from './dialect-json';
import { floatLiteral, RawJson } from './json-writer';
import { contextValueFor } from './python-writer';
import { shellWriter } from './shell-writer';
import { writableValue } from './writable-value';

const PLAIN_SAFE = /^[A-Za-z_][\w./-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

export function yamlLiteral(value: unknown, key?: string): string {
  if (value instanceof RawJson) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'null';
    return key !== undefined && FLOAT_KEYS.has(key) ? floatLiteral(value) : String(value);
  }
  if (typeof value === 'string') return PLAIN_SAFE.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => yamlLiteral(v, FLOAT_KEYS.has(key ?? '') ? key : undefined)).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${yamlLiteral(v, k)}`).join(', ')}}`;
}

const LF_TYPES = new Set(['linear', 'dynamic', 'yarn', 'llama3']);

class YamlWriter implements DialectWriter, BlockInserter {
  formatValue(value: unknown): string {
    return yamlLiteral(value);
  }

  setField(doc: ParsedDocument, block: RopeBlock, key: string, value: unknown): TextEdit[] {
    if (!writableValue(key, value)) return [];
    const info = yamlBlockInfo(doc, block);
    if (!info) return shellWriter.setField(doc, block, key, value);
    if (info.kind === 'json') return info.scalar ? rewriteWord(info.scalar, editJsonText(info.scalar.text, [key], value)) : [];
    if (info.kind === 'enum') {
      // LLaMA-Factory takes only the type; the factor follows from cutoff_len.
      if ((key === 'rope_type' || key === 'type') && typeof value === 'string' && LF_TYPES.has(value)) {
        return [{ offset: block.span.offset, length: block.span.length, newText: value }];
      }
      return [];
    }
    const f = block.fields.find((x) => x.key === key);
    if (f) return [{ offset: f.value.span.offset, length: f.value.span.length, newText: yamlLiteral(value, key) }];
    const last = block.fields[block.fields.length - 1];
    if (info.kind === 'flow') {
      const close = block.span.offset + block.span.length - 1;
      return [{ offset: close, length: 0, newText: `${last ? ', ' : ''}${key}: ${yamlLiteral(value, key)}` }];
    }
    // After the last member's line (a trailing comment stays on its own member).
    const after = last ? last.span.offset + last.span.length : block.span.offset + block.span.length;
    const eol = doc.text.slice(after).search(/\r?\n/);
    const at = eol < 0 ? doc.text.length : after + eol;
    return [{ offset: at, length: 0, newText: `\n${info.indent}${key}: ${yamlLiteral(value, key)}` }];
  }

  removeField(doc: ParsedDocument, block: RopeBlock, key: string): TextEdit[] {
    const info = yamlBlockInfo(doc, block);
    if (!info) return shellWriter.removeField(doc, block, key);
    const f = block.fields.find((x) => x.key === key);
    if (!f || info.kind === 'enum') return [];
    if (info.kind === 'json') return info.scalar ? rewriteWord(info.scalar, editJsonText(info.scalar.text, [key], undefined)) : [];
    if (info.kind === 'flow') {
      const i = block.fields.indexOf(f);
      const next = block.fields[i + 1];
      const prev = block.fields[i - 1];
      if (next) return [{ offset: f.span.offset, length: next.span.offset - f.span.offset, newText: '' }];
      if (prev) return [{ offset: prev.span.offset + prev.span.length, length: f.span.offset + f.span.length - prev.span.offset - prev.span.length, newText: '' }];
      return [{ offset: f.span.offset, length: f.span.length, newText: '' }];
    }
    // The whole line (with a trailing comment), newline included.
    const ls = doc.text.lastIndexOf('\n', f.span.offset - 1);
    let le = doc.text.indexOf('\n', f.span.offset + f.span.length);
    if (le < 0) le = doc.text.length;
    if (block.fields.length === 1) return [{ offset: f.span.offset, length: f.span.length, newText: '{}' }];
    return [{ offset: ls, length: le - ls, newText: '' }];
  }

  renameField(doc: ParsedDocument, block: RopeBlock, from: string, to: string): TextEdit[] {
    const info = yamlBlockInfo(doc, block);
    if (!info) return shellWriter.renameField(doc, block, from, to);
    if (info.kind === 'enum') return [];
    if (block.fields.some((x) => x.key === to)) return this.removeField(doc, block, from);
    if (info.kind === 'json') return info.scalar ? rewriteWord(info.scalar, renameJsonKey(info.scalar.text, [], from, to)) : [];
    const f = block.fields.find((x) => x.key === from);
    return f ? [{ offset: f.keySpan.offset, length: f.keySpan.length, newText: to }] : [];
  }

  setContext(doc: ParsedDocument, block: RopeBlock, key: string, value: unknown): TextEdit[] {
    if (!writableValue(key, value)) return [];
    const info = yamlBlockInfo(doc, block);
    if (!info) return shellWriter.setContext(doc, block, key, value);
    // LLaMA-Factory (`rope_scaling: yarn`) takes no max_position_embeddings: it derives the factor from cutoff_len
    // over the model's length (model/model_utils/rope.py), so the context to reach is written there.
    if (info.kind === 'enum' && key === 'max_position_embeddings') {
      const cut = block.context.servingContext;
      if (cut?.span && cut.source === 'file') return [{ offset: cut.span.offset, length: cut.span.length, newText: yamlLiteral(value, 'cutoff_len') }];
      return [{ offset: info.pairEnd, length: 0, newText: `\n${info.keyIndent}cutoff_len: ${yamlLiteral(value, 'cutoff_len')}` }];
    }
    const sib = info.siblings[key];
    if (sib) return [{ offset: sib.offset, length: sib.length, newText: yamlLiteral(value, key) }];
    const cv = contextValueFor(block, key);
    if (cv?.span && cv.source === 'file') return [{ offset: cv.span.offset, length: cv.span.length, newText: yamlLiteral(value, key) }];
    return [{ offset: info.pairEnd, length: 0, newText: `\n${info.keyIndent}${key}: ${yamlLiteral(value, key)}` }];
  }

  replaceBlock(doc: ParsedDocument, block: RopeBlock, params: Record<string, unknown>, key?: string): TextEdit[] {
    const info = yamlBlockInfo(doc, block);
    if (!info) return shellWriter.replaceBlock(doc, block, params, key);
    const entries = Object.entries(params).filter(([, v]) => v !== undefined);
    let text: string;
    if (info.kind === 'json') {
      return info.scalar ? rewriteWord(info.scalar, editJsonText(info.scalar.text, [], params)) : [];
    } else if (info.kind === 'enum') {
      const t = params['rope_type'] ?? params['type'];
      if (typeof t !== 'string' || !LF_TYPES.has(t)) return [];
      text = t;
    } else if (info.kind === 'flow' || entries.length === 0) {
      text = yamlLiteral(Object.fromEntries(entries));
    } else {
      text = entries.map(([k, v]) => `${k}: ${yamlLiteral(v, k)}`).join(`\n${info.indent}`);
    }
    const edits: TextEdit[] = [{ offset: block.span.offset, length: block.span.length, newText: text }];
    if (key && key !== block.key && block.keySpan) edits.push({ offset: block.keySpan.offset, length: block.keySpan.length, newText: key });
    return edits;
  }

  /** Adds `key:` with a block mapping at the top level of a recipe (containerPath '' only). */
  insertBlock(doc: ParsedDocument, containerPath: string, key: string, params: Record<string, unknown>): TextEdit[] {
    if (containerPath !== '') return [];
    const body = Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => `\n  ${k}: ${yamlLiteral(v, k)}`).join('');
    const sep = doc.text.length === 0 || doc.text.endsWith('\n') ? '' : '\n';
    return [{ offset: doc.text.length, length: 0, newText: `${sep}${key}:${body}\n` }];
  }
}

export const yamlWriter = new YamlWriter();
