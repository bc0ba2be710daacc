// config.json writer: jsonc-parser `modify` for inserts and removals (it keeps indentation and commas right),
// direct span replacement for values and key renames. Float-valued keys are written as floats (`4.0`).
import { modify, type FormattingOptions, type JSONPath, type Node } from 'jsonc-parser';
import type { TextEdit } from '../edits';
import { FLOAT_KEYS, FLOAT_LIST_KEYS } from '../keys';
import type { ParsedDocument, RopeBlock } from '../model';
import { jsonData, pointerSegments } from '../parse/json';
import { parseTree } from 'jsonc-parser';
import type { BlockInserter, DialectWriter } from '../rules/types';
import { writableValue } from './writable-value';

/** A literal written exactly as given (keeps `8.0` vs `8` of an existing value, or forces a float). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A number that must be written as a float. */
export function floatLiteral(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  if (Number.isInteger(n)) return Math.abs(n) >= 1e21 ? String(n) : `${n}.0`;
  return String(n);
}

const TOKEN = '@@ropelens-raw:';

/** Replaces floats / raw literals by string tokens that survive modify's JSON.stringify. */
function tokenize(value: unknown, key: string | undefined, raws: string[]): unknown {
  if (value instanceof RawJson) {
    raws.push(value.text);
    return `${TOKEN}${raws.length - 1}@@`;
  }
  if (typeof value === 'number' && key !== undefined && (FLOAT_KEYS.has(key) || FLOAT_LIST_KEYS.has(key))) {
    raws.push(floatLiteral(value));
    return `${TOKEN}${raws.length - 1}@@`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (Array.isArray(value)) return value.map((v) => tokenize(v, FLOAT_LIST_KEYS.has(key ?? '') ? key : undefined, raws));
  if (value && typeof value === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) o[k] = tokenize(v, k, raws);
    return o;
  }
  return value;
}

function detokenize(text: string, raws: string[]): string {
  return text.replace(/"@@ropelens-raw:(\d+)@@"/g, (_, i: string) => raws[Number(i)] ?? 'null');
}

/** Indentation and line ending of the document, so inserted text matches it. */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const m = /\n([ \t]+)\S/.exec(text);
  if (m && m[1]!.startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  let size = m ? m[1]!.length : 2;
  // The smallest indentation step in the first lines is the unit (the first indented line may be nested).
  const re = /\n( +)\S/g;
  let k: RegExpExecArray | null;
  let n = 0;
  while ((k = re.exec(text)) && n++ < 50) size = Math.min(size, k[1]!.length);
  return { insertSpaces: true, tabSize: Math.max(1, size), eol };
}

function toPath(pointer: string): JSONPath {
  return pointerSegments(pointer).map((s) => (/^\d+$/.test(s) ? s : s));
}

/** Writes `value` as JSON text the way this writer would (floats for float keys). */
export function jsonLiteral(value: unknown, key?: string): string {
  const raws: string[] = [];
  return detokenize(JSON.stringify(tokenize(value, key, raws)), raws);
}

function modifyEdits(text: string, path: JSONPath, value: unknown, after?: string): TextEdit[] {
  const raws: string[] = [];
  const key = typeof path[path.length - 1] === 'string' ? (path[path.length - 1] as string) : undefined;
  const tv = value === undefined ? undefined : tokenize(value, key, raws);
  const edits = modify(text, path, tv, {
    formattingOptions: formattingOf(text),
    getInsertionIndex: after === undefined ? undefined : (props: string[]) => {
      const i = props.indexOf(after);
      return i < 0 ? props.length : i + 1;
    },
  });
  return edits.map((e) => ({ offset: e.offset, length: e.length, newText: detokenize(e.content, raws) }));
}

function findNode(root: Node | undefined, segs: string[]): Node | undefined {
  let n = root;
  for (const s of segs) {
    if (!n) return undefined;
    if (n.type === 'object') {
      const p = (n.children ?? []).find((c) => c.children?.[0]?.value === s);
      n = p?.children?.[1];
    } else if (n.type === 'array') n = n.children?.[Number(s)];
    else return undefined;
  }
  return n;
}

/** Where a new key goes inside a rope block or config, so related keys stay together. */
const INSERT_AFTER: Record<string, string[]> = {
  rope_type: ['type'],
  original_max_position_embeddings: ['max_position_embeddings', 'factor'],
  factor: ['rope_type', 'type'],
  max_position_embeddings: ['hidden_size'],
  rope_scaling: ['max_position_embeddings', 'rope_theta'],
  rope_parameters: ['max_position_embeddings', 'rope_theta'],
};

function afterKey(existing: Iterable<string>, key: string): string | undefined {
  const have = new Set(existing);
  return (INSERT_AFTER[key] ?? []).find((k) => have.has(k));
}

function rootOf(text: string): Node | undefined {
  try {
    return parseTree(text, [], { allowTrailingComma: true });
  } catch {
    return undefined;
  }
}

/** Path inside the config to a block's member (block.path is the pointer of the block object). */
function blockKeys(block: RopeBlock): string[] {
  return block.fields.map((f) => f.key);
}

export class JsonWriter implements DialectWriter, BlockInserter {
  formatValue(value: unknown): string {
    return jsonLiteral(value);
  }

  setField(doc: ParsedDocument, block: RopeBlock, key: string, value: unknown): TextEdit[] {
    if (!writableValue(key, value)) return [];
    const f = block.fields.find((x) => x.key === key);
    if (f && f.value.kind !== 'unknown') {
      return [{ offset: f.value.span.offset, length: f.value.span.length, newText: this.literalAt(doc, f.value.span.offset, value, key) }];
    }
    return modifyEdits(doc.text, [...toPath(block.path), key], value, afterKey(blockKeys(block), key));
  }

  removeField(doc: ParsedDocument, block: RopeBlock, key: string): TextEdit[] {
    if (!block.fields.some((x) => x.key === key)) return [];
    return modifyEdits(doc.text, [...toPath(block.path), key], undefined);
  }

  renameField(doc: ParsedDocument, block: RopeBlock, from: string, to: string): TextEdit[] {
    const f = block.fields.find((x) => x.key === from);
    if (!f) return [];
    if (block.fields.some((x) => x.key === to)) return this.removeField(doc, block, from);
    return [{ offset: f.keySpan.offset, length: f.keySpan.length, newText: JSON.stringify(to) }];
  }

  setContext(doc: ParsedDocument, block: RopeBlock, key: string, value: unknown): TextEdit[] {
    if (!writableValue(key, value)) return [];
    return this.setAt(doc, block.containerPath, key, value);
  }

  replaceBlock(doc: ParsedDocument, block: RopeBlock, params: Record<string, unknown>, key?: string): TextEdit[] {
    const text = this.objectLiteralAt(doc.text, block.span.offset, params);
    if (!key || key === block.key || !block.keySpan || block.layerType !== undefined) {
      return [{ offset: block.span.offset, length: block.span.length, newText: text }];
    }
    // Rename and replace in one edit (key ... value end), so the two never overlap.
    const start = block.keySpan.offset;
    const end = block.span.offset + block.span.length;
    const between = doc.text.slice(block.keySpan.offset + block.keySpan.length, block.span.offset);
    return [{ offset: start, length: end - start, newText: JSON.stringify(key) + between + text }];
  }

  insertBlock(doc: ParsedDocument, containerPath: string, key: string, params: Record<string, unknown>): TextEdit[] {
    return this.setAt(doc, containerPath, key, params);
  }

  /** Sets `key` in the config object at `containerPath` (value replaced in place when present). */
  setAt(doc: ParsedDocument, containerPath: string, key: string, value: unknown): TextEdit[] {
    const data = jsonData(doc);
    const cfg = data?.configs.find((c) => c.path === containerPath);
    const members = cfg?.members ?? new Map<string, Node>();
    const existing = members.get(key)?.children?.[1];
    if (existing && (typeof value !== 'object' || value === null || value instanceof RawJson)) {
      return [{ offset: existing.offset, length: existing.length, newText: this.literalAt(doc, existing.offset, value, key) }];
    }
    if (existing && existing.type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
      return [{ offset: existing.offset, length: existing.length, newText: this.objectLiteralAt(doc.text, existing.offset, value as Record<string, unknown>) }];
    }
    return modifyEdits(doc.text, [...toPath(containerPath), key], value, afterKey(members.keys(), key));
  }

  /** Removes `key` from the config object at `containerPath`. */
  removeAt(doc: ParsedDocument, containerPath: string, key: string): TextEdit[] {
    const node = findNode(jsonData(doc)?.root ?? rootOf(doc.text), [...pointerSegments(containerPath), key]);
    if (!node) return [];
    return modifyEdits(doc.text, [...toPath(containerPath), key], undefined);
  }

  private literalAt(doc: ParsedDocument, offset: number, value: unknown, key: string): string {
    if (value && typeof value === 'object' && !(value instanceof RawJson) && !Array.isArray(value)) {
      return this.objectLiteralAt(doc.text, offset, value as Record<string, unknown>);
    }
    return jsonLiteral(value, key);
  }

  /** An object literal formatted like the document, indented for the line it starts on. */
  objectLiteralAt(text: string, offset: number, params: Record<string, unknown>): string {
    const fmt = formattingOf(text);
    const unit = fmt.insertSpaces ? ' '.repeat(fmt.tabSize ?? 2) : '\t';
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
    const entries = Object.entries(params).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const eol = fmt.eol ?? '\n';
    const body = entries.map(([k, v]) => `${indent}${unit}${JSON.stringify(k)}: ${jsonLiteral(v, k)}`).join(`,${eol}`);
    return `{${eol}${body}${eol}${indent}}`;
  }
}

export const jsonWriter = new JsonWriter();

/** The smallest single edit turning `a` into `b` (common prefix and suffix kept). */
export function diffEdit(a: string, b: string): TextEdit[] {
  if (a === b) return [];
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return [{ offset: p, length: a.length - p - s, newText: b.slice(p, b.length - s) }];
}
