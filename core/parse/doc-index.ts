// Lookups rules and writers do per block (the block at an offset, a block's siblings in its config, the dialect
// info recorded for a block), indexed once per parse so a document with thousands of blocks stays linear.
// Indexes are cached on the array they index and rebuilt when its length changes.
import type { ParsedDocument, RopeBlock } from '../model';

interface Cached<T> {
  length: number;
  value: T;
}

const caches = new WeakMap<object, Map<string, Cached<unknown>>>();

/** `build(list)` once per list (and per name), rebuilt when the list grew or shrank. */
export function indexed<T, L extends readonly unknown[]>(list: L, name: string, build: (list: L) => T): T {
  let m = caches.get(list);
  if (!m) caches.set(list, (m = new Map()));
  const c = m.get(name) as Cached<T> | undefined;
  if (c && c.length === list.length) return c.value;
  const value = build(list);
  m.set(name, { length: list.length, value });
  return value;
}

/** First entry of `list` whose `spanOffset` is `offset` (dialect block infos). */
export function byOffset<T extends { spanOffset: number }>(list: readonly T[], offset: number): T | undefined {
  return indexed(list, 'byOffset', (l) => {
    const m = new Map<number, T>();
    for (const x of l) if (!m.has(x.spanOffset)) m.set(x.spanOffset, x);
    return m;
  }).get(offset);
}

/** The first block whose value starts at `offset`. */
export function blockAt(doc: ParsedDocument, offset: number): RopeBlock | undefined {
  return indexed(doc.blocks, 'blockAt', (l) => {
    const m = new Map<number, RopeBlock>();
    for (const b of l) if (!m.has(b.span.offset)) m.set(b.span.offset, b);
    return m;
  }).get(offset);
}

export interface Siblings {
  /** Every block of one config object, in document order. */
  all: RopeBlock[];
  v4: RopeBlock[];
  v5: RopeBlock[];
}

/** The blocks that share a config object (`containerPath`) with `block`, split by API. */
export function siblingsOf(doc: ParsedDocument, containerPath: string): Siblings {
  const m = indexed(doc.blocks, 'siblings', (l) => {
    const out = new Map<string, Siblings>();
    for (const b of l) {
      let s = out.get(b.containerPath);
      if (!s) out.set(b.containerPath, (s = { all: [], v4: [], v5: [] }));
      s.all.push(b);
      (b.api === 'v5' ? s.v5 : s.v4).push(b);
    }
    return out;
  });
  return m.get(containerPath) ?? { all: [], v4: [], v5: [] };
}
