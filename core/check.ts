// parse -> rules -> settings filter -> findings. Pure: the server, the CLI and tests call the same function.
import type { ParsedDocument } from './model';
import type { Finding, Fix, Rule, RuleContext, Severity } from './rules/types';
import { allRules } from './rules/index';
import { nullWriter, writerFor } from './fixes/writers';
import { featuresFor, LATEST_VERSION, parseVersion } from './versions';
import { LineIndex } from './edits';
import { isSuppressed, suppressionsFor } from './suppress';
import { analysisFailed } from './rules/analysis-failed';
import { MAX_NESTING } from './parse/size-guard';
import { embeddingOf, mapEdit, mapSpan } from './parse/embedded';

export interface CheckOptions {
  /** transformers version whose behaviour the messages describe ("5.15.0", "4.45", "latest"). */
  transformersVersion?: string;
  /** Per-rule severity override or "off". */
  rules?: Record<string, Severity | 'off'>;
  /** Rule ids ignored in this document (from the "ignore in this file" action or suppression comments). */
  ignore?: readonly string[];
  /**
   * Compute quick fixes with the findings: true, false, or 'auto' (default): only while the document is small
   * enough that writing every fix stays cheap (each fix re-reads the document). Deferred findings are marked
   * `fixesDeferred`; `fixesFor` computes their fixes on request.
   */
  fixes?: boolean | 'auto';
  /** Run per-block rules on these blocks only (JSON pointers); document rules always run. */
  blockPaths?: readonly string[];
  /** Rules run after the built-in list (tests inject failing rules here; there is no global registry). */
  extraRules?: readonly Rule[];
}

/** Past these sizes fixes are deferred: eager fixes cost about (document size × blocks). */
export const EAGER_FIX_MAX_CHARS = 512 * 1024;
export const EAGER_FIX_MAX_BLOCKS = 64;

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

/** The context rules run with for a document and a version string (unknown versions fall back to the latest). */
export function ruleContext(doc: ParsedDocument, transformersVersion?: string, fixes = true): RuleContext {
  const text = !transformersVersion || transformersVersion === 'latest' ? LATEST_VERSION : transformersVersion;
  const version = parseVersion(text) ?? parseVersion(LATEST_VERSION)!;
  return { doc, version, features: featuresFor(version), writer: fixes ? writerFor(doc.dialect) : nullWriter, fixes };
}

function eagerFixes(doc: ParsedDocument, option: CheckOptions['fixes']): boolean {
  if (option === true || option === false) return option;
  return doc.text.length <= EAGER_FIX_MAX_CHARS && doc.blocks.length <= EAGER_FIX_MAX_BLOCKS;
}

/**
 * A rule that trips on odd input must not take the others down: its fault becomes one `analysis-failed` finding on
 * the block (or the document) it was checking, and every other block and rule still runs.
 */
function runRule(rule: Rule, ctx: RuleContext, blockPaths?: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  if (rule.check) {
    for (const b of ctx.doc.blocks) {
      if (blockPaths && !blockPaths.has(b.path)) continue;
      try {
        out.push(...rule.check(b, ctx));
      } catch (e) {
        out.push(analysisFailed(b.keySpan ?? b.span, `this block (rule ${rule.id})`, e, b.path));
      }
    }
  }
  if (rule.checkDocument) {
    try {
      out.push(...rule.checkDocument(ctx));
    } catch (e) {
      out.push(analysisFailed({ offset: 0, length: 0 }, `this file (rule ${rule.id})`, e));
    }
  }
  return out;
}

/** Findings for a document, sorted by position; not-relevant documents give []. */
export function checkDocument(doc: ParsedDocument, options: CheckOptions = {}): Finding[] {
  if (!doc.relevant) return [];
  // Model cards and notebooks: each embedded piece is checked in its own dialect, spans and fixes mapped back.
  const embedding = embeddingOf(doc);
  if (embedding) {
    return embedding.pieces.flatMap((p) => checkDocument(p.doc, { ...options, fixes: true, blockPaths: undefined }).map((f) => {
      const m: Finding = { ...f, span: mapSpan(p, f.span), ...(p.where ? { message: `${p.where(f.span.offset)}: ${f.message}` } : {}) };
      if (f.fixes) m.fixes = f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => mapEdit(p, e)) }));
      delete m.blockPath;
      return m;
    })).sort((a, b) => a.span.offset - b.span.offset || a.ruleId.localeCompare(b.ruleId));
  }
  // A document cut by the size or nesting guard gets no quick fixes: writers edit the whole text, which was not parsed.
  const cut = doc.analysedLength !== undefined;
  const fixes = !cut && eagerFixes(doc, options.fixes);
  const ctx = ruleContext(doc, options.transformersVersion, fixes);
  const blockPaths = options.blockPaths ? new Set(options.blockPaths) : undefined;
  const ignore = new Set(options.ignore ?? []);
  const overrides = options.rules ?? {};
  const supp = suppressionsFor(doc.dialect, doc.text);
  const lines = supp ? new LineIndex(doc.text) : undefined;
  const raw: Finding[] = [];
  if (doc.failure !== undefined) raw.push(analysisFailed({ offset: 0, length: 0 }, 'this file (parser)', doc.failure));
  for (const rule of [...allRules(), ...(options.extraRules ?? [])]) {
    if (rule.dialects && !rule.dialects.includes(doc.dialect)) continue;
    if (ignore.has(rule.id) || overrides[rule.id] === 'off') continue;
    raw.push(...runRule(rule, ctx, blockPaths));
  }
  const out: Finding[] = [];
  const failedAt = new Set<string>();
  for (const f of raw) {
    // Settings apply per finding id: an analysis-failed finding follows its own entry, not the failing rule's.
    const o = overrides[f.ruleId];
    if (o === 'off' || ignore.has(f.ruleId)) continue;
    if (supp && lines && isSuppressed(supp, f.ruleId, lines.positionAt(f.span.offset).line)) continue;
    if (f.ruleId === 'analysis-failed') {
      // One per block or file, however many rules failed there.
      const key = `${f.blockPath ?? ''}@${f.span.offset}`;
      if (failedAt.has(key)) continue;
      failedAt.add(key);
    }
    if (o && SEVERITIES.has(o)) f.severity = o;
    if (!fixes && !cut) f.fixesDeferred = true;
    out.push(f);
  }
  const limit = sizeGuardFinding(doc);
  if (limit && !ignore.has(limit.ruleId) && overrides[limit.ruleId] !== 'off') out.push(limit);
  out.sort((a, b) => a.span.offset - b.span.offset || a.ruleId.localeCompare(b.ruleId));
  return out;
}

/** Id of the information finding on a document the size guard cut (core/parse/size-guard.ts). */
export const SIZE_GUARD_ID = 'analysis-size-limit';

function mb(chars: number): string {
  return `${(chars / 2 ** 20).toFixed(chars < 10 * 2 ** 20 ? 1 : 0)} MB`;
}

/** One information finding where the analysed part of the document ends. */
function sizeGuardFinding(doc: ParsedDocument): Finding | undefined {
  const end = doc.analysedLength;
  if (end === undefined || end >= doc.text.length) return undefined;
  const at = Math.max(0, Math.min(end, doc.text.length - 1));
  const message = doc.analysisStop === 'nesting'
    ? `RoPE Lens stopped analysing here: brackets nest more than ${MAX_NESTING} levels deep on this line; rope blocks from this line on are not checked, and quick fixes are off in this file.`
    : `RoPE Lens analysed the first ${mb(end)} of this ${mb(doc.text.length)} file (the size limit for this file type); rope blocks after this point are not checked, and quick fixes are off in this file.`;
  return { ruleId: SIZE_GUARD_ID, severity: 'information', span: { offset: at, length: 0 }, message };
}

/** The fixes of one finding whose fixes were deferred: re-runs its rule on its block only, with a real writer. */
export function fixesFor(doc: ParsedDocument, finding: Pick<Finding, 'ruleId' | 'span' | 'blockPath'>, options: CheckOptions = {}): Fix[] {
  const again = checkDocument(doc, {
    ...options, fixes: true,
    blockPaths: finding.blockPath !== undefined ? [finding.blockPath] : [],
  });
  const same = again.find((f) => f.ruleId === finding.ruleId && f.span.offset === finding.span.offset && f.span.length === finding.span.length);
  return same?.fixes ?? [];
}
