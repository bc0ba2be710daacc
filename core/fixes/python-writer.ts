// Python writer: edits dict literals / dict(...) calls in place (True/False/None, floats as `4.0`), adds
// context next to the block (same call's keywords, `config.x = ...` after the assignment, hf_overrides members).
import type { TextEdit } from '../edits';
import { FLOAT_KEYS } from '../keys';
import type { ParsedDocument, RopeBlock, SourceField } from '../model';
import { pythonBlockInfo, pythonData } from '../parse/python';
import type { BlockInserter, DialectWriter } from '../rules/types';
import { floatLiteral, RawJson } from './json-writer';
import { writableValue } from './writable-value';

export function pyLiteral(value: unknown, key?: string): string {
  if (value instanceof RawJson) return value.text.replace(/\btrue\b/g, 'True').replace(/\bfalse\b/g, 'False').replace(/\bnull\b/g, 'None');
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'None';
    return key !== undefined && FLOAT_KEYS.has(key) ? floatLiteral(value) : String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyLiteral(v, FLOAT_KEYS.has(key ?? '') ? key : undefined)).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v, k)}`).join(', ')}}`;
  return 'None';
}

function lineIndent(text: string, offset: number): string {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(ls, offset))![0];
}

/** Removes a member with the comma that separates it from its neighbour. */
export function removeMember(text: string, fields: SourceField[], f: SourceField): TextEdit[] {
  const i = fields.indexOf(f);
  const next = fields[i + 1];
  if (next) return [{ offset: f.span.offset, length: next.span.offset - f.span.offset, newText: '' }];
  const prev = fields[i - 1];
  if (prev) {
    const start = prev.span.offset + prev.span.length;
    return [{ offset: start, length: f.span.offset + f.span.length - start, newText: '' }];
  }
  let end = f.span.offset + f.span.length;
  const m = /^\s*,/.exec(text.slice(end));
  if (m) end += m[0].length;
  return [{ offset: f.span.offset, length: end - f.span.offset, newText: '' }];
}

class PythonWriter implements DialectWriter, BlockInserter {
  formatValue(value: unknown): string {
    return pyLiteral(value);
  }

  private member(style: 'dict' | 'call', key: string, value: unknown): string {
    return style === 'call' ? `${key}=${pyLiteral(value, key)}` : `${JSON.stringify(key)}: ${pyLiteral(value, key)}`;
  }

  setField(doc: ParsedDocument, block: RopeBlock, key: string, value: unknown): TextEdit[] {
    if (!writableValue(key, value)) return [];
    const info = pythonBlockInfo(doc, block);
    if (!info) return [];
    const f = block.fields.find((x) => x.key === key);
    if (f) return [{ offset: f.value.span.offset, length: f.value.span.length, newText: pyLiteral(value, key) }];
    const member = this.member(info.style, key, value);
    const last = block.fields[block.fields.length - 1];
    if (!last) {
      // `{}` or `dict()`: after the opening bracket.
      const open = doc.text.indexOf(info.style === 'call' ? '(' : '{', block.span.offset);
      return open < 0 ? [] : [{ offset: open + 1, length: 0, newText: member }];
    }
    const end = last.span.offset + last.span.length;
    const multiline = doc.text.slice(block.span.offset, last.span.offset).includes('\n');
    const sep = multiline ? `,\n${lineIndent(doc.text, last.span.offset)}` : ', ';
    return [{ offset: end, length: 0, newText: sep + member }];
  }

  removeField(doc: ParsedDocument, block: RopeBlock, key: string): TextEdit[] {
    const f = block.fields.find((x) => x.key === key);
    return f ? removeMember(doc.text, block.fields, f) : [];
  }

  renameField(doc: ParsedDocument, block: RopeBlock, from: string, to: string): TextEdit[] {
    const info = pythonBlockInfo(doc, block);
    const f = block.fields.find((x) => x.key === from);
    if (!info || !f) return [];
    if (block.fields.some((x) => x.key === to)) return this.removeField(doc, block, from);
    const old = doc.text.slice(f.keySpan.offset, f.keySpan.offset + f.keySpan.length);
    const q = /^[rRbBuU]*(['"])/.exec(old)?.[1] ?? '"';
    const newText = info.style === 'call' ? to : `${q}${to}${q}`;
    return [{ offset: f.keySpan.offset, length: f.keySpan.length, newText }];
  }

  setContext(doc: ParsedDocument, block: RopeBlock, key: string, value: unknown): TextEdit[] {
    if (!writableValue(key, value)) return [];
    const info = pythonBlockInfo(doc, block);
    if (!info) return [];
    const cv = contextValueFor(block, key);
    if (cv?.span && cv.source === 'file') return [{ offset: cv.span.offset, length: cv.span.length, newText: pyLiteral(value, key) }];
    if (info.overridesSpan) {
      const close = info.overridesSpan.offset + info.overridesSpan.length - 1;
      return [{ offset: close, length: 0, newText: `, ${JSON.stringify(key)}: ${pyLiteral(value, key)}` }];
    }
    if (info.call) {
      const kw = info.call.keywords[key];
      if (kw) {
        const eq = doc.text.indexOf('=', kw.offset);
        return [{ offset: eq + 1, length: kw.offset + kw.length - eq - 1, newText: pyLiteral(value, key) }];
      }
      const end = info.call.keywordSpan.offset + info.call.keywordSpan.length;
      // One argument a line stays so: the new keyword goes on its own line, indented like the block's.
      const multiline = doc.text.slice(info.call.argsSpan.offset, info.call.keywordSpan.offset).includes('\n');
      const sep = multiline ? `,\n${lineIndent(doc.text, info.call.keywordSpan.offset)}` : ', ';
      return [{ offset: end, length: 0, newText: `${sep}${key}=${pyLiteral(value, key)}` }];
    }
    if (info.assignment?.objectText) {
      const a = info.assignment;
      const end = a.statementSpan.offset + a.statementSpan.length;
      return [{ offset: end, length: 0, newText: `\n${a.indent}${a.objectText}.${key} = ${pyLiteral(value, key)}` }];
    }
    return [];
  }

  /** Adds `key={...}` to the first call that loads a known model (the script has no block yet); the container
   * path is unused: a script has one config per call. */
  insertBlock(doc: ParsedDocument, _containerPath: string, key: string, params: Record<string, unknown>): TextEdit[] {
    const site = pythonData(doc)?.insertionSites[0];
    if (!site) return [];
    const member = `${key}=${pyLiteral(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)))}`;
    const last = site.args[site.args.length - 1];
    if (!last) return [{ offset: site.argsSpan.offset + 1, length: 0, newText: member }];
    let end = last.offset + last.length;
    const comma = /^[ \t]*,/.exec(doc.text.slice(end));
    const closeAt = site.argsSpan.offset + site.argsSpan.length - 1;
    const multiline = doc.text.slice(site.argsSpan.offset, last.offset).includes('\n') || doc.text.slice(end, closeAt).includes('\n');
    if (multiline) {
      const indent = lineIndent(doc.text, last.offset);
      // A trailing comma stays trailing: `a,\n)` → `a,\n    rope_scaling={...},\n)`.
      if (comma) return [{ offset: end + comma[0].length, length: 0, newText: `\n${indent}${member},` }];
      return [{ offset: end, length: 0, newText: `,\n${indent}${member}` }];
    }
    if (comma) end += comma[0].length;
    return [{ offset: end, length: 0, newText: comma ? ` ${member}` : `, ${member}` }];
  }

  replaceBlock(doc: ParsedDocument, block: RopeBlock, params: Record<string, unknown>, key?: string): TextEdit[] {
    const info = pythonBlockInfo(doc, block);
    if (!info) return [];
    const entries = Object.entries(params).filter(([, v]) => v !== undefined);
    const multiline = doc.text.slice(block.span.offset, block.span.offset + block.span.length).includes('\n');
    const indent = lineIndent(doc.text, block.span.offset);
    const members = entries.map(([k, v]) => this.member(info.style, k, v));
    const body = multiline && members.length
      ? `\n${indent}    ${members.join(`,\n${indent}    `)},\n${indent}`
      : members.join(', ');
    const text = info.style === 'call' ? `dict(${body})` : `{${body}}`;
    const edits: TextEdit[] = [{ offset: block.span.offset, length: block.span.length, newText: text }];
    if (key && key !== block.key && block.keySpan) {
      const old = doc.text.slice(block.keySpan.offset, block.keySpan.offset + block.keySpan.length);
      const i = old.lastIndexOf(block.key);
      if (i >= 0) edits.push({ offset: block.keySpan.offset + i, length: block.key.length, newText: key });
    }
    return edits;
  }
}

const CONTEXT_FIELD: Record<string, keyof RopeBlock['context']> = {
  max_position_embeddings: 'maxPositionEmbeddings', rope_theta: 'ropeTheta', original_max_position_embeddings: 'originalMaxPositionEmbeddings',
  partial_rotary_factor: 'partialRotaryFactor', head_dim: 'headDim', hidden_size: 'hiddenSize', num_attention_heads: 'numAttentionHeads',
};

export function contextValueFor(block: RopeBlock, key: string): RopeBlock['context'][keyof RopeBlock['context']] {
  const f = CONTEXT_FIELD[key];
  return f ? block.context[f] : undefined;
}

export const pythonWriter = new PythonWriter();
