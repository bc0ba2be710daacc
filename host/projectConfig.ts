// Finds a file's project config and transformers pin on disk (Node side; the parsing is core/project-config.ts).
// Shared by the CLI and the language server so both read a project the same way. Walking up from the file's folder:
// the nearest ropelens.toml (or pyproject.toml with [tool.ropelens]) is the config; the nearest requirements*.txt or
// pyproject.toml pinning transformers is the pin. The walk stops at a folder holding .git, at `stopAt` (the
// workspace folder) or at the file system root.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { findTransformersPin, parseProjectConfig, type ProjectConfig } from '../core/project-config';

export interface ProjectFacts {
  /** The config file read (absolute), and what it says. */
  configFile?: string;
  config?: ProjectConfig;
  /** Folder that config paths and globs are relative to: the config file's, else the walk's start. */
  root: string;
  pin?: { version: string; file: string; line: number };
}

function readText(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function requirementFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  // requirements.txt first, then the others in name order.
  return names.filter((n) => /^requirements[\w.-]*\.txt$/i.test(n)).sort((a, b) => (a === 'requirements.txt' ? -1 : b === 'requirements.txt' ? 1 : a.localeCompare(b)));
}

/** The project facts for a folder (uncached; see ProjectCache). */
export function findProject(startDir: string, stopAt?: string): ProjectFacts {
  const start = resolve(startDir);
  const stop = stopAt ? resolve(stopAt) : undefined;
  const facts: ProjectFacts = { root: start };
  for (let dir = start; ; dir = dirname(dir)) {
    if (!facts.config) {
      for (const name of ['ropelens.toml', 'pyproject.toml']) {
        const path = join(dir, name);
        const text = readText(path);
        if (text === undefined) continue;
        const cfg = parseProjectConfig(text, name);
        if (cfg) {
          facts.config = cfg;
          facts.configFile = path;
          facts.root = dir;
          break;
        }
      }
    }
    if (!facts.pin) {
      for (const name of [...requirementFiles(dir), 'pyproject.toml']) {
        const path = join(dir, name);
        const text = readText(path);
        const pin = text === undefined ? undefined : findTransformersPin(name, text);
        if (pin) {
          facts.pin = { ...pin, file: path };
          break;
        }
      }
    }
    if ((facts.config && facts.pin) || dir === stop || existsSync(join(dir, '.git')) || dirname(dir) === dir) break;
  }
  return facts;
}

/** findProject per folder, remembered until `clear()` (the server clears it when a config or requirements file changes). */
export class ProjectCache {
  private readonly byDir = new Map<string, ProjectFacts>();

  get(dir: string, stopAt?: string): ProjectFacts {
    const key = `${dir}\0${stopAt ?? ''}`;
    let f = this.byDir.get(key);
    if (!f) {
      f = findProject(dir, stopAt);
      this.byDir.set(key, f);
    }
    return f;
  }

  clear(): void {
    this.byDir.clear();
  }
}

/** `path` relative to the project root, '/'-separated ('' when outside it). */
export function projectRelative(facts: ProjectFacts, path: string): string {
  const rel = relative(facts.root, resolve(path));
  return rel.startsWith('..') ? '' : rel.split(sep).join('/');
}

/** A path or glob from the config against a project-relative path: `out` matches out/ and everything under it. */
function matches(pattern: string, rel: string): boolean {
  const p = pattern.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (!p || !rel) return false;
  if (rel === p || rel.startsWith(p + '/')) return true;
  const m = picomatch(p, { dot: true });
  const parts = rel.split('/');
  // A glob matches the file or one of its folders; a bare name (no '/') matches at any depth, as in .gitignore.
  for (let i = 1; i <= parts.length; i++) {
    const head = parts.slice(0, i).join('/');
    if (m(head) || (!p.includes('/') && m(parts[i - 1]!))) return true;
  }
  return false;
}

/** True when the config excludes the file. */
export function isExcluded(facts: ProjectFacts, path: string): boolean {
  const rel = projectRelative(facts, path);
  return !!facts.config && facts.config.exclude.some((p) => matches(p, rel));
}

/** Rule ids the config's per-file-ignores switch off for the file. */
export function configIgnores(facts: ProjectFacts, path: string): string[] {
  const rel = projectRelative(facts, path);
  const out = new Set<string>();
  for (const [glob, ids] of Object.entries(facts.config?.perFileIgnores ?? {})) if (matches(glob, rel)) ids.forEach((id) => out.add(id));
  return [...out];
}

/** "ropelens.toml", "pyproject.toml [tool.ropelens]" or "requirements.txt" relative to `base`, for messages. */
export function displayPath(path: string, base: string): string {
  const rel = relative(base, path);
  return rel && !rel.startsWith('..') ? rel.split(sep).join('/') : path;
}
