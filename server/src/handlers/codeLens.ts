// Code lenses above each rope block: "Preview this block" (the sidebar, with this block loaded) and
// "Extend context…" (the guided flow). Off with `ropelens.codeLens.enable`.
import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import { CMD_EXTEND_CONTEXT, CMD_PREVIEW_BLOCK } from '../../../common/protocol';
import { rangeOf } from '../convert';
import { enabledDocument, type ServerState } from './diagnostics';

export async function onCodeLens(state: ServerState, params: CodeLensParams): Promise<CodeLens[]> {
  const open = await enabledDocument(state, params.textDocument.uri);
  if (!open?.parsed.relevant || !open.settings.codeLens) return [];
  const { doc, parsed } = open;
  const lenses: CodeLens[] = [];
  for (const b of parsed.blocks) {
    // On the key line, so the lens sits above `"rope_scaling": {` rather than inside the block.
    const range = rangeOf(doc, b.keySpan ?? b.span);
    lenses.push(
      { range, command: { title: '$(graph-line) Preview this block', command: CMD_PREVIEW_BLOCK, arguments: [{ uri: doc.uri, path: b.path }] } },
      { range, command: { title: 'Extend context…', command: CMD_EXTEND_CONTEXT, arguments: [doc.uri, b.path] } },
    );
  }
  return lenses;
}
