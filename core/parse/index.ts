// Dialect detection and parse dispatch: one parser per dialect. Parsing is pure; caching per document version is
// the caller's job. Python parses once its grammar is loaded (core/dialects.ts); before, .py files are not relevant.
import type { Dialect, ParsedDocument } from '../model';
import { parseJson } from './json';
import { parsePython } from './python';
import { parseShell } from './shell';
import { parseYaml } from './yaml';
import { parseModelfile } from './modelfile';
import { parseMarkdown } from './markdown';
import { parseNotebook } from './notebook';
import { LANGUAGE_DIALECTS, type LanguageId } from '../languages';
import { parseGuarded } from './size-guard';

/** `opts.truncated`: the text is the analysed beginning of a longer document (size guard). */
export type Parser = (uri: string, text: string, opts?: { truncated?: boolean }) => ParsedDocument;

const PARSERS: Record<Dialect, Parser> = {
  json: parseJson, python: parsePython, yaml: parseYaml, shell: (uri, text) => parseShell(uri, text),
  modelfile: parseModelfile, markdown: parseMarkdown, notebook: parseNotebook,
};

/** The dialect's parser behind the size guard (re-parses after fixes see what parseDocument sees); it may throw. */
export function parserFor(dialect: Dialect): Parser | undefined {
  const p = PARSERS[dialect];
  return p && ((uri, text) => parseGuarded(text, dialect, (t, truncated) => p(uri, t, { truncated })));
}


/** Dialect of a document from its VS Code language id, else its file name; undefined when RoPE Lens has none. */
export function detectDialect(uri: string, languageId?: string): Dialect | undefined {
  if (languageId && Object.hasOwn(LANGUAGE_DIALECTS, languageId)) return LANGUAGE_DIALECTS[languageId as LanguageId];
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
  const parser = PARSERS[dialect];
  if (!parser || (!detectDialect(uri, languageId))) return irrelevant(uri, text, dialect);
  try {
    return parseGuarded(text, dialect, (t, truncated) => parser(uri, t, { truncated }));
  } catch (e) {
    // Reported, not hidden: checkDocument turns `failure` into an analysis-failed finding.
    return { ...irrelevant(uri, text, dialect), relevant: true, failure: e instanceof Error ? e.message : String(e) };
  }
}
