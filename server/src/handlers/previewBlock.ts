// Which rope block the preview view shows for a cursor position, and its plain-data form for the webview: the
// answer to REQUEST_BLOCK_AT, from the server's own parse of the document.
import type { RopeBlock } from '../../../core/model';
import type { BlockAtParams, BlockAtResult } from '../../../common/protocol';
import type { ServerState } from './diagnostics';

type BlockInfo = NonNullable<BlockAtResult>;

function basename(uri: string): string {
  return decodeURIComponent(uri.split(/[?#]/)[0]!.split('/').pop() ?? uri);
}

export function blockInfoOf(uri: string, b: RopeBlock): BlockInfo {
  const info: BlockInfo = {
    label: `${basename(uri)} · ${b.path || b.key}${b.layerType ? ` (${b.layerType})` : ''}`,
    uri,
    dialect: b.dialect,
    path: b.path,
    api: b.api,
    key: b.key,
    params: b.params,
    context: b.context,
  };
  if (b.layerType) info.layerType = b.layerType;
  return info;
}

/** The block at `offset`: the one containing it, else the nearest one before it, else the first. Pure. */
export function blockAt(blocks: readonly RopeBlock[], offset: number | undefined): RopeBlock | undefined {
  if (!blocks.length) return undefined;
  if (offset === undefined) return blocks[0];
  const start = (b: RopeBlock) => Math.min(b.keySpan?.offset ?? b.span.offset, b.span.offset);
  const inside = blocks.filter((b) => offset >= start(b) && offset <= b.span.offset + b.span.length);
  // Nested blocks (per-layer-type entries): the innermost wins.
  if (inside.length) return inside.reduce((a, b) => (b.span.length < a.span.length ? b : a));
  const before = blocks.filter((b) => start(b) <= offset);
  return before.length ? before.reduce((a, b) => (start(b) > start(a) ? b : a)) : blocks[0];
}

export async function onBlockAt(state: ServerState, params: BlockAtParams): Promise<BlockAtResult> {
  // Any bytes: a request without a usable uri gets "no block", never an error.
  const doc = typeof params?.uri === 'string' ? state.documents.get(params.uri) : undefined;
  if (!doc) return null;
  await state.ready;
  const parsed = state.cache.get(doc);
  const blocks = parsed.relevant ? parsed.blocks : [];
  const byPath = typeof params.path === 'string' ? blocks.find((b) => b.path === params.path) : undefined;
  const b = byPath ?? blockAt(blocks, typeof params.offset === 'number' ? params.offset : undefined);
  return b ? blockInfoOf(doc.uri, b) : null;
}
