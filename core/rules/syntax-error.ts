import type { Finding, Rule } from './types';
import type { ParsedDocument } from '../model';
import { printParseErrorCode } from 'jsonc-parser';
import { jsonData } from '../parse/json';

/** At most this many syntax errors per file: one broken bracket can cascade into thousands. */
const MAX_REPORTED = 20;

/**
 * Reported by the command line (cli/commands/check.ts), not by the language server: in the editor the JSON language
 * already underlines syntax errors, and RoPE Lens would only repeat them.
 */
export const rule: Rule = {
  id: 'syntax-error',
  defaultSeverity: 'error',
  docs: {
    summary: 'The file is not valid JSON (`ropelens check` only: the editor shows these itself).',
    why: 'A config that does not parse cannot be loaded at all, and its rope block cannot be checked. Without this finding a broken config.json would pass CI with "no problems".',
    frameworks: 'A config.json is read with a JSON parser (in Python, the `json` module), which stops with an error (`JSONDecodeError`) at the first mistake.',
    fix: 'Fix the JSON at the position given (a missing comma or bracket, an unquoted key).',
  },
};

/** "CloseBraceExpected" → "close brace expected". */
function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Syntax errors of a JSON document as findings (nothing for other dialects or valid JSON). */
export function syntaxErrorFindings(doc: ParsedDocument): Finding[] {
  const data = jsonData(doc);
  if (!data || data.syntaxErrors.length === 0) return [];
  const all = data.syntaxErrors;
  return all.slice(0, MAX_REPORTED).map((e, i) => ({
    ruleId: rule.id,
    severity: rule.defaultSeverity,
    message: `JSON syntax error: ${words(printParseErrorCode(e.error))}${i === MAX_REPORTED - 1 && all.length > MAX_REPORTED ? ` (and ${all.length - MAX_REPORTED} more)` : ''}.`,
    span: { offset: e.offset, length: e.length },
  }));
}
