// `--format github`: GitHub Actions workflow commands, one annotation per finding
// (https://docs.github.com/actions/reference/workflow-commands-for-github-actions#setting-an-error-message).
import { relative } from 'node:path';
import type { Severity } from '../core/rules/types';
import type { CheckResult } from './commands/check';

const LEVEL: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/** Message data: %, CR and LF are escaped. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values: also ':' and ','. */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(results: readonly CheckResult[], cwd: string): string {
  return results.map((r) => {
    const rel = relative(cwd, r.file);
    const file = (rel && !rel.startsWith('..') ? rel : r.file).split('\\').join('/');
    const props = [
      `file=${escapeProperty(file)}`,
      `line=${r.range.start.line + 1}`,
      `col=${r.range.start.character + 1}`,
      `endLine=${r.range.end.line + 1}`,
      `endColumn=${r.range.end.character + 1}`,
      `title=${escapeProperty(`ropelens ${r.code}`)}`,
    ].join(',');
    return `::${LEVEL[r.severity]} ${props}::${escapeData(r.message)}\n`;
  }).join('');
}
