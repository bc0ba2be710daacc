// Editing JSON that lives inside another dialect's string (vLLM --rope-scaling '<json>', ms-swift YAML strings):
// the JSON is edited as text with jsonc-parser (keeping the user's spacing), then re-quoted the way the word was.
import { modify, parseTree, type JSONPath } from 'jsonc-parser';
import { applyEdits, type TextEdit } from '../edits';
import type { MappedText } from '../parse/dialect-util';
import { jsonLiteral, RawJson } from './json-writer';

const TOKEN = (i: number): string => `@@ropelens-json:${i}@@`;

/** Sets (value) or removes (undefined) `path` in a JSON text; floats written as floats for float keys. */
export function editJsonText(text: string, path: JSONPath, value: unknown): string {
  const key = typeof path[path.length - 1] === 'string' ? (path[path.length - 1] as string) : undefined;
  const literal = value === undefined ? undefined : value instanceof RawJson ? value.text : jsonLiteral(value, key);
  const oneLine = !text.includes('\n');
  const edits = modify(text, path, literal === undefined ? undefined : TOKEN(0), {
    formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
  });
  let out = applyEdits(text, edits.map((e) => ({ offset: e.offset, length: e.length, newText: e.content })));
  out = out.replace(JSON.stringify(TOKEN(0)), literal ?? 'null');
  // Command-line JSON is usually one line: keep it one line.
  if (oneLine && out.includes('\n')) out = out.replace(/\n\s*/g, ' ').replace(/\{ /g, '{').replace(/ \}/g, '}');
  return out;
}

/** Renames a member key, keeping its position. */
export function renameJsonKey(text: string, path: JSONPath, from: string, to: string): string {
  const root = parseTree(text);
  let n = root;
  for (const seg of path) n = n?.children?.find((p) => p.children?.[0]?.value === seg)?.children?.[1];
  const prop = n?.children?.find((p) => p.children?.[0]?.value === from);
  const k = prop?.children?.[0];
  if (!k) return text;
  return text.slice(0, k.offset) + JSON.stringify(to) + text.slice(k.offset + k.length);
}

/** Re-quotes new text for the place the original word came from. */
export function requote(m: Pick<MappedText, 'quote'>, text: string): string {
  switch (m.quote) {
    case 'json':
    case 'yaml-double':
      return JSON.stringify(text);
    case 'yaml-single':
      return `'${text.replace(/'/g, "''")}'`;
    case 'yaml-plain':
      return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "''")}'`;
    case 'double':
      return `"${text.replace(/([\\"$`])/g, '\\$1')}"`;
    case 'single':
    case 'none':
    default:
      if (m.quote === 'none' && /^[\w@%+=:,./-]+$/.test(text)) return text;
      return text.includes("'") ? `"${text.replace(/([\\"$`])/g, '\\$1')}"` : `'${text}'`;
  }
}

/** One edit replacing a quoted word whose decoded text becomes `newText`. */
export function rewriteWord(m: MappedText, newText: string): TextEdit[] {
  if (newText === m.text) return [];
  return [{ offset: m.span.offset, length: m.span.length, newText: requote(m, newText) }];
}
