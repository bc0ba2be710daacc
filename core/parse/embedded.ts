// Documents that embed code of another dialect (fenced code in a model card, code cells in a notebook): each piece is
// parsed as its own document, checked as such, and its spans and edits are mapped back into the container's text.
import type { TextEdit } from '../edits';
import type { ParsedDocument, RopeBlock, Span } from '../model';

export interface EmbeddedPiece {
  doc: ParsedDocument;
  /** A label for people ("cell 3", "```json fence at line 12"). */
  label: string;
  /** Offset in the piece → offset in the container. */
  map(offset: number): number;
  /** The container text that replaces `newText` written at piece offsets (escaping for notebooks). */
  encode(newText: string): string;
  /** Where a piece offset is, for people ("cell 3, line 2"), when the container's own lines do not say it. */
  where?(offset: number): string;
}

export interface EmbeddingData {
  kind: 'embedding';
  pieces: EmbeddedPiece[];
}

export function embeddingOf(doc: ParsedDocument): EmbeddingData | undefined {
  const d = doc.dialectData as EmbeddingData | undefined;
  return d?.kind === 'embedding' && Array.isArray(d.pieces) ? d : undefined;
}

export function mapSpan(p: EmbeddedPiece, s: Span): Span {
  const start = p.map(s.offset);
  return { offset: start, length: p.map(s.offset + s.length) - start };
}

export function mapEdit(p: EmbeddedPiece, e: TextEdit): TextEdit {
  const s = mapSpan(p, e);
  return { offset: s.offset, length: s.length, newText: p.encode(e.newText) };
}

/** A block of a piece with every span moved into the container (for hovers, lenses and the block list). */
export function mapBlock(p: EmbeddedPiece, b: RopeBlock): RopeBlock {
  const f = (s: Span): Span => mapSpan(p, s);
  const ctx = Object.fromEntries(Object.entries(b.context).map(([k, v]) => [k, v && v.span ? { ...v, span: f(v.span) } : v]));
  return {
    ...b,
    ...(b.keySpan ? { keySpan: f(b.keySpan) } : {}),
    span: f(b.span),
    fields: b.fields.map((x) => ({ ...x, keySpan: f(x.keySpan), span: f(x.span), value: { ...x.value, span: f(x.value.span) } })),
    context: ctx,
  };
}

/** A piece whose text is a plain substring of the container starting at `start` (Markdown fences). */
export function substringPiece(doc: ParsedDocument, start: number, label: string): EmbeddedPiece {
  return { doc, label, map: (o) => start + o, encode: (t) => t };
}
