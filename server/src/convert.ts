// The LSP edge: offsets become ranges, findings become diagnostics. Nothing else converts.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit as CoreEdit } from '../../core/edits';
import type { Span } from '../../core/model';
import type { Finding, Severity } from '../../core/rules/types';
import { ruleDocUrl } from '../../common/links';
import type { DiagnosticData } from '../../common/protocol';

export function rangeOf(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.offset), end: doc.positionAt(span.offset + span.length) };
}

export function lspEdits(doc: TextDocument, edits: readonly CoreEdit[]): Array<{ range: Range; newText: string }> {
  return edits.map((e) => ({ range: rangeOf(doc, { offset: e.offset, length: e.length }), newText: e.newText }));
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(doc: TextDocument, f: Finding): Diagnostic {
  const data: DiagnosticData = {
    ruleId: f.ruleId,
    version: doc.version,
    fixes: (f.fixes ?? []).map((x) => ({ title: x.title, isPreferred: x.isPreferred, edits: lspEdits(doc, x.edits) })),
  };
  if (f.blockPath !== undefined) data.blockPath = f.blockPath;
  if (f.fixesDeferred) data.deferred = { offset: f.span.offset, length: f.span.length };
  const d: Diagnostic = {
    range: rangeOf(doc, f.span),
    severity: SEVERITY[f.severity] ?? DiagnosticSeverity.Warning,
    source: 'ropelens',
    code: f.ruleId,
    codeDescription: { href: ruleDocUrl(f.ruleId) },
    message: f.message,
    data,
  };
  const tags = (f.tags ?? []).map((t) => (t === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary));
  if (tags.length) d.tags = tags;
  return d;
}

/** The names a file goes by for `ropelens.ignoredRules`: absolute path and path relative to each workspace folder. */
export function pathsForUri(uri: string, folderUris: readonly string[]): string[] {
  const abs = fsPath(uri);
  const out = [abs];
  for (const f of folderUris) {
    const base = fsPath(f).replace(/\/+$/, '');
    if (abs.startsWith(base + '/')) out.push(abs.slice(base.length + 1));
  }
  return out;
}

function fsPath(uri: string): string {
  const m = /^[a-z][\w+.-]*:\/\/[^/]*(\/.*)?$/i.exec(uri);
  let p = m ? (m[1] ?? '/') : uri;
  try {
    p = decodeURIComponent(p);
  } catch {
    /* keep the raw path */
  }
  // file:///c%3A/x → c:/x on Windows
  return /^\/[a-zA-Z]:/.test(p) ? p.slice(1) : p;
}
