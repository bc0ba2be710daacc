// Jupyter notebooks (.ipynb): each code cell's source goes through the Python dialect; spans and fix edits are mapped
// back into the notebook JSON (through the string escapes of each `source` line), and findings name the cell and the
// line inside it, since the JSON's own line numbers mean little to a reader.
import { parseTree, type Node } from 'jsonc-parser';
import type { ParsedDocument } from '../model';
import { parserFor } from './index';
import { mapBlock, type EmbeddedPiece, type EmbeddingData } from './embedded';

/** Raw offsets (into the container text) of each UTF-16 unit of a JSON string literal's value, plus its end. */
function rawOffsets(text: string, node: Node): number[] {
  const out: number[] = [];
  const end = node.offset + node.length - 1; // the closing quote
  let i = node.offset + 1;
  while (i < end) {
    out.push(i);
    if (text[i] === '\\') i += text[i + 1] === 'u' ? 6 : 2;
    else i += 1;
  }
  out.push(end);
  return out;
}

interface Segment {
  /** Start of this string in the decoded program text. */
  start: number;
  value: string;
  raw: number[];
  cell: number;
  /** Start of the segment's cell in the program text. */
  cellStart: number;
}

/** The strings of one cell's `source` (a list of lines, or one string); undefined when it is not that. */
function sourceStrings(source: Node): Node[] | undefined {
  const strings = source.type === 'array' ? (source.children ?? []) : [source];
  return strings.every((s) => s.type === 'string' && typeof s.value === 'string') ? strings : undefined;
}

/**
 * All code cells as one Python program (cells share state when run, so a model named in one cell gives the context
 * of a block in a later one), each cell's text followed by a newline.
 */
function programPiece(uri: string, text: string, cells: { node: Node; cell: number }[]): EmbeddedPiece | undefined {
  const segs: Segment[] = [];
  let code = '';
  for (const { node, cell } of cells) {
    const cellStart = code.length;
    for (const s of sourceStrings(node) ?? []) {
      const raw = rawOffsets(text, s);
      if (raw.length !== (s.value as string).length + 1) return undefined;
      segs.push({ start: code.length, value: s.value as string, raw, cell, cellStart });
      code += s.value as string;
    }
    if (!code.endsWith('\n')) code += '\n';
  }
  const parse = parserFor('python');
  if (segs.length === 0 || !parse) return undefined;
  const doc = parse(`${uri}#cells.py`, code);
  if (!doc.relevant) return undefined;
  const segAt = (o: number): Segment => {
    let lo = 0;
    for (let k = 0; k < segs.length; k++) if (segs[k]!.start <= o) lo = k;
    return segs[lo]!;
  };
  return {
    doc, label: 'code cells',
    map: (o) => {
      const s = segAt(o);
      return s.raw[Math.min(o - s.start, s.value.length)]!;
    },
    encode: (t) => JSON.stringify(t).slice(1, -1),
    where: (o) => {
      const s = segAt(o);
      return `cell ${s.cell}, line ${code.slice(s.cellStart, o).split('\n').length}`;
    },
  };
}

export function parseNotebook(uri: string, text: string): ParsedDocument {
  const root = parseTree(text);
  const cells = root?.type === 'object' ? root.children?.find((p) => p.children?.[0]?.value === 'cells')?.children?.[1] : undefined;
  const code: { node: Node; cell: number }[] = [];
  (cells?.children ?? []).forEach((cell, i) => {
    if (cell.type !== 'object') return;
    const prop = (k: string): Node | undefined => cell.children?.find((p) => p.children?.[0]?.value === k)?.children?.[1];
    const source = prop('source');
    if (prop('cell_type')?.value === 'code' && source && sourceStrings(source)) code.push({ node: source, cell: i + 1 });
  });
  const piece = programPiece(uri, text, code);
  const pieces: EmbeddedPiece[] = piece ? [piece] : [];
  const data: EmbeddingData = { kind: 'embedding', pieces };
  const blocks = pieces.flatMap((p) => p.doc.blocks.map((b) => mapBlock(p, b)));
  return { uri, text, dialect: 'notebook', relevant: pieces.length > 0, blocks, dialectData: data };
}
