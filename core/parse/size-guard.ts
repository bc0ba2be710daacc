// The size guard: past a per-dialect size only the beginning of a document is analysed, so a 50 MB file costs what
// its first megabytes cost. Rope blocks live near the top of configs, scripts and recipes; what lies past the cut
// is named in one information finding (core/check.ts), never silently skipped.
import type { Dialect, ParsedDocument } from '../model';

/** Characters analysed per dialect (parse cost per MB differs: tree-sitter and the YAML composer are the slow ones). */
export const ANALYSED_MAX_CHARS: Readonly<Record<Dialect, number>> = {
  json: 4 * 2 ** 20,
  shell: 2 * 2 ** 20,
  python: 2 ** 20,
  yaml: 2 ** 20,
};

const ROPE_MENTION = /rope_scaling|rope_parameters|--rope-|ROPE_SCALING/;

/** Where the analysed part of `text` ends: the whole text, or the last line end before the dialect's limit. */
export function analysedEnd(text: string, dialect: Dialect): number {
  const max = ANALYSED_MAX_CHARS[dialect];
  if (text.length <= max) return text.length;
  const nl = text.lastIndexOf('\n', max - 1);
  if (nl > max / 2) return nl + 1;
  // One enormous line: cut at the limit, never inside a surrogate pair.
  const c = text.charCodeAt(max - 1);
  return c >= 0xd800 && c <= 0xdbff ? max - 1 : max;
}

/** Parses the analysed part of a long text and hands back a document over the whole text, marked as cut. */
export function parseGuarded(text: string, dialect: Dialect, parse: (text: string, truncated: boolean) => ParsedDocument): ParsedDocument {
  const end = analysedEnd(text, dialect);
  if (end === text.length) return parse(text, false);
  const doc = parse(text.slice(0, end), true);
  // A rope key past the cut makes the document worth the information finding even when its beginning is not.
  const relevant = doc.relevant || ROPE_MENTION.test(text.slice(end));
  return { ...doc, text, relevant, analysedLength: end };
}
