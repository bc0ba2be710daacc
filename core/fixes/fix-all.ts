// source.fixAll: apply every preferred fix that does not overlap another, re-check, repeat until stable.
import { applyEdits, type TextEdit } from '../edits';
import type { ParsedDocument } from '../model';
import { checkDocument, type CheckOptions } from '../check';
import { parserFor } from '../parse/index';
import type { Finding } from '../rules/types';
import { diffEdit } from './json-writer';

export interface FixAllResult {
  /** One edit from the original text to the fixed text (empty when nothing applies). */
  edits: TextEdit[];
  text: string;
  /** Rule ids whose fixes were applied, in order. */
  applied: string[];
  rounds: number;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.offset === b.offset && (a.length === 0 || b.length === 0)) return true; // two inserts at one point: order unclear
  return a.offset < b.offset + b.length && b.offset < a.offset + a.length;
}

/** Preferred fixes of the findings whose edits do not overlap each other (first come, first kept). */
export function compatiblePreferredFixes(findings: readonly Finding[]): Array<{ finding: Finding; edits: TextEdit[] }> {
  const chosen: Array<{ finding: Finding; edits: TextEdit[] }> = [];
  const taken: TextEdit[] = [];
  for (const f of findings) {
    const fx = f.fixes?.find((x) => x.isPreferred);
    if (!fx || fx.edits.length === 0) continue;
    if (fx.edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    chosen.push({ finding: f, edits: fx.edits });
    taken.push(...fx.edits);
  }
  return chosen;
}

export function fixAll(doc: ParsedDocument, options: CheckOptions = {}, maxRounds = 8): FixAllResult {
  const parser = parserFor(doc.dialect);
  let cur = doc;
  const applied: string[] = [];
  let rounds = 0;
  while (rounds < maxRounds && parser) {
    const picks = compatiblePreferredFixes(checkDocument(cur, options));
    if (picks.length === 0) break;
    rounds++;
    let next: string;
    try {
      next = applyEdits(cur.text, picks.flatMap((p) => p.edits));
    } catch {
      break;
    }
    if (next === cur.text) break;
    applied.push(...picks.map((p) => p.finding.ruleId));
    cur = parser(doc.uri, next);
  }
  return { edits: diffEdit(doc.text, cur.text), text: cur.text, applied, rounds };
}
