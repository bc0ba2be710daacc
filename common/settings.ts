// The `ropelens.*` settings: their types, defaults and the parsing of the raw section, plus user-typed lengths.
// No `vscode` import: the client reads the section with getConfiguration, the server with workspace/configuration,
// the CLI from its own options; unit tests call it directly.
import { MAX_IGNORE_ENTRIES } from '../core/limits';
import { globMatcher, type GlobMatcher } from './glob';

export type RuleSetting = 'error' | 'warning' | 'information' | 'hint' | 'off';
export type PreviewBackend = 'auto' | 'webgpu' | 'wasm';
export type TraceSetting = 'off' | 'messages' | 'verbose';

export interface RopeLensSettings {
  enable: boolean;
  /** As typed ("5.15.0", "4.57", "latest"); invalid text falls back to the default. */
  transformersVersion: string;
  rules: Record<string, RuleSetting>;
  /** Workspace-relative path or glob → rule ids. */
  ignoredRules: Record<string, string[]>;
  trace: TraceSetting;
  previewBackend: PreviewBackend;
  /** Seconds of single-thread WebAssembly a sidebar preview run may take (its sample sizes follow). */
  previewBudgetSeconds: number;
  /** "Preview this block" / "Extend context…" lenses above each rope block. */
  codeLens: boolean;
}

export const DEFAULT_TRANSFORMERS_VERSION = '5.15.0';

export const DEFAULT_SETTINGS: RopeLensSettings = {
  enable: true,
  transformersVersion: DEFAULT_TRANSFORMERS_VERSION,
  rules: {},
  ignoredRules: {},
  trace: 'off',
  previewBackend: 'auto',
  previewBudgetSeconds: 16,
  codeLens: true,
};

const RULE_SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'information', 'hint', 'off'];
const VERSION_RE = /^(latest|v?\d+(\.\d+){0,2})$/;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/**
 * Turns the raw `ropelens` section (what workspace/configuration or getConfiguration returns; any shape) into
 * typed settings. Unknown or mistyped entries are dropped, so a bad settings.json never breaks validation.
 */
export function parseSettings(raw: unknown): RopeLensSettings {
  const r = isRecord(raw) ? raw : {};
  const rules: Record<string, RuleSetting> = {};
  if (isRecord(r['rules'])) {
    for (const [id, sev] of Object.entries(r['rules'])) {
      const s = typeof sev === 'string' ? sev.toLowerCase() : sev;
      // "info" and "warn" are common spellings; accept them rather than silently ignoring the entry.
      const norm = s === 'info' ? 'information' : s === 'warn' ? 'warning' : s;
      if (typeof norm === 'string' && (RULE_SETTINGS as readonly string[]).includes(norm)) rules[id] = norm as RuleSetting;
    }
  }
  const ignoredRules: Record<string, string[]> = {};
  if (isRecord(r['ignoredRules'])) {
    // Bounded: a workspace's settings may come from a cloned repository (see glob.ts).
    for (const [glob, ids] of Object.entries(r['ignoredRules']).slice(0, MAX_IGNORE_ENTRIES)) {
      const list = Array.isArray(ids) ? ids.slice(0, MAX_IGNORE_ENTRIES) : typeof ids === 'string' ? [ids] : [];
      const clean = list.filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length <= 200);
      if (clean.length) ignoredRules[glob] = [...new Set(clean)];
    }
  }
  const version = typeof r['transformersVersion'] === 'string' ? r['transformersVersion'].trim() : '';
  const trace = isRecord(r['trace']) ? r['trace']['server'] : r['trace.server'];
  const preview = isRecord(r['preview']) ? r['preview']['backend'] : r['preview.backend'];
  const budget = isRecord(r['preview']) ? r['preview']['budgetSeconds'] : r['preview.budgetSeconds'];
  return {
    enable: typeof r['enable'] === 'boolean' ? r['enable'] : true,
    transformersVersion: VERSION_RE.test(version) ? version : DEFAULT_TRANSFORMERS_VERSION,
    rules,
    ignoredRules,
    trace: oneOf(trace, ['off', 'messages', 'verbose'] as const, 'off'),
    previewBackend: oneOf(preview, ['auto', 'webgpu', 'wasm'] as const, 'auto'),
    codeLens: (isRecord(r['codeLens']) ? r['codeLens']['enable'] : r['codeLens.enable']) !== false,
    previewBudgetSeconds: typeof budget === 'number' && Number.isFinite(budget) ? Math.min(120, Math.max(2, budget)) : DEFAULT_SETTINGS.previewBudgetSeconds,
  };
}

/** Compiled globs by pattern (settings repeat on every re-check); bounded, cleared when full. */
const matchers = new Map<string, GlobMatcher | undefined>();

function matcherFor(glob: string): GlobMatcher | undefined {
  if (!matchers.has(glob)) {
    if (matchers.size >= 4 * MAX_IGNORE_ENTRIES) matchers.clear();
    matchers.set(glob, globMatcher(glob));
  }
  return matchers.get(glob);
}

/**
 * Rule ids ignored for a file. `paths` are the names the file goes by (workspace-relative and absolute,
 * '/'-separated); an entry matches when it equals one of them or its glob matches one (see glob.ts for the bounds).
 */
export function ignoredRulesFor(ignored: Record<string, string[]>, paths: readonly string[]): string[] {
  const out = new Set<string>();
  const norm = paths.map((p) => p.replace(/\\/g, '/'));
  for (const [key, ids] of Object.entries(ignored).slice(0, MAX_IGNORE_ENTRIES)) {
    const k = key.replace(/\\/g, '/').replace(/^\.\//, '');
    const match = matcherFor(k);
    if (norm.some((p) => p === k || (match !== undefined && match(p)))) ids.forEach((id) => out.add(id));
  }
  return [...out];
}

/** The `ignoredRules` value after "Ignore <rule> in this file": adds the rule under the file's key, keeps the rest. */
export function withIgnoredRule(ignored: unknown, fileKey: string, ruleId: string): Record<string, string[]> {
  const current = parseSettings({ ignoredRules: ignored }).ignoredRules;
  const ids = current[fileKey] ?? [];
  return { ...current, [fileKey]: ids.includes(ruleId) ? ids : [...ids, ruleId] };
}

/**
 * Parses a context length typed by a user: "131072", "131,072", "128k" / "128K" (×1024), "1m" (×1024²).
 * Returns an error message instead of a number when the text is not a usable length.
 */
export function parseContextLength(text: string, current?: number): { value: number } | { error: string } {
  const t = text.trim().replace(/[_,\s]/g, '');
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(t);
  if (!m) return { error: 'Type a context length in tokens, such as 131072 or 128k.' };
  const mult = m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1024 : 1024 * 1024;
  const value = Number(m[1]) * mult;
  if (!Number.isSafeInteger(value)) return { error: 'The length must be a whole number of tokens.' };
  if (value < 2) return { error: 'The length must be at least 2 tokens.' };
  if (value > 1 << 30) return { error: 'That is more than 2^30 tokens; no RoPE model is trained for it.' };
  if (current !== undefined && Number.isFinite(current) && value <= current) {
    return { error: `The model already handles ${current} tokens; type a longer target.` };
  }
  return { value };
}
