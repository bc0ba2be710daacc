// Which files the CLI analyses. Files named on the command line are always read (a name no dialect recognises is
// reported as skipped); folders are walked and globs ('**/config.json', quoted so the shell leaves them alone) are
// expanded by the tool, both honouring .gitignore files on the way down, keeping files whose dialect RoPE Lens knows
// (core/parse/index.ts detectDialect) and, for JSON, only files that look like model configs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { detectDialect } from '../core/parse/index';
import { UsageError } from './io';

/** Never walked into: version control, installed packages, caches. Everything else follows .gitignore. */
const ALWAYS_SKIPPED = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', 'site-packages']);
/** Model configs are small; a larger JSON file in a walk is a tokenizer or weights index. */
const MAX_WALKED_JSON = 8 * 1024 * 1024;

export interface Skipped {
  path: string;
  reason: string;
}

export interface Collected {
  files: string[];
  skipped: Skipped[];
}

export interface CollectOptions {
  cwd: string;
  readFile: (p: string) => string;
  /** Files a project config excludes (walks and globs only: a file named on the command line is always read). */
  excluded?: (path: string) => boolean;
}

/** Cheap test on the text: a model config names its type, its architectures or a rope block. */
export function looksLikeModelConfig(text: string): boolean {
  return /"(model_type|architectures|rope_scaling|rope_parameters|max_position_embeddings)"\s*:/.test(text.slice(0, 1 << 20));
}

export function isGlob(arg: string): boolean {
  return /[*?[\]{}]/.test(arg) && !existsSync(arg);
}

/** Expands PATH arguments (files, folders, globs); throws with a one-line message for a path that does not exist. */
export function collectFiles(paths: readonly string[], opts: CollectOptions): Collected {
  const out: Collected = { files: [], skipped: [] };
  for (const p of paths) {
    const abs = resolve(opts.cwd, p);
    if (isGlob(p)) {
      const before = out.files.length + out.skipped.length;
      expandGlob(p, opts, out);
      if (out.files.length + out.skipped.length === before) throw new UsageError(`no file matches '${p}'`);
      continue;
    }
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new UsageError(`cannot read '${p}': no such file or folder`);
    }
    if (st.isDirectory()) walk(abs, p, opts, out, rootIgnores(abs), () => true);
    else if (detectDialect(abs)) out.files.push(p);
    else out.skipped.push({ path: p, reason: 'no RoPE Lens dialect reads this kind of file' });
  }
  out.files = [...new Set(out.files)];
  return out;
}

interface Scoped {
  dir: string;
  ig: Ignore;
}

function readIgnore(dir: string): Scoped | undefined {
  const f = join(dir, '.gitignore');
  try {
    return { dir, ig: ignore().add(readFileSync(f, 'utf8')) };
  } catch {
    return undefined;
  }
}

/** The .gitignore files above a walk's start, up to the repository root, so `ropelens check sub/` obeys them too. */
function rootIgnores(start: string): Scoped[] {
  const out: Scoped[] = [];
  let dir = resolve(start, '..');
  for (let i = 0; i < 64; i++) {
    const s = readIgnore(dir);
    if (s) out.unshift(s);
    if (existsSync(join(dir, '.git')) || resolve(dir, '..') === dir) break;
    dir = resolve(dir, '..');
  }
  return out;
}

function ignored(scopes: readonly Scoped[], abs: string, isDir: boolean): boolean {
  for (const s of scopes) {
    const rel = relative(s.dir, abs).split(sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (s.ig.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/**
 * Walks `abs` (shown as `shown`), adding the files `keep` accepts. Walked files with no dialect, JSON that is not a
 * model config and files the config excludes are recorded as skipped.
 */
function walk(abs: string, shown: string, opts: CollectOptions, out: Collected, scopes: Scoped[], keep: (shownPath: string) => boolean): void {
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return;
  }
  const own = readIgnore(abs);
  const here = own ? [...scopes, own] : scopes;
  for (const e of entries) {
    const full = join(abs, e.name);
    const name = join(shown, e.name);
    if (e.isDirectory()) {
      if (ALWAYS_SKIPPED.has(e.name) || (e.name.startsWith('.') && e.name !== '.')) continue;
      // A virtual environment (pyvenv.cfg) is installed code, whatever .gitignore says.
      if (existsSync(join(full, 'pyvenv.cfg'))) continue;
      if (ignored(here, full, true) || opts.excluded?.(full)) continue;
      walk(full, name, opts, out, here, keep);
      continue;
    }
    if (!e.isFile() || ignored(here, full, false) || !keep(name)) continue;
    if (opts.excluded?.(full)) {
      out.skipped.push({ path: name, reason: 'excluded by the project config' });
      continue;
    }
    const dialect = detectDialect(full);
    if (!dialect) {
      out.skipped.push({ path: name, reason: 'no RoPE Lens dialect reads this kind of file' });
      continue;
    }
    if (dialect === 'json') {
      try {
        if (statSync(full).size > MAX_WALKED_JSON || !looksLikeModelConfig(opts.readFile(full))) {
          out.skipped.push({ path: name, reason: 'JSON that is not a model config' });
          continue;
        }
      } catch {
        out.skipped.push({ path: name, reason: 'unreadable' });
        continue;
      }
    }
    out.files.push(name);
  }
}

/** A glob: walk from its fixed prefix (the folders before the first wildcard) and keep what matches. */
function expandGlob(pattern: string, opts: CollectOptions, out: Collected): void {
  const norm = pattern.split('\\').join('/');
  const parts = norm.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (/[*?[\]{}]/.test(part)) break;
    fixed.push(part);
  }
  const base = fixed.length ? fixed.join('/') || '/' : '.';
  const abs = resolve(opts.cwd, base);
  if (!existsSync(abs)) return;
  const match = picomatch(norm, { dot: false });
  walk(abs, base, opts, out, rootIgnores(abs), (shownPath) => match(shownPath.split(sep).join('/')));
}
