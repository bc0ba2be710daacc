// Ollama Modelfile → ParsedDocument: the FROM model and the PARAMETER lines that decide the context (num_ctx) and the
// rope parameters Ollama used to accept (rope_frequency_base, rope_frequency_scale). Instructions are
// case-insensitive and `#` starts a comment line (ollama/ollama parser/parser.go). No rope block: Ollama takes rope
// scaling from the GGUF, so the rules read `modelfileData` directly.
import type { ParsedDocument, Span } from '../model';

export interface ModelfileParam {
  name: string;
  value: string;
  /** The whole line (what a fix removes, newline included when there is one). */
  line: Span;
  nameSpan: Span;
  valueSpan: Span;
}

export interface ModelfileData {
  kind: 'modelfile';
  from?: { value: string; span: Span };
  params: ModelfileParam[];
}

export function modelfileData(doc: ParsedDocument): ModelfileData | undefined {
  const d = doc.dialectData as ModelfileData | undefined;
  return doc.dialect === 'modelfile' && d?.kind === 'modelfile' ? d : undefined;
}

/** Bounded work on any input: one pass over the lines, no backtracking regexes. */
export function parseModelfile(uri: string, text: string): ParsedDocument {
  const data: ModelfileData = { kind: 'modelfile', params: [] };
  let offset = 0;
  let inTriple = false;
  for (const raw of text.split('\n')) {
    const lineLen = raw.length + 1;
    const line = raw.replace(/\r$/, '');
    // Multi-line values (SYSTEM """...""") hold free text: nothing inside them is an instruction.
    const wasInside = inTriple;
    if ((line.split('"""').length - 1) % 2 === 1) inTriple = !inTriple;
    if (wasInside) {
      offset += lineLen;
      continue;
    }
    const lead = line.length - line.trimStart().length;
    const body = line.trimStart();
    const m = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(body);
    if (m && !body.startsWith('#')) {
      const instr = m[1]!.toUpperCase();
      if (instr === 'FROM') {
        data.from = { value: m[2]!, span: { offset: offset + lead + body.indexOf(m[2]!, m[1]!.length), length: m[2]!.length } };
      } else if (instr === 'PARAMETER' && m[3] !== undefined) {
        const nameAt = offset + lead + body.indexOf(m[2]!, m[1]!.length);
        const value = m[3].trim().replace(/^"(.*)"$/, '$1');
        const valueAt = offset + lead + body.indexOf(m[3].trim(), m[1]!.length + m[2]!.length + 1);
        data.params.push({
          name: m[2]!.toLowerCase(), value,
          line: { offset, length: Math.min(lineLen, text.length - offset) },
          nameSpan: { offset: nameAt, length: m[2]!.length },
          valueSpan: { offset: valueAt, length: m[3].trim().length },
        });
      }
    }
    offset += lineLen;
  }
  const relevant = data.from !== undefined || data.params.length > 0;
  return { uri, text, dialect: 'modelfile', relevant, blocks: [], dialectData: data };
}
