// Code actions read the fix payload the diagnostics carried (`data`); refactors (extend, migrate) and
// fix-all compute edits from the cached parse of the current version.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedDocument } from '../../../core/model';
import { CMD_COPY_AS, CMD_EXTEND_CONTEXT, CMD_EXTEND_YARN, CMD_IGNORE_RULE_IN_FILE, CMD_SHOW_RULE_DOC, type DiagnosticData } from '../../../common/protocol';
import { checkOptions, enabledDocument, type ServerState } from './diagnostics';
import { fixesFor, type CheckOptions } from '../../../core/check';
import { lspEdits } from '../convert';
import { fixAllEdits, migrateEdits } from './refactors';
import { blockAtOffset } from './commands';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ropelens`;
const EXTEND_KIND = `${CodeActionKind.RefactorRewrite}.ropelens.extendYarn`;
const MIGRATE_KIND = `${CodeActionKind.RefactorRewrite}.ropelens.migrate`;
const EXTEND_CONTEXT_KIND = `${CodeActionKind.RefactorRewrite}.ropelens.extendContext`;
// Copying changes nothing in the file, so it is a plain refactor, not a rewrite.
const COPY_AS_KIND = `${CodeActionKind.Refactor}.ropelens.copyAs`;

const COMMENT_DIALECTS = new Set(['python', 'yaml', 'shell']);

function wanted(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
}

export async function onCodeAction(state: ServerState, params: CodeActionParams): Promise<CodeAction[]> {
  const open = await enabledDocument(state, params.textDocument.uri);
  if (!open?.parsed.relevant) return [];
  const { doc, parsed, settings } = open;
  const only = params.context.only;
  const uri = doc.uri;
  const actions: CodeAction[] = [];

  if (wanted(only, CodeActionKind.QuickFix)) {
    for (const d of params.context.diagnostics) {
      if (d.source !== 'ropelens') continue;
      actions.push(...quickFixes(doc, parsed, d, checkOptions(settings, uri, state.workspaceFolders)));
    }
  }

  const offset = doc.offsetAt(params.range.start);
  const block = blockAtOffset(parsed, offset);
  if (wanted(only, EXTEND_KIND) && (block || parsed.blocks.length === 0)) {
    actions.push({
      title: 'Extend context with YaRN…',
      kind: EXTEND_KIND,
      command: { title: 'Extend context with YaRN…', command: CMD_EXTEND_YARN, arguments: [uri, block?.path] },
    });
  }
  // The guided flow (core/advisor): on a block, or on a file that has none yet (a model config, a serving command).
  if (wanted(only, EXTEND_CONTEXT_KIND) && (block || parsed.blocks.length === 0)) {
    actions.push({
      title: 'Extend context…',
      kind: EXTEND_CONTEXT_KIND,
      command: { title: 'Extend context…', command: CMD_EXTEND_CONTEXT, arguments: [uri, block?.path] },
    });
  }
  if (block && wanted(only, COPY_AS_KIND)) {
    actions.push({
      title: 'Copy rope block as…',
      kind: COPY_AS_KIND,
      command: { title: 'Copy rope block as…', command: CMD_COPY_AS, arguments: [uri, block.path] },
    });
  }
  if (block && wanted(only, MIGRATE_KIND)) {
    for (const to of ['v5', 'v4'] as const) {
      if (block.api === to) continue;
      const edits = migrateEdits(doc, parsed, to);
      if (!edits?.length) continue;
      actions.push({
        title: to === 'v5' ? 'Migrate to transformers 5 (`rope_parameters`)' : 'Migrate to transformers 4 (`rope_scaling`)',
        kind: `${MIGRATE_KIND}.${to === 'v5' ? 'toV5' : 'toV4'}`,
        edit: { changes: { [uri]: edits } },
      });
    }
  }
  if (only && wanted(only, FIX_ALL_KIND) && only.some((o) => o.startsWith(CodeActionKind.Source))) {
    const edits = fixAllEdits(doc, parsed, checkOptions(settings, uri, state.workspaceFolders));
    if (edits.length) actions.push({ title: 'Fix all RoPE Lens problems', kind: FIX_ALL_KIND, edit: { changes: { [uri]: edits } } });
  }
  return actions;
}


function quickFixes(doc: TextDocument, parsed: ParsedDocument, d: Diagnostic, options: CheckOptions): CodeAction[] {
  const data = d.data as DiagnosticData | undefined;
  const ruleId = typeof d.code === 'string' ? d.code : data?.ruleId;
  if (!ruleId) return [];
  const uri = doc.uri;
  const out: CodeAction[] = [];
  // Fixes computed for another version would land on the wrong text.
  if (data && data.version === doc.version) {
    // Large documents: the diagnostic carries no fixes; compute this one finding's fixes now (one block).
    const fixes = data.deferred
      ? fixesFor(parsed, { ruleId, span: data.deferred, blockPath: data.blockPath }, options).map((f) => ({ title: f.title, isPreferred: f.isPreferred, edits: lspEdits(doc, f.edits) }))
      : data.fixes ?? [];
    for (const f of fixes) {
      out.push({ title: f.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: f.isPreferred === true, edit: { changes: { [uri]: f.edits } } });
    }
  }
  if (COMMENT_DIALECTS.has(parsed.dialect)) {
    const line = disableLineEdit(doc, d.range.start.line, ruleId);
    if (line) out.push({ title: `Disable ${ruleId} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: [line] } } });
    out.push({ title: `Ignore ${ruleId} in this file`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: [disableFileEdit(doc, ruleId)] } } });
  } else {
    out.push({ title: `Ignore ${ruleId} in this file`, kind: CodeActionKind.QuickFix, diagnostics: [d], command: { title: `Ignore ${ruleId} in this file`, command: CMD_IGNORE_RULE_IN_FILE, arguments: [uri, ruleId] } });
  }
  out.push({ title: `Show documentation for ${ruleId}`, kind: CodeActionKind.QuickFix, diagnostics: [d], command: { title: `Show documentation for ${ruleId}`, command: CMD_SHOW_RULE_DOC, arguments: [ruleId] } });
  return out;
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/(\r\n|\r|\n)$/, '');
}

/** The document's own line break (CRLF, CR-only or LF), so an inserted comment line matches the file. */
function eolOf(doc: TextDocument): string {
  const first = doc.lineCount > 1 ? doc.getText({ start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }) : '';
  return /\r\n$/.test(first) ? '\r\n' : /\r$/.test(first) ? '\r' : '\n';
}

/**
 * `# ropelens-disable-next-line <rule>` above the line. Not offered inside a `\`-continued command: a comment
 * line there would end the command.
 */
export function disableLineEdit(doc: TextDocument, line: number, ruleId: string): TextEdit | undefined {
  const l = line;
  if (l > 0 && /\\\s*$/.test(lineText(doc, l - 1))) return undefined;
  const indent = /^[ \t]*/.exec(lineText(doc, l))![0];
  return { range: { start: { line: l, character: 0 }, end: { line: l, character: 0 } }, newText: `${indent}# ropelens-disable-next-line ${ruleId}${eolOf(doc)}` };
}

/** Adds the rule to an existing `# ropelens-disable-file` comment, or writes one at the top (after a shebang). */
export function disableFileEdit(doc: TextDocument, ruleId: string): TextEdit {
  const lines = Math.min(doc.lineCount, 50);
  for (let l = 0; l < lines; l++) {
    const t = lineText(doc, l);
    const m = /^(\s*#\s*ropelens-disable-file\b)(.*)$/.exec(t);
    if (m) {
      const end = { line: l, character: t.length };
      return { range: { start: end, end }, newText: m[2]!.trim() ? `, ${ruleId}` : ` ${ruleId}` };
    }
  }
  const first = doc.lineCount > 0 ? lineText(doc, 0) : '';
  const at = /^#!/.test(first) || /^#.*coding[:=]/.test(first) ? 1 : 0;
  if (at === 1 && doc.lineCount === 1) {
    const end = { line: 0, character: first.length };
    return { range: { start: end, end }, newText: `${eolOf(doc)}# ropelens-disable-file ${ruleId}` };
  }
  return { range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, newText: `# ropelens-disable-file ${ruleId}${eolOf(doc)}` };
}
