// Refactor edits (extend with YaRN, migrate v4↔v5, fix all) from core/fixes, converted to LSP edits.
import type { TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CheckOptions } from '../../../core/check';
import { extendYarn } from '../../../core/advisor/apply';
import { fixAll } from '../../../core/fixes/fix-all';
import { migrate } from '../../../core/fixes/migrate';
import type { ParsedDocument, RopeBlock } from '../../../core/model';
import { lspEdits } from '../convert';

export function extendYarnEdits(
  doc: TextDocument,
  parsed: ParsedDocument,
  block: RopeBlock | undefined,
  target: number,
  api: 'v4' | 'v5' | undefined,
): { edits: TextEdit[]; summary: string } | { error: string } {
  const res = extendYarn(parsed, block, target, api);
  if (!res.ok) return { error: res.summary };
  return { edits: lspEdits(doc, res.edits), summary: res.summary };
}

/** The whole-document v4 ⇄ v5 conversion (every config object in the file), or nothing when it does not apply. */
export function migrateEdits(doc: TextDocument, parsed: ParsedDocument, to: 'v4' | 'v5'): TextEdit[] | undefined {
  const res = migrate(parsed, to);
  return res.ok && res.edits.length ? lspEdits(doc, res.edits) : undefined;
}

/** Every compatible preferred fix, re-checked until stable (core/fixes/fix-all.ts), as edits of this version. */
export function fixAllEdits(doc: TextDocument, parsed: ParsedDocument, options: CheckOptions): TextEdit[] {
  return lspEdits(doc, fixAll(parsed, options).edits);
}
