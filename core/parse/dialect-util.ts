// Pieces shared by the Python, YAML and command-line parsers: turning "key: value" members into the one
// RopeBlock shape, JSON text embedded in strings (flags, YAML scalars) with spans mapped back to the source,
// and the rope keys every dialect looks for. (Suppression comments are core/suppress.ts.)
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { nodeValue } from './json';
import type { ContextValue, Dialect, Engine, ModelContext, RopeBlock, SourceField, SourceValue, Span } from '../model';
import { ownTable, setOwn } from '../format';

/** Keys a rope block hangs from, in any dialect. */
export const BLOCK_KEYS = ['rope_scaling', 'rope_parameters'] as const;

export function isBlockKey(k: string): boolean {
  return (BLOCK_KEYS as readonly string[]).includes(k);
}

/** Config keys that feed a block's ModelContext (shared with hf_overrides / flag JSON / YAML recipes). */
export const CONTEXT_KEYS: Readonly<Record<string, keyof ModelContext>> = ownTable({
  model_type: 'modelType',
  max_position_embeddings: 'maxPositionEmbeddings',
  rope_theta: 'ropeTheta',
  hidden_size: 'hiddenSize',
  num_attention_heads: 'numAttentionHeads',
  head_dim: 'headDim',
  partial_rotary_factor: 'partialRotaryFactor',
  qk_rope_head_dim: 'qkRopeHeadDim',
  original_max_position_embeddings: 'originalMaxPositionEmbeddings',
});

export interface BlockInput {
  dialect: Dialect;
  key: string;
  keySpan?: Span;
  span: Span;
  fields: SourceField[];
  context: ModelContext;
  engine?: Engine;
  /** Extra params not written as members (LLaMA-Factory computes them from cutoff_len). */
  derived?: Record<string, unknown>;
  path?: string;
  containerPath?: string;
}

export function makeBlock(b: BlockInput): RopeBlock {
  const params: Record<string, unknown> = { ...(b.derived ?? {}) };
  for (const f of b.fields) if (f.value.kind !== 'unknown') setOwn(params, f.key, f.value.value);
  const bare = b.key.replace(/^-+/, '');
  const api = bare === 'rope_parameters' ? 'v5' : 'v4';
  const blockKey = api === 'v5' ? 'rope_parameters' : 'rope_scaling';
  const block: RopeBlock = {
    dialect: b.dialect,
    path: b.path ?? `/${blockKey}`,
    containerPath: b.containerPath ?? '',
    api,
    key: b.key,
    span: b.span,
    fields: b.fields,
    params,
    context: b.context,
  };
  if (b.keySpan) block.keySpan = b.keySpan;
  if (b.engine) block.engine = b.engine;
  return block;
}

/** Maps offsets in a decoded string (a shell word, a YAML/JSON scalar) to document offsets. */
export interface MappedText {
  text: string;
  /** map[i] = document offset of text[i]; map[text.length] = offset just after the last character. */
  map: number[];
  /** The whole source token (quotes included), replaced when the value is rewritten. */
  span: Span;
  /** How the token was quoted, so a writer can re-quote new text the same way. */
  quote: 'none' | 'single' | 'double' | 'json' | 'yaml-plain' | 'yaml-single' | 'yaml-double';
}

/** map[i] is where character i's source starts (an escape's backslash); map[text.length] where the last one ends. */
export function mappedSpan(m: MappedText, offset: number, length: number): Span {
  const clamp = (i: number): number => Math.max(0, Math.min(i, m.text.length));
  const start = m.map[clamp(offset)]!;
  const end = m.map[clamp(offset + Math.max(0, length))]!;
  return { offset: start, length: Math.max(0, end - start) };
}

export function verbatim(text: string, offset: number, quote: MappedText['quote'] = 'none', span?: Span): MappedText {
  const map = new Array<number>(text.length + 1);
  for (let i = 0; i <= text.length; i++) map[i] = offset + i;
  return { text, map, span: span ?? { offset, length: text.length }, quote };
}

function jsonSourceValue(n: JsonNode, m: MappedText): SourceValue {
  const span = mappedSpan(m, n.offset, n.length);
  const value = nodeValue(n);
  const sv: SourceValue = { kind: n.type as SourceValue['kind'], value, span };
  if (n.type === 'number') sv.isInteger = /^-?\d+$/.test(m.text.slice(n.offset, n.offset + n.length));
  return sv;
}

/** Members of a JSON object node, spans mapped into the document. */
export function jsonFields(obj: JsonNode, m: MappedText): SourceField[] {
  const out: SourceField[] = [];
  for (const p of obj.children ?? []) {
    const [k, v] = p.children ?? [];
    if (!k || !v || typeof k.value !== 'string') continue;
    out.push({
      key: k.value,
      keySpan: mappedSpan(m, k.offset, k.length),
      value: jsonSourceValue(v, m),
      span: mappedSpan(m, p.offset, p.length),
    });
  }
  return out;
}

/** Parses JSON embedded in a string; undefined when it is not a JSON object. */
export function parseEmbeddedJson(m: MappedText): JsonNode | undefined {
  const t = m.text.trim();
  if (!t.startsWith('{')) return undefined;
  const errors: { error: number; offset: number; length: number }[] = [];
  const root = parseTree(m.text, errors, { allowTrailingComma: true, disallowComments: false });
  if (!root || root.type !== 'object' || errors.length > 0) return undefined;
  return root;
}

export function childOf(obj: JsonNode, key: string): { keyNode: JsonNode; valueNode: JsonNode; prop: JsonNode } | undefined {
  for (const p of obj.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k && v && k.value === key) return { keyNode: k, valueNode: v, prop: p };
  }
  return undefined;
}

/** Blocks from a JSON object that is either a rope block itself or a config override holding one (hf_overrides). */
export function blocksFromJson(
  m: MappedText,
  opts: { dialect: Dialect; flag: string; flagSpan?: Span; engine?: Engine; context: ModelContext; isOverrides: boolean },
): RopeBlock[] {
  const root = parseEmbeddedJson(m);
  if (!root) return [];
  if (!opts.isOverrides) {
    return [
      makeBlock({
        dialect: opts.dialect, key: opts.flag, keySpan: opts.flagSpan, span: mappedSpan(m, root.offset, root.length),
        fields: jsonFields(root, m), context: opts.context, engine: opts.engine,
      }),
    ];
  }
  // A config override: context keys beside the block win over the file's.
  const ctx: ModelContext = { ...opts.context };
  for (const [k, ck] of Object.entries(CONTEXT_KEYS)) {
    const c = childOf(root, k);
    if (c && (c.valueNode.type === 'number' || c.valueNode.type === 'string')) {
      ctx[ck] = { value: c.valueNode.value, span: mappedSpan(m, c.valueNode.offset, c.valueNode.length), source: 'flag' };
    }
  }
  const out: RopeBlock[] = [];
  for (const key of BLOCK_KEYS) {
    const c = childOf(root, key);
    if (!c || c.valueNode.type !== 'object') continue;
    out.push(
      makeBlock({
        dialect: opts.dialect, key, keySpan: mappedSpan(m, c.keyNode.offset, c.keyNode.length),
        span: mappedSpan(m, c.valueNode.offset, c.valueNode.length), fields: jsonFields(c.valueNode, m), context: ctx,
        engine: opts.engine,
      }),
    );
  }
  return out;
}

/** Decodes a JSON string literal token (quotes included) with an offset map; undefined when malformed. */
export function decodeJsonString(src: string, start: number, end: number): MappedText | undefined {
  if (src[start] !== '"' || src[end - 1] !== '"' || end - start < 2) return undefined;
  let text = '';
  const map: number[] = [];
  for (let i = start + 1; i < end - 1; i++) {
    const c = src[i]!;
    if (c !== '\\') {
      text += c;
      map.push(i);
      continue;
    }
    const n = src[i + 1];
    const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (n !== undefined && n in simple) {
      text += simple[n];
      map.push(i);
      i++;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
      text += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
      map.push(i);
      i += 5;
    } else return undefined;
  }
  map.push(end - 1);
  return { text, map, span: { offset: start, length: end - start }, quote: 'json' };
}

export function ctxValue(value: unknown, source: ContextValue['source'], span?: Span, isInteger?: boolean): ContextValue {
  const c: ContextValue = { value, source };
  if (span) c.span = span;
  if (isInteger !== undefined) c.isInteger = isInteger;
  return c;
}

/** Fills missing context entries from `fallback` (file values first, then known models). */
export function mergeContext(primary: ModelContext, fallback: ModelContext): ModelContext {
  const out: ModelContext = { ...fallback };
  for (const [k, v] of Object.entries(primary) as [keyof ModelContext, ContextValue | undefined][]) if (v) out[k] = v;
  return out;
}

/** Several blocks in one file (a script, a compose file) get distinct paths, stable while the file is edited. */
export function uniquePaths(blocks: RopeBlock[]): void {
  const seen = new Map<string, number>();
  for (const b of blocks) {
    const n = (seen.get(b.path) ?? 0) + 1;
    seen.set(b.path, n);
    if (n > 1) b.path = `${b.path}#${n}`;
  }
}
