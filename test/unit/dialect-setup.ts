// Shared by the dialect tests: loads the Python grammar the way the server/CLI do (bytes from node_modules here,
// dist/wasm/ in the bundles) and registers the dialects.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { initDialects } from '../../core/dialects';
import { parseDocument } from '../../core/parse/index';
import { checkDocument } from '../../core/check';
import type { ParsedDocument } from '../../core/model';
import type { Finding } from '../../core/rules/types';

export const ROOT = join(__dirname, '..', '..');

export async function setupDialects(): Promise<void> {
  await initDialects({
    runtimeWasm: readFileSync(join(ROOT, 'node_modules/web-tree-sitter/web-tree-sitter.wasm')),
    grammarWasm: readFileSync(join(ROOT, 'node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm')),
  });
}

export function example(rel: string): { uri: string; text: string } {
  return { uri: `file:///examples/${rel}`, text: readFileSync(join(ROOT, 'examples', rel), 'utf8') };
}

export function slice(doc: { text: string }, s: { offset: number; length: number }): string {
  return doc.text.slice(s.offset, s.offset + s.length);
}

export function analyse(uri: string, text: string, version?: string): { doc: ParsedDocument; findings: Finding[] } {
  const doc = parseDocument(uri, text);
  return { doc, findings: checkDocument(doc, version ? { transformersVersion: version } : {}) };
}

/** Every file below `dir` (sorted, recursively) except Markdown: the examples a sweep runs over. */
export function exampleFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const f = join(dir, e);
    if (statSync(f).isDirectory()) exampleFiles(f, out);
    else if (!f.endsWith('.md')) out.push(f);
  }
  return out;
}
