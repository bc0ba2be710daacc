// The size guard: past a per-dialect size only the beginning of a document is analysed, so a 50 MB file costs what
// its first megabytes cost; and analysis stops before a line where brackets nest deeper than any config does
// (parsers' error recovery and recursion grow fast with depth). Rope blocks live near the top of configs, scripts
// and recipes; where the analysed part ends is said in one information finding (core/check.ts).
import type { Dialect, ParsedDocument } from '../model';

/** Characters analysed per dialect (parse cost per MB differs: tree-sitter and the YAML composer are the slow ones). */
export const ANALYSED_MAX_CHARS: Readonly<Record<Dialect, number>> = {
  json: 4 * 2 ** 20,
  shell: 2 * 2 ** 20,
  python: 2 ** 20,
  yaml: 2 ** 20,
  // Notebooks are JSON around Python cells; model cards and Modelfiles are short text around a few fences or lines.
  notebook: 4 * 2 ** 20,
  markdown: 2 ** 20,
  modelfile: 2 ** 20,
};

/** Deepest bracket nesting analysed; real configs and scripts stay far below. */
export const MAX_NESTING = 200;

const ROPE_MENTION = /rope_scaling|rope_parameters|--rope-|ROPE_SCALING/;

/** Start of the first line on which brackets nest deeper than MAX_NESTING (quotes not considered), or -1. */
export function nestingCut(text: string, end = text.length): number {
  let depth = 0;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) lineStart = i + 1;
    else if (c === 40 || c === 91 || c === 123) {
      if (++depth > MAX_NESTING) return lineStart;
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
  return -1;
}

/** Where the analysed part of `text` ends for its size: the whole text, or the last line end before the limit. */
export function analysedEnd(text: string, dialect: Dialect): number {
  const max = ANALYSED_MAX_CHARS[dialect];
  if (text.length <= max) return text.length;
  const nl = text.lastIndexOf('\n', max - 1);
  if (nl > max / 2) return nl + 1;
  // One enormous line: cut at the limit, never inside a surrogate pair.
  const c = text.charCodeAt(max - 1);
  return c >= 0xd800 && c <= 0xdbff ? max - 1 : max;
}

/** Parses the analysed part of a text and hands back a document over the whole text, marked where it was cut. */
export function parseGuarded(text: string, dialect: Dialect, parse: (text: string, truncated: boolean) => ParsedDocument): ParsedDocument {
  let end = analysedEnd(text, dialect);
  let stop: ParsedDocument['analysisStop'] = 'size';
  const deep = nestingCut(text, end);
  if (deep >= 0) {
    end = deep;
    stop = 'nesting';
  }
  if (end === text.length) return parse(text, false);
  const doc = parse(text.slice(0, end), true);
  // A rope key past the cut makes the document worth the information finding even when its beginning is not.
  const relevant = doc.relevant || ROPE_MENTION.test(text.slice(end));
  return { ...doc, text, relevant, analysedLength: end, analysisStop: stop };
}
