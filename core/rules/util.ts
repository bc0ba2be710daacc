// Shared helpers for rules: effective values as a transformers release reads them, spans, message pieces.
import type { Fix, Finding, Rule, RuleContext, Severity } from './types';
import type { RopeBlock, SourceField, SourceValue, Span } from '../model';
import { fieldOf } from '../model';
import { ctxNum, num } from '../numbers';
import { formatVersion } from '../versions';
import { formatSource, formatValue } from '../format';

export { ctxNum, num };

/** "transformers 5.15.0" */
export function tv(ctx: RuleContext): string {
  return `transformers ${formatVersion(ctx.version)}`;
}

export function isV5(ctx: RuleContext): boolean {
  return ctx.features.blockKey === 'rope_parameters';
}

/** `rope_scaling` / `rope_parameters` as this release names the dict in its messages. */
export function dictName(ctx: RuleContext): string {
  return isV5(ctx) ? 'rope_parameters' : 'rope_scaling';
}

/**
 * The rope type the release uses, and the field it comes from. 4.43–4.57 model configs copy `type` over
 * `rope_type` (so `type` wins); 5.x does setdefault("rope_type", type) (so `rope_type` wins).
 */
export function effectiveType(block: RopeBlock, ctx: RuleContext): { type?: string; field?: SourceField } {
  const rt = fieldOf(block, 'rope_type');
  const t = fieldOf(block, 'type');
  const str = (f: SourceField | undefined) => (f && typeof f.value.value === 'string' ? f : undefined);
  const order = isV5(ctx) ? [str(rt), str(t)] : [str(t), str(rt)];
  const f = order.find((x) => x !== undefined);
  if (f) return { type: f.value.value as string, field: f };
  const any = rt ?? t;
  return any ? { field: any } : {};
}

/** Scaling keys: a block with any of these and no type is a lost scaling, not a plain default. */
export const SCALING_KEYS = [
  'factor', 'original_max_position_embeddings', 'attention_factor', 'beta_fast', 'beta_slow', 'short_factor',
  'long_factor', 'low_freq_factor', 'high_freq_factor', 'mscale', 'mscale_all_dim',
];

export function blockAnchor(block: RopeBlock): Span {
  return block.keySpan ?? block.span;
}

export function make(
  rule: Rule, block: RopeBlock | undefined, span: Span, message: string, severity?: Severity, fixes?: Fix[],
): Finding {
  const f: Finding = { ruleId: rule.id, severity: severity ?? rule.defaultSeverity, message, span };
  if (block) f.blockPath = block.path;
  const real = (fixes ?? []).filter((x) => x.edits.length > 0);
  if (real.length > 0) f.fixes = real;
  return f;
}

export function fix(title: string, edits: Fix['edits'], isPreferred = false): Fix {
  return isPreferred ? { title, edits, isPreferred } : { title, edits };
}

/** Number as Python prints it in messages (4 → 4, 4.0 → 4.0 when written as a float). */
export function show(x: unknown, isInteger?: boolean): string {
  if (typeof x === 'number' && Number.isInteger(x) && isInteger === false) return `${x}.0`;
  return formatValue(x);
}

/** A field's value for a message: the literal, or its source text when it is not one (a variable, a call). */
export function showValue(doc: { text: string }, v: SourceValue): string {
  if (v.kind === 'unknown') return formatSource(doc.text.slice(v.span.offset, v.span.offset + v.span.length));
  return show(v.value, v.isInteger);
}

export function showField(f: SourceField | undefined): string {
  return f ? show(f.value.value, f.value.isInteger) : 'None';
}

/** omp as LongRoPE in this release reads it: 4.x top level only; 5.x top level over the block. */
export function longropeOriginal(block: RopeBlock, ctx: RuleContext): { value?: number; from: 'top-level' | 'block' | 'none' } {
  const top = ctxNum(block.context.originalMaxPositionEmbeddings);
  if (top !== undefined) return { value: top, from: 'top-level' };
  if (ctx.features.longrope.originalLength === 'block') {
    const b = num(block.params['original_max_position_embeddings']);
    if (b !== undefined) return { value: b, from: 'block' };
  }
  return { from: 'none' };
}

/** The legacy (< 4.43) validation covers everything itself; most rules stay quiet there. */
export function legacyMode(ctx: RuleContext): boolean {
  return ctx.features.legacyTwoKeyValidation;
}

export function fmtInt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, '');
}
