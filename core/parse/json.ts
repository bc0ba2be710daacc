// config.json → ParsedDocument: every rope block (v4 `rope_scaling`, v5 `rope_parameters`, per-layer-type form,
// sub-configs such as `text_config`) with the model facts beside it, all with offsets into the text.
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { ContextValue, ModelContext, ParsedDocument, RopeBlock, SourceField, SourceValue, Span } from '../model';
import { setOwn } from '../format';

/** Keys whose presence makes an object a (sub-)config that may hold rope facts. */
const MODEL_KEYS = new Set([
  'model_type', 'architectures', 'max_position_embeddings', 'rope_scaling', 'rope_parameters', 'rope_theta',
  'hidden_size', 'num_attention_heads', 'head_dim',
]);

/** Keys of a rope dict (used to tell the v5 per-layer-type form from a single dict). */
const ROPE_DICT_KEYS = new Set([
  'rope_type', 'type', 'factor', 'rope_theta', 'original_max_position_embeddings', 'attention_factor', 'beta_fast',
  'beta_slow', 'mscale', 'mscale_all_dim', 'truncate', 'short_factor', 'long_factor', 'low_freq_factor',
  'high_freq_factor', 'partial_rotary_factor', 'mrope_section',
]);

/** Deeper objects are not searched for sub-configs (bounded work on adversarial input). */
const MAX_DEPTH = 24;

/** A (sub-)config object found in the file. */
export interface JsonConfig {
  /** JSON pointer ("" for the root). */
  path: string;
  node: Node;
  /** Members by key (last one wins, as in Python's json). */
  members: Map<string, Node>;
}

export interface JsonDialectData {
  root?: Node;
  syntaxErrors: ParseError[];
  configs: JsonConfig[];
}

export function jsonData(doc: ParsedDocument): JsonDialectData | undefined {
  return doc.dialect === 'json' ? doc.dialectData : undefined;
}

/** JSON pointer segment escaping (RFC 6901). */
export function pointerJoin(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function spanOf(n: Node): Span {
  return { offset: n.offset, length: n.length };
}

/** Plain value of a node (objects/arrays built recursively, bounded by the node's own size). */
export function nodeValue(n: Node | undefined): unknown {
  if (!n) return undefined;
  switch (n.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of n.children ?? []) {
        const k = p.children?.[0];
        if (k && typeof k.value === 'string') setOwn(o, k.value, nodeValue(p.children?.[1]));
      }
      return o;
    }
    case 'array':
      return (n.children ?? []).map(nodeValue);
    default:
      return n.value;
  }
}

function isIntegerLiteral(text: string, n: Node): boolean {
  const raw = text.substr(n.offset, n.length);
  return /^-?\d+$/.test(raw);
}

function sourceValue(text: string, n: Node | undefined, fallback: Span): SourceValue {
  if (!n) return { kind: 'unknown', value: undefined, span: fallback };
  const kind = n.type === 'property' ? 'unknown' : n.type;
  const v: SourceValue = { kind, value: nodeValue(n), span: spanOf(n) };
  if (n.type === 'number') v.isInteger = isIntegerLiteral(text, n);
  return v;
}

function membersOf(obj: Node): Map<string, Node> {
  const m = new Map<string, Node>();
  for (const p of obj.children ?? []) {
    const k = p.children?.[0];
    if (p.type === 'property' && k && typeof k.value === 'string') m.set(k.value, p);
  }
  return m;
}

function contextValue(text: string, prop: Node | undefined): ContextValue | undefined {
  const v = prop?.children?.[1];
  if (!v) return undefined;
  const c: ContextValue = { value: nodeValue(v), span: spanOf(v), source: 'file' };
  if (v.type === 'number') c.isInteger = isIntegerLiteral(text, v);
  return c;
}

function modelContext(text: string, members: Map<string, Node>): ModelContext {
  const ctx: ModelContext = {};
  const put = (k: keyof ModelContext, key: string): void => {
    const v = contextValue(text, members.get(key));
    if (v) ctx[k] = v;
  };
  put('modelType', 'model_type');
  put('modelId', '_name_or_path');
  put('maxPositionEmbeddings', 'max_position_embeddings');
  put('ropeTheta', 'rope_theta');
  put('hiddenSize', 'hidden_size');
  put('numAttentionHeads', 'num_attention_heads');
  put('headDim', 'head_dim');
  put('partialRotaryFactor', 'partial_rotary_factor');
  put('qkRopeHeadDim', 'qk_rope_head_dim');
  put('originalMaxPositionEmbeddings', 'original_max_position_embeddings');
  put('layerTypes', 'layer_types');
  return ctx;
}

function makeBlock(
  text: string, prop: Node, value: Node, path: string, containerPath: string, api: 'v4' | 'v5',
  context: ModelContext, layerType?: string,
): RopeBlock {
  const keyNode = prop.children![0]!;
  const fields: SourceField[] = [];
  const params: Record<string, unknown> = {};
  for (const p of value.children ?? []) {
    const k = p.children?.[0];
    if (p.type !== 'property' || !k || typeof k.value !== 'string') continue;
    const sv = sourceValue(text, p.children?.[1], spanOf(p));
    fields.push({ key: k.value, keySpan: spanOf(k), value: sv, span: spanOf(p) });
    if (sv.kind !== 'unknown') setOwn(params, k.value, sv.value);
  }
  const b: RopeBlock = {
    dialect: 'json', path, containerPath, api, key: String(keyNode.value), keySpan: spanOf(keyNode),
    span: spanOf(value), fields, params, context,
  };
  if (layerType !== undefined) b.layerType = layerType;
  return b;
}

/** v5 per-layer-type form: every member is an object and none is a rope dict key. */
function isPerLayerForm(value: Node, layerTypes: unknown): boolean {
  const members = membersOf(value);
  if (members.size === 0) return false;
  for (const [k, p] of members) {
    if (ROPE_DICT_KEYS.has(k) || p.children?.[1]?.type !== 'object') return false;
  }
  if (Array.isArray(layerTypes)) return [...members.keys()].every((k) => layerTypes.includes(k));
  return true;
}

function looksLikeConfig(members: Map<string, Node>): boolean {
  for (const k of members.keys()) if (MODEL_KEYS.has(k)) return true;
  return false;
}

/** Parses a config.json text; never throws. `opts.truncated`: the text is the analysed beginning of a longer
 * document (core/parse/size-guard.ts), so the errors at its end (unclosed objects) are the cut's, not the file's. */
export function parseJson(uri: string, text: string, opts: { truncated?: boolean } = {}): ParsedDocument {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  } catch {
    // Pathological nesting can exhaust the parser's stack: report nothing rather than crash.
    errors.push({ error: 1, offset: 0, length: 0 } as unknown as ParseError);
    root = undefined;
  }
  const data: JsonDialectData = { root, syntaxErrors: errors, configs: [] };
  const blocks: RopeBlock[] = [];
  let modelish = false;

  const visitConfig = (obj: Node, path: string, depth: number): void => {
    const members = membersOf(obj);
    const isConfig = depth === 0 || looksLikeConfig(members);
    if (isConfig) {
      data.configs.push({ path, node: obj, members });
      if (members.has('model_type') || members.has('architectures')) modelish = true;
      const context = modelContext(text, members);
      const rs = members.get('rope_scaling');
      const rsv = rs?.children?.[1];
      if (rs && rsv?.type === 'object') {
        blocks.push(makeBlock(text, rs, rsv, pointerJoin(path, 'rope_scaling'), path, 'v4', context));
      }
      const rp = members.get('rope_parameters');
      const rpv = rp?.children?.[1];
      if (rp && rpv?.type === 'object') {
        const bp = pointerJoin(path, 'rope_parameters');
        if (isPerLayerForm(rpv, context.layerTypes?.value)) {
          for (const [lt, lp] of membersOf(rpv)) {
            blocks.push(makeBlock(text, lp, lp.children![1]!, pointerJoin(bp, lt), path, 'v5', context, lt));
          }
        } else {
          blocks.push(makeBlock(text, rp, rpv, bp, path, 'v5', context));
        }
      }
    }
    if (depth >= MAX_DEPTH) return;
    for (const [k, p] of members) {
      if (k === 'rope_scaling' || k === 'rope_parameters') continue;
      const v = p.children?.[1];
      if (v?.type === 'object') visitConfig(v, pointerJoin(path, k), depth + 1);
    }
  };

  if (root?.type === 'object') visitConfig(root, '', 0);
  const hasRopeKey = data.configs.some(
    (c) => c.members.has('rope_scaling') || c.members.has('rope_parameters') || c.members.has('rope_theta'),
  );
  const realErrors = opts.truncated ? errors.filter((e) => e.offset < text.trimEnd().length) : errors;
  const relevant = root?.type === 'object' && realErrors.length === 0 && (modelish || hasRopeKey || blocks.length > 0);
  return { uri, text, dialect: 'json', relevant, blocks, dialectData: data };
}
