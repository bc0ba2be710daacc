import type { Hover, HoverParams } from 'vscode-languageserver';
import { hoverAt } from '../../../core/hover';
import { rangeOf } from '../convert';
import type { ServerState } from './diagnostics';

export async function onHover(state: ServerState, params: HoverParams): Promise<Hover | null> {
  const doc = state.documents.get(params.textDocument.uri);
  if (!doc) return null;
  await state.ready;
  const settings = await state.settings.get(doc.uri);
  if (!settings.enable) return null;
  const parsed = state.cache.get(doc);
  const h = hoverAt(parsed, doc.offsetAt(params.position), { transformersVersion: settings.transformersVersion });
  if (!h) return null;
  return { contents: { kind: 'markdown', value: h.markdown }, range: rangeOf(doc, h.span) };
}
