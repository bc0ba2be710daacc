// Completion inside rope blocks (pure): keys the block's rope type accepts under the chosen transformers
// release, and `rope_type` values. Works on any dialect from the block's spans plus the text around the cursor.
import { ropeTypeOf, type ParsedDocument, type RopeBlock, type Span } from './model';
import { KEY_DOCS, keySpec, ROPE_TYPE_DOCS } from './keys';
import { featuresFor, type VersionFeatures } from './versions';
import { ownTable } from './format';

export interface CompletionOptions {
  transformersVersion?: string;
}

export interface CompletionSuggestion {
  label: string;
  kind: 'key' | 'value';
  detail: string;
  documentation?: string;
  /** Text that replaces `replace`; a snippet (`$1` tab stop) when `snippet` is set. */
  insertText: string;
  replace: Span;
  snippet?: boolean;
  filterText?: string;
}

/** Keys a block of `type` accepts under a release, required first (unknown types: the common keys). */
export function keysFor(type: string | undefined, features: VersionFeatures): { key: string; required: boolean }[] {
  const spec = keySpec(type ?? 'default', features) ?? { required: ['rope_type'], optional: ['factor'], autoFilled: [] };
  const out = spec.required.map((key) => ({ key, required: !spec.autoFilled.includes(key) }));
  for (const key of spec.optional) if (!out.some((k) => k.key === key)) out.push({ key, required: false });
  return out;
}

/** Rope types offered for `rope_type`: those the release has an init function for. */
export function ropeTypesFor(features: VersionFeatures): string[] {
  return [...new Set(['default', ...features.ropeTypes])];
}

const DEFAULT_VALUES: Record<string, string> = ownTable({
  rope_type: '"yarn"',
  factor: '4.0',
  original_max_position_embeddings: '32768',
  low_freq_factor: '1.0',
  high_freq_factor: '4.0',
  beta_fast: '32.0',
  beta_slow: '1.0',
  attention_factor: '1.0',
  mscale: '1.0',
  mscale_all_dim: '1.0',
  truncate: 'true',
  rope_theta: '10000.0',
  partial_rotary_factor: '1.0',
});

function innermostBlock(doc: ParsedDocument, offset: number): RopeBlock | undefined {
  return doc.blocks
    .filter((b) => offset > b.span.offset && offset < b.span.offset + b.span.length)
    .sort((a, b) => a.span.length - b.span.length)[0];
}

/** The rope type written in a block's text, for when a half-typed key has broken the parse of its members. */
function typeInText(blockText: string): string | undefined {
  return /["']?\b(?:rope_type|type)["']?\s*[:=]\s*["']?([\w-]+)/.exec(blockText)?.[1];
}

/** Completions at `offset`; empty outside rope blocks or where nothing fits. */
export function completeAt(doc: ParsedDocument, offset: number, options: CompletionOptions = {}): CompletionSuggestion[] {
  // Not gated on `relevant`: while a key is being typed the JSON is briefly invalid, but its blocks are known.
  if (offset < 0 || offset > doc.text.length) return [];
  const block = innermostBlock(doc, offset);
  if (!block) return [];
  const features = featuresFor(options.transformersVersion);
  const text = doc.text;
  // Only the current line matters; cap it so a 10 MB single-line file stays cheap.
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1) + 1, offset - 4096);
  const before = text.slice(lineStart, offset);
  const after = text.slice(offset, Math.min(text.length, offset + 4096)).split('\n', 1)[0]!;
  const yamlLike = doc.dialect === 'yaml';

  // Value position of rope_type / type: `"rope_type": "ya|`, `rope_type='ya|`, `rope_type: ya|`.
  const valueMatch = /["']?\b(rope_type|type)["']?\s*[:=]\s*(["']?)([\w-]*)$/.exec(before);
  if (valueMatch) {
    const quote = valueMatch[2] || (yamlLike ? '' : doc.dialect === 'python' ? "'" : '"');
    const partial = valueMatch[3]!;
    const start = offset - partial.length - valueMatch[2]!.length;
    const closing = valueMatch[2] && after.startsWith(valueMatch[2]) ? 1 : 0;
    const replace = { offset: start, length: offset - start + closing };
    return ropeTypesFor(features).map((t) => ({
      label: t,
      kind: 'value' as const,
      detail: `rope type (transformers ${features.since}+ table)`,
      documentation: ROPE_TYPE_DOCS[t],
      insertText: `${quote}${t}${quote}`,
      filterText: `${quote}${t}${quote}`,
      replace,
    }));
  }

  // Key position: only whitespace, an opening brace/comma and a partial (optionally quoted) name before us.
  const keyMatch = /(?:^|[{,])\s*(["']?)([\w-]*)$/.exec(before);
  if (!keyMatch) return [];
  const quoteTyped = keyMatch[1]!;
  const partial = keyMatch[2]!;
  const start = offset - partial.length - quoteTyped.length;
  const closing = quoteTyped && after.startsWith(quoteTyped) ? 1 : 0;
  const replace = { offset: start, length: offset - start + closing };
  const hasColon = /^["']?\s*[:=]/.test(after.slice(closing));
  const quote = yamlLike ? '' : quoteTyped || (doc.dialect === 'python' ? "'" : '"');
  const present = new Set(block.fields.map((f) => f.key));
  const type = ropeTypeOf(block) ?? typeInText(text.slice(block.span.offset, block.span.offset + Math.min(block.span.length, 65536)));
  return keysFor(type, features)
    .filter((k) => !present.has(k.key))
    .map((k) => {
      const value = DEFAULT_VALUES[k.key] ?? '';
      const pyValue = doc.dialect === 'python' ? value.replace(/^true$/, 'True').replace(/"/g, "'") : yamlLike ? value.replace(/"/g, '') : value;
      const insert = hasColon ? `${quote}${k.key}${quote}` : `${quote}${k.key}${quote}: \${1:${pyValue.replace(/[$}\\]/g, '\\$&')}}`;
      const s: CompletionSuggestion = {
        label: k.key,
        kind: 'key',
        detail: `${k.required ? 'required' : 'optional'} for ${type ?? 'this block'}`,
        insertText: insert,
        filterText: `${quote}${k.key}${quote}`,
        replace,
        snippet: !hasColon,
      };
      const docText = KEY_DOCS[k.key];
      if (docText) s.documentation = docText;
      return s;
    });
}
