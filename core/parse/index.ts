// Dialect detection and parse dispatch. Dialect parsers register themselves (registerParser) so adding one
// never edits this file. Parsing is pure; caching per document version is the caller's job.
import type { Dialect, ParsedDocument } from '../model';
import { parseJson } from './json';
import { parseGuarded } from './size-guard';
import { ownTable } from '../format';

/** `opts.truncated`: the text is the analysed beginning of a longer document (size guard). */
export type Parser = (uri: string, text: string, opts?: { truncated?: boolean }) => ParsedDocument;

const parsers = new Map<Dialect, Parser>([['json', parseJson]]);

export function registerParser(dialect: Dialect, parser: Parser): void {
  parsers.set(dialect, parser);
}

/** The dialect's parser behind the size guard (re-parses after fixes see what parseDocument sees); it may throw. */
export function parserFor(dialect: Dialect): Parser | undefined {
  const p = parsers.get(dialect);
  return p && ((uri, text) => parseGuarded(text, dialect, (t, truncated) => p(uri, t, { truncated })));
}

const LANGUAGE_DIALECTS: Record<string, Dialect> = ownTable({
  json: 'json', jsonc: 'json', python: 'python', yaml: 'yaml', shellscript: 'shell', dockerfile: 'shell', makefile: 'shell',
});

/** Dialect of a document from its VS Code language id, else its file name; undefined when RoPE Lens has none. */
export function detectDialect(uri: string, languageId?: string): Dialect | undefined {
  if (languageId && LANGUAGE_DIALECTS[languageId]) return LANGUAGE_DIALECTS[languageId];
  const name = (uri.split(/[\\/]/).pop() ?? '').split(/[?#]/)[0]!.toLowerCase();
  if (/\.jsonc?$/.test(name)) return 'json';
  if (/\.py$/.test(name)) return 'python';
  if (/\.ya?ml$/.test(name)) return 'yaml';
  if (/\.(sh|bash|zsh|mk|dockerfile)$/.test(name) || /^(dockerfile|containerfile)(\..+)?$/.test(name) || /^(gnu)?makefile$/.test(name)) return 'shell';
  return undefined;
}

function irrelevant(uri: string, text: string, dialect: Dialect): ParsedDocument {
  return { uri, text, dialect, relevant: false, blocks: [] };
}

/** Parses a document in its dialect; a document with no dialect or parser comes back not relevant. Never throws. */
export function parseDocument(uri: string, text: string, languageId?: string): ParsedDocument {
  const dialect = detectDialect(uri, languageId) ?? 'json';
  const parser = parsers.get(dialect);
  if (!parser || (!detectDialect(uri, languageId))) return irrelevant(uri, text, dialect);
  try {
    return parseGuarded(text, dialect, (t, truncated) => parser(uri, t, { truncated }));
  } catch {
    return irrelevant(uri, text, dialect);
  }
}
