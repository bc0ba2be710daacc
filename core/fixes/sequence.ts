// Multi-step fixes: each step sees the document as the previous steps left it (re-parsed), and the whole
// sequence comes back as one edit, so two changes to the same object never overlap.
import { applyEdits, type TextEdit } from '../edits';
import type { ParsedDocument, RopeBlock } from '../model';
import { parserFor } from '../parse/index';
import type { RuleContext } from '../rules/types';
import { diffEdit } from './json-writer';

export type Step = (doc: ParsedDocument) => TextEdit[];

export function blockIn(doc: ParsedDocument, path: string): RopeBlock | undefined {
  return doc.blocks.find((b) => b.path === path);
}

export function editSequence(doc: ParsedDocument, steps: Step[]): TextEdit[] {
  const parser = parserFor(doc.dialect);
  if (steps.length === 1) return steps[0]!(doc);
  if (!parser) return [];
  let cur = doc;
  try {
    for (const step of steps) {
      const edits = step(cur);
      if (edits.length === 0) continue;
      cur = parser(doc.uri, applyEdits(cur.text, edits));
    }
  } catch {
    return [];
  }
  return cur === doc ? [] : diffEdit(doc.text, cur.text);
}

/** Sets block fields and config keys (context) in order, as one edit. */
export function setMany(
  ctx: RuleContext, block: RopeBlock, fields: Array<[string, unknown]>, context: Array<[string, unknown]> = [],
): TextEdit[] {
  const steps: Step[] = [];
  for (const [k, v] of fields) steps.push((d) => {
    const b = blockIn(d, block.path);
    return b ? ctx.writer.setField(d, b, k, v) : [];
  });
  for (const [k, v] of context) steps.push((d) => {
    const b = blockIn(d, block.path);
    return b ? ctx.writer.setContext(d, b, k, v) : [];
  });
  return editSequence(ctx.doc, steps);
}
