// Refactor edits (extend with YaRN, migrate v4↔v5, fix all) from core/fixes, converted to LSP edits.
import type { TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedDocument, RopeBlock } from '../../../core/model';
import type { Finding } from '../../../core/rules/types';
import { lspEdits } from '../convert';

export function extendYarnEdits(
  _doc: TextDocument, _parsed: ParsedDocument, _block: RopeBlock | undefined, _target: number, _api: 'v4' | 'v5' | undefined, _version: string,
): { edits: TextEdit[]; summary: string } | { error: string } {
  return { error: 'not yet available' };
}

export function migrateEdits(_doc: TextDocument, _parsed: ParsedDocument, _block: RopeBlock, _to: 'v4' | 'v5'): TextEdit[] | undefined {
  return undefined;
}

export function fixAllEdits(doc: TextDocument, _parsed: ParsedDocument, _findings: Finding[]): TextEdit[] {
  return lspEdits(doc, []);
}
