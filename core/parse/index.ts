// Dialect detection and parse dispatch. Dialect parsers register themselves (registerParser) so adding one
// never edits this file. Parsing is pure; caching per document version is the caller's job.
import type { Dialect, ParsedDocument } from '../model';
import { parseJson } from './json';

export type Parser = (uri: string, text: string) => ParsedDocument;

const parsers = new Map<Dialect, Parser>([['json', parseJson]]);

export function registerParser(dialect: Dialect, parser: Parser): void {
  parsers.set(dialect, parser);
}

export function parserFor(dialect: Dialect): Parser | undefined {
  return parsers.get(dialect);
}

const LANGUAGE_DIALECTS: Record<string, Dialect> = {
  json: 'json', jsonc: 'json', python: 'python', yaml: 'yaml', shellscript: 'shell', dockerfile: 'shell', makefile: 'shell',
};

/** Dialect of a document from its VS Code language id, else its file name; undefined when RoPE Lens has none. */
export function detectDialect(uri: string, languageId?: string): Dialect | undefined {
  if (languageId && LANGUAGE_DIALECTS[languageId]) return LANGUAGE_DIALECTS[languageId];
  const name = (uri.split(/[\\/]/).pop() ?? '').split(/[?#]/)[0]!.toLowerCase();
  if (/\.jsonc?$/.test(name)) return 'json';
  if (/\.py$/.test(name)) return 'python';
  if (/\.ya?ml$/.test(name)) return 'yaml';
  if (/\.ipynb$/.test(name)) return 'notebook';
  if (name === 'readme.md' || /(^|[._-])model[_-]?card[^/]*\.md$/.test(name)) return 'markdown';
  if (name === 'modelfile' || /\.modelfile$/.test(name) || /^modelfile\.[\w.-]+$/.test(name)) return 'modelfile';
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
    return parser(uri, text);
  } catch {
    return irrelevant(uri, text, dialect);
  }
}
