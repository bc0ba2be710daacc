// The project config file, pure: `[tool.ropelens]` in pyproject.toml or a standalone ropelens.toml (parsed with
// smol-toml), a transformers pin found in requirements*.txt or pyproject dependencies, and which transformers version
// wins (flag or editor setting, then the file, then the pin, then the newest release known). File discovery is
// Node-side (host/projectConfig.ts), shared by the CLI and the language server.
import { parse as parseToml } from 'smol-toml';
import { allRules } from './rules/index';
import type { Severity } from './rules/types';
import { LATEST_VERSION, parseVersion } from './versions';

export type RuleLevel = Severity | 'off';

export interface ProjectConfig {
  /** As written ("4.57.1", "latest"). */
  transformersVersion?: string;
  /** Rule id → severity or off. */
  rules: Record<string, RuleLevel>;
  /** Paths or globs (relative to the config file's folder) never checked. */
  exclude: string[];
  /** Path or glob → rule ids ignored there (ruff's per-file-ignores). */
  perFileIgnores: Record<string, string[]>;
  /** What was wrong with the file, one line each; never fatal (the rest of the file still applies). */
  problems: string[];
}

export const CONFIG_FILES = ['ropelens.toml', 'pyproject.toml'] as const;

const LEVELS: readonly RuleLevel[] = ['error', 'warning', 'information', 'hint', 'off'];
const VERSION_KEYS = ['transformers-version', 'transformers_version', 'transformersVersion'];
/** The keys named in the message for an unknown one (the spelling the docs use). */
const KNOWN_KEYS = [VERSION_KEYS[0], 'rules', 'exclude', 'per-file-ignores'];

function isTable(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Date);
}

function strings(x: unknown): string[] | undefined {
  if (typeof x === 'string') return [x];
  return Array.isArray(x) && x.every((s) => typeof s === 'string') ? (x as string[]) : undefined;
}

/**
 * Reads the settings from a config file's text. `ropelens.toml` holds them at the top level (or under
 * [tool.ropelens], so a section can be moved between files); pyproject.toml under [tool.ropelens]. Returns undefined
 * for a pyproject.toml without that section (it is then not a RoPE Lens config).
 */
export function parseProjectConfig(text: string, fileName: string): ProjectConfig | undefined {
  const pyproject = /pyproject\.toml$/i.test(fileName);
  const out: ProjectConfig = { rules: {}, exclude: [], perFileIgnores: {}, problems: [] };
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (pyproject && !/\[\s*tool\s*\.\s*ropelens\b/.test(text)) return undefined;
    out.problems.push(`${fileName}: not valid TOML (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
    return out;
  }
  const tool = isTable(doc['tool']) ? doc['tool'] : undefined;
  const section = tool && isTable(tool['ropelens']) ? tool['ropelens'] : pyproject ? undefined : doc;
  if (!section) return undefined;
  const where = pyproject || section !== doc ? `${fileName} [tool.ropelens]` : fileName;
  const known = new Set(allRules().map((r) => r.id));
  for (const [key, value] of Object.entries(section)) {
    if (!pyproject && section === doc && key === 'tool') continue;
    if (VERSION_KEYS.includes(key)) {
      const v = typeof value === 'string' ? value.trim() : String(value);
      if (v === 'latest' || (typeof value === 'string' && parseVersion(v))) out.transformersVersion = v;
      else out.problems.push(`${where}: ${key} must be a version such as "4.57.1" or "latest" (got ${JSON.stringify(value)})`);
    } else if (key === 'rules') {
      if (!isTable(value)) {
        out.problems.push(`${where}: rules must be a table of rule id = "error" | "warning" | "information" | "hint" | "off"`);
        continue;
      }
      for (const [id, sev] of Object.entries(value)) {
        const s = typeof sev === 'string' ? sev.toLowerCase() : '';
        const norm = s === 'info' ? 'information' : s === 'warn' ? 'warning' : s;
        if (!known.has(id)) out.problems.push(`${where}: unknown rule "${id}" in rules`);
        else if (!(LEVELS as readonly string[]).includes(norm)) out.problems.push(`${where}: rules.${id} must be one of ${LEVELS.join(', ')} (got ${JSON.stringify(sev)})`);
        else out.rules[id] = norm as RuleLevel;
      }
    } else if (key === 'exclude' || key === 'extend-exclude') {
      const list = strings(value);
      if (list) out.exclude.push(...list);
      else out.problems.push(`${where}: ${key} must be a list of paths or globs`);
    } else if (key === 'per-file-ignores' || key === 'per_file_ignores') {
      if (!isTable(value)) {
        out.problems.push(`${where}: per-file-ignores must be a table of glob = [rule ids]`);
        continue;
      }
      for (const [glob, ids] of Object.entries(value)) {
        const list = strings(ids);
        if (!list) out.problems.push(`${where}: per-file-ignores."${glob}" must be a list of rule ids`);
        else {
          for (const id of list) if (!known.has(id)) out.problems.push(`${where}: unknown rule "${id}" in per-file-ignores."${glob}"`);
          out.perFileIgnores[glob] = [...new Set(list)];
        }
      }
    } else out.problems.push(`${where}: unknown key "${key}" (known: ${KNOWN_KEYS.join(', ')})`);
  }
  return out;
}

export interface TransformersPin {
  version: string;
  /** 1-based line of the requirement. */
  line: number;
}

/** `transformers==4.57.1` (extras, spaces, markers and comments allowed); other operators are ranges, not pins. */
const REQ_PIN = /^\s*transformers\s*(?:\[[^\]]*\])?\s*===?\s*v?(\d+(?:\.\d+){0,2})(?![\d.]*\*)/i;

/** The exact transformers version a project pins, from requirements*.txt or pyproject.toml dependencies. */
export function findTransformersPin(fileName: string, text: string): TransformersPin | undefined {
  if (/pyproject\.toml$/i.test(fileName)) return pyprojectPin(text);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = REQ_PIN.exec(lines[i]!.replace(/\s#.*$/, ''));
    if (m) return { version: m[1]!, line: i + 1 };
  }
  return undefined;
}

function pyprojectPin(text: string): TransformersPin | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const reqs: string[] = [];
  const project = isTable(doc['project']) ? doc['project'] : {};
  reqs.push(...(strings(project['dependencies']) ?? []));
  if (isTable(project['optional-dependencies'])) for (const v of Object.values(project['optional-dependencies'])) reqs.push(...(strings(v) ?? []));
  if (isTable(doc['dependency-groups'])) for (const v of Object.values(doc['dependency-groups'])) reqs.push(...(strings(v) ?? []));
  let version: string | undefined;
  for (const r of reqs) {
    const m = REQ_PIN.exec(r);
    if (m) {
      version = m[1]!;
      break;
    }
  }
  // Poetry: `transformers = "4.57.1"` (or "==4.57.1"); "^4.57" and ranges are not pins.
  const tool = isTable(doc['tool']) ? doc['tool'] : {};
  const poetry = isTable(tool['poetry']) && isTable(tool['poetry']['dependencies']) ? tool['poetry']['dependencies'] : {};
  const pv = poetry['transformers'];
  const ps = typeof pv === 'string' ? pv : isTable(pv) && typeof pv['version'] === 'string' ? pv['version'] : undefined;
  const pm = ps !== undefined ? /^\s*(?:==)?\s*(\d+(?:\.\d+){0,2})\s*$/.exec(ps) : null;
  if (!version && pm) version = pm[1]!;
  if (!version) return undefined;
  const line = text.split(/\r?\n/).findIndex((l) => /transformers/i.test(l) && l.includes(version));
  return { version, line: line + 1 };
}

export interface VersionChoice {
  version: string;
  /** Where it came from, for the CLI header, the hover and the language status item. */
  source: string;
}

/**
 * The transformers version and where it came from. Order: an explicit choice (CLI flag or editor setting: they
 * override the file, as ruff's extension does), the config file, the project's pin, the newest release known.
 */
export function chooseTransformersVersion(input: {
  explicit?: { version: string; source: string };
  config?: { version?: string; file: string };
  pin?: { version: string; file: string; line: number };
}): VersionChoice {
  if (input.explicit) return input.explicit;
  if (input.config?.version) return { version: input.config.version, source: `set in ${input.config.file}` };
  if (input.pin) return { version: input.pin.version, source: `pinned in ${input.pin.file}:${input.pin.line}` };
  return { version: LATEST_VERSION, source: 'default: the newest release RoPE Lens knows' };
}
