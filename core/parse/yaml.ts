// YAML dialect: training recipes (axolotl, LLaMA-Factory, ms-swift) recognised by their keys, and serving
// commands inside compose / Kubernetes files (`command:` / `args:` / `entrypoint:`), handed to the command-line
// parser. Parsed with the `yaml` package's Document API, which keeps source ranges.
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar, type Node as YNode, type YAMLMap } from 'yaml';
import type { Engine, ModelContext, ParsedDocument, RopeBlock, SourceField, SourceValue, Span } from '../model';
import { knownModel, knownModelContext, originalContextOf } from '../known-models';
import { blocksFromJson, CONTEXT_KEYS, ctxValue, isBlockKey, makeBlock, mergeContext, uniquePaths, verbatim, type MappedText } from './dialect-util';
import { addCommand, commandFromWords, engineOfImage, splitWords, type ShellData } from './shell';
import { byOffset } from './doc-index';
import { setOwn } from '../format';

export interface YamlBlockInfo {
  spanOffset: number;
  /** 'map': a block mapping or flow mapping; 'enum': LLaMA-Factory's `rope_scaling: yarn`; 'json': a JSON string. */
  kind: 'map' | 'flow' | 'enum' | 'json';
  /** Indentation of the block's members (block mappings) or of its key (enum/json/flow). */
  indent: string;
  /** Indentation of the key the block hangs from (for sibling context keys). */
  keyIndent: string;
  /** End of the pair holding the block (where sibling keys are inserted). */
  pairEnd: number;
  /** For 'json': the scalar with its text map. */
  scalar?: MappedText;
  /** Context keys present in the same mapping, with their value spans. */
  siblings: Record<string, Span>;
}

export interface YamlData extends ShellData {
  yamlBlocks: YamlBlockInfo[];
  /** Parse errors (the yaml package is error-tolerant; blocks in the readable part are still reported). */
  errors: string[];
}

const SERVING_KEYS = ['sequence_len', 'cutoff_len', 'model_max_length', 'max_model_len', 'max_length', 'max_seq_length'];
const MODEL_KEYS = ['base_model', 'model_name_or_path', 'model', 'model_id_or_path', 'model_id', 'pretrained_model_name_or_path'];
const LF_ENUM = new Set(['linear', 'dynamic', 'yarn', 'llama3']);

const rangeSpan = (n: YNode): Span => ({ offset: n.range![0], length: n.range![1] - n.range![0] });

/** A node's span without the trailing newline/indentation a block collection's range includes. */
function trimmedSpan(n: YNode, text: string): Span {
  let end = n.range![1];
  while (end > n.range![0] && /\s/.test(text[end - 1]!)) end--;
  return { offset: n.range![0], length: end - n.range![0] };
}

function lineIndentAt(text: string, offset: number): string {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t-]*/.exec(text.slice(ls, offset))![0].replace(/-/g, ' ');
}

function scalarValue(n: YNode, text: string): SourceValue {
  const span = rangeSpan(n);
  if (isScalar(n)) {
    const v = n.value;
    const src = text.slice(span.offset, span.offset + span.length);
    if (typeof v === 'number') return { kind: 'number', value: v, isInteger: /^[-+]?\d+$/.test(src.trim()), span };
    if (typeof v === 'boolean') return { kind: 'boolean', value: v, span };
    if (v === null) return { kind: 'null', value: null, span };
    if (typeof v === 'string') return { kind: 'string', value: v, span };
    return { kind: 'unknown', value: undefined, span };
  }
  if (isMap(n)) return { kind: 'object', value: n.toJSON(), span };
  if (isSeq(n)) return { kind: 'array', value: n.toJSON(), span };
  return { kind: 'unknown', value: undefined, span };
}

/** A scalar's text with its source map: exact for plain and single-quoted, escapes handled for double-quoted. */
export function yamlScalarText(n: Scalar, text: string): MappedText | undefined {
  if (typeof n.value !== 'string' || !n.range) return undefined;
  const [s, e] = n.range;
  const src = text.slice(s, e);
  const span = { offset: s, length: e - s };
  if (n.type === 'PLAIN' && src === n.value) return { ...verbatim(src, s, 'yaml-plain'), span };
  if (n.type === 'QUOTE_SINGLE' || n.type === 'QUOTE_DOUBLE') {
    let out = '';
    const map: number[] = [];
    const q = n.type === 'QUOTE_SINGLE' ? "'" : '"';
    let i = s + 1;
    for (; i < e - 1; i++) {
      map.push(i);
      const c = text[i]!;
      if (q === "'" && c === "'" && text[i + 1] === "'") {
        out += "'";
        i++;
      } else if (q === '"' && c === '\\') {
        const d = text[i + 1] ?? '';
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ' };
        if (!(d in simple)) return undefined;
        out += simple[d];
        i++;
      } else if (c === '\n' || c === '\r') return undefined;
      else out += c;
    }
    map.push(e - 1);
    if (out !== n.value) return undefined;
    return { text: out, map, span, quote: q === "'" ? 'yaml-single' : 'yaml-double' };
  }
  return undefined;
}

interface Walk {
  doc: ParsedDocument;
  data: YamlData;
  text: string;
  rootCtx: ModelContext;
}

function contextOf(map: YAMLMap, text: string): { ctx: ModelContext; siblings: Record<string, Span> } {
  const ctx: ModelContext = {};
  const siblings: Record<string, Span> = {};
  for (const p of map.items) {
    if (!isScalar(p.key) || !p.value || !isScalar(p.value)) continue;
    const k = String(p.key.value);
    const v = p.value as Scalar;
    const sv = scalarValue(v, text);
    if (sv.kind !== 'number' && sv.kind !== 'string') continue;
    setOwn(siblings, k, sv.span);
    const ck = CONTEXT_KEYS[k] ?? (SERVING_KEYS.includes(k) ? 'servingContext' : undefined);
    if (ck) ctx[ck] = ctxValue(sv.value, 'file', sv.span, sv.isInteger);
    if (MODEL_KEYS.includes(k) && typeof sv.value === 'string') ctx.modelId ??= ctxValue(sv.value, 'file', sv.span);
  }
  return { ctx, siblings };
}

function withKnown(ctx: ModelContext): ModelContext {
  const id = ctx.modelId?.value;
  const known = typeof id === 'string' ? knownModel(id) : undefined;
  return known && typeof id === 'string' ? mergeContext(ctx, knownModelContext(known, id)) : ctx;
}

function walkMap(w: Walk, map: YAMLMap, depth: number): void {
  if (depth > 64) return;
  const local = contextOf(map, w.text);
  const ctx = withKnown(mergeContext(local.ctx, w.rootCtx));
  for (const p of map.items) {
    if (!isPair(p) || !isScalar(p.key) || !p.key.range) continue;
    const key = String(p.key.value);
    const v = p.value as YNode | null;
    if (!v || !v.range) continue;
    if (isBlockKey(key)) recipeBlock(w, key, p.key as Scalar, v, ctx, local.siblings);
    if (isMap(v)) walkMap(w, v, depth + 1);
    else if (isSeq(v)) for (const it of v.items) if (isMap(it)) walkMap(w, it as YAMLMap, depth + 1);
  }
  serviceCommand(w, map);
}

function recipeBlock(w: Walk, key: string, keyNode: Scalar, v: YNode, ctx: ModelContext, siblings: Record<string, Span>): void {
  const keySpan = rangeSpan(keyNode);
  const keyIndent = lineIndentAt(w.text, keySpan.offset);
  const pairEnd = trimmedSpan(v, w.text).offset + trimmedSpan(v, w.text).length;
  const base = { keyIndent, pairEnd, siblings };
  if (isMap(v)) {
    const fields: SourceField[] = [];
    let indent = keyIndent + '  ';
    for (const p of v.items) {
      if (!isScalar(p.key) || !p.key.range || !p.value || !(p.value as YNode).range) continue;
      const val = p.value as YNode;
      const fs = p.key.range[0];
      if (fields.length === 0) indent = lineIndentAt(w.text, fs);
      fields.push({ key: String(p.key.value), keySpan: rangeSpan(p.key), value: scalarValue(val, w.text), span: { offset: fs, length: val.range![1] - fs } });
    }
    const b = makeBlock({ dialect: 'yaml', key, keySpan, span: trimmedSpan(v, w.text), fields, context: ctx });
    push(w, b, { ...base, kind: v.flow ? 'flow' : 'map', indent });
    return;
  }
  if (!isScalar(v) || typeof v.value !== 'string') return;
  const s = v.value.trim();
  if (s.startsWith('{')) {
    // ms-swift style: a JSON string.
    const m = yamlScalarText(v, w.text);
    if (!m) return;
    for (const b of blocksFromJson(m, { dialect: 'yaml', flag: key, flagSpan: keySpan, context: ctx, isOverrides: false })) {
      push(w, b, { ...base, kind: 'json', indent: keyIndent, scalar: m });
    }
    return;
  }
  if (!LF_ENUM.has(s)) return;
  // LLaMA-Factory: the factor comes from cutoff_len / the model's length (model/model_utils/rope.py).
  const sv = scalarValue(v, w.text);
  const derived: Record<string, unknown> = {};
  const id = ctx.modelId?.value;
  const known = typeof id === 'string' ? knownModel(id) : undefined;
  const original = known ? originalContextOf(known) : numberOr(ctx.maxPositionEmbeddings?.value);
  const target = numberOr(ctx.servingContext?.value);
  if (original && target && target > original) {
    derived['factor'] = Math.ceil(target / original);
    if (s === 'yarn' || s === 'llama3') derived['original_max_position_embeddings'] = original;
    if (s === 'llama3') Object.assign(derived, { low_freq_factor: 1.0, high_freq_factor: 4.0 });
  }
  const fields: SourceField[] = [{ key: 'rope_type', keySpan, value: sv, span: { offset: keySpan.offset, length: sv.span.offset + sv.span.length - keySpan.offset } }];
  // The computed members point at what they come from: factor at cutoff_len, the rest at the type.
  const cut = ctx.servingContext;
  for (const [k, val] of Object.entries(derived)) {
    const from = k === 'factor' && cut?.span ? cut.span : sv.span;
    fields.push({ key: k, keySpan: from, value: { kind: 'number', value: val, isInteger: false, span: from }, span: from });
  }
  const b = makeBlock({ dialect: 'yaml', key, keySpan, span: sv.span, context: ctx, fields });
  push(w, b, { ...base, kind: 'enum', indent: keyIndent });
}

function numberOr(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function push(w: Walk, b: RopeBlock, info: Omit<YamlBlockInfo, 'spanOffset'>): void {
  w.doc.blocks.push(b);
  w.data.yamlBlocks.push({ spanOffset: b.span.offset, ...info });
}

/** compose service / k8s container: `image:` names the engine; `entrypoint:`/`command:`/`args:` hold the words. */
function serviceCommand(w: Walk, map: YAMLMap): void {
  const get = (k: string): YNode | undefined => map.items.find((p) => isScalar(p.key) && p.key.value === k)?.value as YNode | undefined;
  const parts = ['entrypoint', 'command', 'args'].map(get).filter((n): n is YNode => !!n && !!n.range);
  if (parts.length === 0) return;
  const image = get('image');
  const fallback: Engine | undefined = image && isScalar(image) ? engineOfImage(String(image.value)) : undefined;
  const words: MappedText[] = [];
  let style: 'yaml-seq' | 'shell' = 'shell';
  for (const n of parts) {
    if (isSeq(n)) {
      style = 'yaml-seq';
      for (const it of n.items) {
        if (!isScalar(it)) continue;
        const m = yamlScalarText(it, w.text) ?? (it.range ? verbatim(String(it.value), it.range[0], 'yaml-plain', rangeSpan(it)) : undefined);
        if (!m) continue;
        // `- sh` / `- -c` / `- "vllm serve ..."`: a whole command line inside one item.
        if (/\s/.test(m.text.trim()) && !m.text.trim().startsWith('{') && m.quote !== 'yaml-double') {
          for (const t of splitWords(m.text, m.map[0]!)) if ('word' in t) words.push(t.word);
        } else words.push(m);
      }
    } else if (isScalar(n)) {
      const m = yamlScalarText(n, w.text);
      if (m) for (const t of splitWords(m.text, m.map[0]!)) if ('word' in t) words.push(t.word);
    }
  }
  // `sh -c "..."` wrappers leave the shell name first; start at the engine.
  const start = words.findIndex((x, i) => i > 0 && words[i - 1]!.text === '-c');
  const cmdWords = start > 0 ? words.slice(start) : words;
  const cmd = commandFromWords(cmdWords, style === 'yaml-seq' ? 'yaml-seq' : 'shell', fallback, envOf(w, map));
  if (cmd) addCommand(w.doc, w.data, cmd);
}

function envOf(w: Walk, map: YAMLMap): Record<string, MappedText> {
  const out: Record<string, MappedText> = {};
  const env = map.items.find((p) => isScalar(p.key) && (p.key.value === 'environment' || p.key.value === 'env'))?.value as YNode | undefined;
  if (!env) return out;
  if (isMap(env)) {
    for (const p of env.items) {
      if (isScalar(p.key) && isScalar(p.value)) {
        const m = yamlScalarText(p.value as Scalar, w.text) ?? (typeof (p.value as Scalar).value === 'number' && (p.value as Scalar).range ? verbatim(String((p.value as Scalar).value), (p.value as Scalar).range![0]) : undefined);
        if (m) setOwn(out, String(p.key.value), m);
      }
    }
  } else if (isSeq(env)) {
    for (const it of env.items) {
      if (isScalar(it)) {
        const m = yamlScalarText(it, w.text);
        const eq = m ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(m.text) : null;
        if (m && eq) out[eq[1]!] = { text: m.text.slice(eq[0].length), map: m.map.slice(eq[0].length), span: { offset: m.map[eq[0].length]!, length: m.map[m.text.length]! - m.map[eq[0].length]! }, quote: m.quote };
      } else if (isMap(it)) {
        // Kubernetes: - name: ROPE_SCALING \n value: yarn
        const name = it.get('name');
        const value = it.get('value', true);
        if (typeof name === 'string' && isScalar(value)) {
          const m = yamlScalarText(value as Scalar, w.text);
          if (m) setOwn(out, name, m);
        }
      }
    }
  }
  return out;
}

export function parseYaml(uri: string, text: string): ParsedDocument {
  const data: YamlData = { commands: [], blockInfo: [], yamlBlocks: [], errors: [] };
  const doc: ParsedDocument = { uri, text, dialect: 'yaml', relevant: false, blocks: [], dialectData: data };
  if (!/rope|yarn|max-model-len|context-length|ctx-size|ROPE_/i.test(text)) return doc;
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    // The YAML library recurses per block level: a pathologically deep file exhausts the stack. Nothing to report.
    data.errors.push(e instanceof RangeError ? 'nested too deeply to parse' : String(e));
    return doc;
  }
  const list = Array.isArray(docs) ? docs : [];
  for (const d of list) {
    for (const e of d.errors) data.errors.push(e.message.split('\n')[0]!);
    const root = d.contents;
    if (!root || !isMap(root)) continue;
    const w: Walk = { doc, data, text, rootCtx: contextOf(root, text).ctx };
    walkMap(w, root, 0);
  }
  uniquePaths(doc.blocks);
  doc.relevant = doc.blocks.length > 0 || data.commands.length > 0;
  return doc;
}

export function yamlData(doc: ParsedDocument): YamlData | undefined {
  return doc.dialect === 'yaml' ? doc.dialectData : undefined;
}

export function yamlBlockInfo(doc: ParsedDocument, block: RopeBlock): YamlBlockInfo | undefined {
  const d = yamlData(doc);
  return d ? byOffset(d.yamlBlocks, block.span.offset) : undefined;
}
