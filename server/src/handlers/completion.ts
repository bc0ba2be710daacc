import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionParams } from 'vscode-languageserver';
import { completeAt } from '../../../core/completion';
import { rangeOf } from '../convert';
import { enabledDocument, type ServerState } from './diagnostics';

export async function onCompletion(state: ServerState, params: CompletionParams): Promise<CompletionItem[]> {
  const open = await enabledDocument(state, params.textDocument.uri);
  if (!open) return [];
  const { doc, parsed, settings } = open;
  return completeAt(parsed, doc.offsetAt(params.position), { transformersVersion: settings.transformersVersion }).map((c, i) => {
    const item: CompletionItem = {
      label: c.label,
      kind: c.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.EnumMember,
      detail: c.detail,
      sortText: String(i).padStart(4, '0'),
      insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      textEdit: { range: rangeOf(doc, c.replace), newText: c.insertText },
    };
    if (c.documentation) item.documentation = { kind: 'markdown', value: c.documentation };
    if (c.filterText) item.filterText = c.filterText;
    return item;
  });
}
