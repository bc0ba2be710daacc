// Which files the CLI analyses. Paths given by the user are always read; folders are walked for files
// whose dialect RoPE Lens knows (core/parse/index.ts detectDialect), keeping only JSON files that look
// like model configs.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { detectDialect } from '../core/parse/index';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '__pycache__', '.venv', 'venv', '.cache']);
/** Model configs are small; a larger JSON file in a folder walk is a tokenizer or weights index. */
const MAX_WALKED_JSON = 8 * 1024 * 1024;

/** Cheap test on the text: a model config names its type, its architectures or a rope block. */
export function looksLikeModelConfig(text: string): boolean {
  return /"(model_type|architectures|rope_scaling|rope_parameters|max_position_embeddings)"\s*:/.test(text.slice(0, 1 << 20));
}

/** Expands PATH arguments into files; throws with a one-line message for a path that does not exist. */
export function collectFiles(paths: readonly string[], readFile: (p: string) => string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new Error(`cannot read '${p}': no such file or folder`);
    }
    if (st.isDirectory()) walk(p, out, readFile);
    else out.push(p);
  }
  return [...new Set(out)];
}

function walk(dir: string, out: string[], readFile: (p: string) => string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(full, out, readFile);
      continue;
    }
    if (!e.isFile()) continue;
    const dialect = detectDialect(full);
    if (!dialect) continue;
    if (dialect === 'json') {
      try {
        if (statSync(full).size > MAX_WALKED_JSON || !looksLikeModelConfig(readFile(full))) continue;
      } catch {
        continue;
      }
    }
    out.push(full);
  }
}
