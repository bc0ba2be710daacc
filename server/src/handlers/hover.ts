import type { Hover, HoverParams } from 'vscode-languageserver';
import { hoverAt } from '../../../core/hover';
import { rangeOf } from '../convert';
import { enabledDocument, type ServerState } from './diagnostics';

export async function onHover(state: ServerState, params: HoverParams): Promise<Hover | null> {
  const open = await enabledDocument(state, params.textDocument.uri);
  if (!open) return null;
  const { doc, parsed, settings } = open;
  const h = hoverAt(parsed, doc.offsetAt(params.position), { transformersVersion: settings.transformersVersion, transformersSource: settings.transformersSource });
  if (!h) return null;
  return { contents: { kind: 'markdown', value: h.markdown }, range: rangeOf(doc, h.span) };
}
