import type { Finding, Rule } from './types';
import type { Span } from '../model';

/** One line, at most 200 characters, of whatever was thrown. */
export function faultText(e: unknown): string {
  const m = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const line = m.split(/\r\n|\r|\n/, 1)[0]!;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * Reported by the checker itself (core/check.ts), never run as a rule: a rule or a parser that threw on this input.
 * The rest of the document is still analysed; this finding says which part was not.
 */
export const rule: Rule = {
  id: 'analysis-failed',
  defaultSeverity: 'error',
  docs: {
    summary: 'RoPE Lens could not analyse a block (or the file): a rule or the parser failed on this input.',
    why: 'A block that was not analysed may hold any of the problems the other rules find; reporting the failure keeps a clean result from meaning "checked and fine" when it was not checked. The other blocks of the file are still analysed.',
    frameworks: 'Not about an engine: an internal fault of RoPE Lens on unusual input. Please report the file (or a reduced copy) with the message.',
    fix: 'Check the block by hand; if the input is valid, report it. Turn the rule off in `ropelens.rules` to hide the message.',
  },
};

export function analysisFailed(span: Span, what: string, e: unknown, blockPath?: string): Finding {
  const f: Finding = { ruleId: rule.id, severity: rule.defaultSeverity, message: `Analysis failed for ${what}: ${faultText(e)}`, span };
  if (blockPath !== undefined) f.blockPath = blockPath;
  return f;
}
