// Model cards (README.md): fenced ```json / ```python / ```bash / ```yaml code is analysed in place, because that is
// where users copy rope blocks from (Qwen's "Processing Long Texts" YaRN snippet). Each fence is parsed by its own
// dialect; core/check.ts checks the pieces and maps findings and fixes back into the Markdown.
import type { Dialect, ParsedDocument } from '../model';
import { parserFor } from './index';
import { mapBlock, substringPiece, type EmbeddedPiece, type EmbeddingData } from './embedded';

const FENCE_DIALECTS: Record<string, { dialect: Dialect; ext: string }> = {
  json: { dialect: 'json', ext: 'json' }, jsonc: { dialect: 'json', ext: 'json' }, json5: { dialect: 'json', ext: 'json' },
  python: { dialect: 'python', ext: 'py' }, py: { dialect: 'python', ext: 'py' },
  bash: { dialect: 'shell', ext: 'sh' }, sh: { dialect: 'shell', ext: 'sh' }, shell: { dialect: 'shell', ext: 'sh' }, console: { dialect: 'shell', ext: 'sh' }, zsh: { dialect: 'shell', ext: 'sh' },
  yaml: { dialect: 'yaml', ext: 'yaml' }, yml: { dialect: 'yaml', ext: 'yaml' },
};

/** `...` / `...,` placeholder lines (model cards elide the rest of the config) blanked to spaces: offsets unchanged. */
function blankEllipses(text: string): string {
  return text.replace(/^([ \t]*)\.\.\.,?[ \t]*$/gm, (m) => ' '.repeat(m.length));
}

export function parseMarkdown(uri: string, text: string): ParsedDocument {
  const pieces: EmbeddedPiece[] = [];
  const lines = text.split('\n');
  let offset = 0;
  let open: { fence: string; lang: string; start: number; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const next = offset + lines[i]!.length + 1;
    const m = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
    if (!open && m) {
      open = { fence: m[1]!, lang: m[2]!.toLowerCase(), start: next, line: i + 1 };
    } else if (open && m && m[1]!.startsWith(open.fence) && line.trim() === m[1]) {
      const kind = FENCE_DIALECTS[open.lang];
      const parser = kind ? parserFor(kind.dialect) : undefined;
      if (kind && parser && offset > open.start) {
        const body = text.slice(open.start, offset);
        let doc = parser(`${uri}#L${open.line + 1}.${kind.ext}`, body);
        if (!doc.relevant && kind.dialect === 'json') doc = parser(`${uri}#L${open.line + 1}.${kind.ext}`, blankEllipses(body));
        if (doc.relevant) pieces.push(substringPiece({ ...doc, text: doc.text }, open.start, `\`\`\`${open.lang} fence at line ${open.line}`));
      }
      open = undefined;
    }
    offset = next;
  }
  const data: EmbeddingData = { kind: 'embedding', pieces };
  const blocks = pieces.flatMap((p) => p.doc.blocks.map((b) => mapBlock(p, b)));
  return { uri, text, dialect: 'markdown', relevant: pieces.length > 0, blocks, dialectData: data };
}
