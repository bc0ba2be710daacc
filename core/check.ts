// parse -> rules -> settings filter -> findings. Pure: the server, the CLI and tests call the same function.
import type { ParsedDocument } from './model';
import type { Finding, Rule, RuleContext, Severity } from './rules/types';
import { allRules } from './rules/index';
import { writerFor } from './fixes/writers';
import { featuresFor, LATEST_VERSION, parseVersion } from './versions';
import { LineIndex } from './edits';
import { isSuppressed, suppressionsFor } from './suppress';

export interface CheckOptions {
  /** transformers version whose behaviour the messages describe ("5.15.0", "4.45", "latest"). */
  transformersVersion?: string;
  /** Per-rule severity override or "off". */
  rules?: Record<string, Severity | 'off'>;
  /** Rule ids ignored in this document (from the "ignore in this file" action or suppression comments). */
  ignore?: readonly string[];
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

/** The context rules run with for a document and a version string (unknown versions fall back to the latest). */
export function ruleContext(doc: ParsedDocument, transformersVersion?: string): RuleContext {
  const text = !transformersVersion || transformersVersion === 'latest' ? LATEST_VERSION : transformersVersion;
  const version = parseVersion(text) ?? parseVersion(LATEST_VERSION)!;
  return { doc, version, features: featuresFor(version), writer: writerFor(doc.dialect) };
}

function runRule(rule: Rule, ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  try {
    if (rule.check) for (const b of ctx.doc.blocks) out.push(...rule.check(b, ctx));
    if (rule.checkDocument) out.push(...rule.checkDocument(ctx));
  } catch {
    // A rule that trips on odd input must not take the others down; it reports nothing for this document.
    return [];
  }
  return out;
}

/** Findings for a document, sorted by position; not-relevant documents give []. */
export function checkDocument(doc: ParsedDocument, options: CheckOptions = {}): Finding[] {
  if (!doc.relevant) return [];
  const ctx = ruleContext(doc, options.transformersVersion);
  const ignore = new Set(options.ignore ?? []);
  const overrides = options.rules ?? {};
  const supp = suppressionsFor(doc.dialect, doc.text);
  const lines = supp ? new LineIndex(doc.text) : undefined;
  const out: Finding[] = [];
  for (const rule of allRules()) {
    if (rule.dialects && !rule.dialects.includes(doc.dialect)) continue;
    if (ignore.has(rule.id)) continue;
    const o = overrides[rule.id];
    if (o === 'off') continue;
    for (const f of runRule(rule, ctx)) {
      if (supp && lines && isSuppressed(supp, f.ruleId, lines.positionAt(f.span.offset).line)) continue;
      if (o && SEVERITIES.has(o)) f.severity = o;
      out.push(f);
    }
  }
  out.sort((a, b) => a.span.offset - b.span.offset || a.ruleId.localeCompare(b.ruleId));
  return out;
}
