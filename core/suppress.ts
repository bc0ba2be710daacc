// Suppression comments for dialects with comments (Python, YAML, shell, Ollama Modelfiles):
//   # ropelens-disable-next-line <rule-id>[, ...]    (no ids: every rule)
//   # ropelens-disable-file <rule-id>[, ...]
// Pure; each dialect with comments has a test for whether a `#` really starts a comment (not inside a string).
import type { Dialect } from './model';

export interface Suppressions {
  /** Rule ids off for the whole file ('*' = all). */
  file: Set<string>;
  /** 0-based line → rule ids off on that line ('*' = all). */
  lines: Map<number, Set<string>>;
}

export type CommentTest = (text: string, offset: number) => boolean;

/** `#` starts a comment when it begins a word (not inside quotes or `a#b`) — close enough for all three dialects. */
function hashComment(text: string, offset: number): boolean {
  // Line start after \n, \r\n or a lone \r (walked back: a lastIndexOf('\r') would scan the whole of a \n file).
  let ls = offset;
  while (ls > 0 && text.charCodeAt(ls - 1) !== 10 && text.charCodeAt(ls - 1) !== 13) ls--;
  const before = text.slice(ls, offset);
  if (offset > ls && !/\s/.test(text[offset - 1]!)) return false;
  const singles = (before.match(/'/g) ?? []).length;
  const doubles = (before.match(/"/g) ?? []).length;
  return singles % 2 === 0 && doubles % 2 === 0;
}

/** How each dialect with comments tells a real comment from a `#` in a string. */
const COMMENT_TESTS: Partial<Record<Dialect, CommentTest>> = { python: hashComment, yaml: hashComment, shell: hashComment, modelfile: hashComment };

export function hasComments(dialect: Dialect): boolean {
  return COMMENT_TESTS[dialect] !== undefined;
}

function idsOf(list: string): Set<string> {
  // Rule ids up to an optional " -- reason"; anything else (quotes, punctuation) is not part of an id.
  const ids = (list.split(' -- ')[0] ?? '').match(/[a-z0-9*][a-z0-9-]*/gi) ?? [];
  return new Set(ids.length === 0 ? ['*'] : ids);
}

/** Finds suppression comments; `isComment` (optional) vets each `#`. */
export function parseSuppressions(text: string, isComment?: (offset: number) => boolean): Suppressions {
  const out: Suppressions = { file: new Set(), lines: new Map() };
  const re = /#\s*ropelens-disable-(next-line|file)\b([^\r\n]*)/g;
  let m: RegExpExecArray | null;
  let line = 0;
  let lineScan = 0;
  while ((m = re.exec(text))) {
    if (isComment && !isComment(m.index)) continue;
    // Lines end at \n, \r\n or a lone \r (classic Mac files), as editors and LineIndex count them.
    for (; lineScan < m.index; lineScan++) {
      const c = text.charCodeAt(lineScan);
      if (c === 10 || (c === 13 && text.charCodeAt(lineScan + 1) !== 10)) line++;
    }
    const ids = idsOf(m[2] ?? '');
    if (m[1] === 'file') for (const id of ids) out.file.add(id);
    else {
      const set = out.lines.get(line + 1) ?? new Set<string>();
      for (const id of ids) set.add(id);
      out.lines.set(line + 1, set);
    }
  }
  return out;
}

export function suppressionsFor(dialect: Dialect, text: string): Suppressions | undefined {
  if (!hasComments(dialect) || !text.includes('ropelens-disable')) return undefined;
  const t = COMMENT_TESTS[dialect];
  return parseSuppressions(text, t ? (o) => t(text, o) : undefined);
}

export function isSuppressed(s: Suppressions, ruleId: string, line: number): boolean {
  if (s.file.has('*') || s.file.has(ruleId)) return true;
  const l = s.lines.get(line);
  return !!l && (l.has('*') || l.has(ruleId));
}
