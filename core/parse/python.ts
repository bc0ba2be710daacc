// Python dialect: rope blocks in scripts, found on a real syntax tree (tree-sitter's Python grammar in WASM).
// Runtime: web-tree-sitter 0.27 (its own web-tree-sitter.wasm) + the Python grammar from @vscode/tree-sitter-wasm
// (ABI 15, which this runtime loads). The vscode package's tree-sitter.js also loads it in Node, but it requires
// Node built-ins ('url', 'fs/promises', 'module') that break the browser bundle; web-tree-sitter maps those away.
// Initialisation is async (initPython) and takes the wasm injected — core reads no files; parsing is then sync.
import type { Node as TsNode, Parser as TsParser } from 'web-tree-sitter';
import type { ContextValue, ModelContext, ParsedDocument, RopeBlock, SourceField, SourceValue, Span } from '../model';
import { knownModel, knownModelContext, originalContextOf } from '../known-models';
import {
  CONTEXT_KEYS, ctxValue, isBlockKey, makeBlock, mergeContext, uniquePaths,
} from './dialect-util';
import { byOffset } from './doc-index';
import { setOwn } from '../format';

// The CommonJS build is the one that works in every bundle: esbuild picks the ESM build for `import`, and that build
// needs import.meta.url, which a CommonJS (server/CLI) bundle does not have. `require` is bundled away by esbuild.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BUNDLED_TS = require('web-tree-sitter') as typeof import('web-tree-sitter');
type TreeSitter = typeof import('web-tree-sitter');

/** File names in dist/wasm/ (copied there by esbuild.mjs). */
export const PYTHON_WASM_FILES = { runtime: 'web-tree-sitter.wasm', grammar: 'tree-sitter-python.wasm' } as const;

export interface PythonInitOptions {
  /** Bytes of web-tree-sitter.wasm (the runtime) and tree-sitter-python.wasm (the grammar). */
  runtimeWasm?: Uint8Array;
  grammarWasm?: Uint8Array;
  /** Or: a function giving a path/URL for each file name in PYTHON_WASM_FILES (Node reads paths, browsers fetch URLs). */
  locateWasm?: (file: string) => string;
  /**
   * A fresh, never-used copy of the web-tree-sitter module per call (Node: the .cjs re-required). After a wasm abort
   * the old instance is dead for good (its memory and state are gone), so a restart needs a new one; without this
   * option the bundled copy is used and a restart can only retry it.
   */
  loadRuntime?: () => TreeSitter;
  /** Called after the parser was restarted following a wasm fault (the server re-checks open Python files). */
  onRestart?: (cause: string) => void;
}

let parser: TsParser | undefined;
let initPromise: Promise<void> | undefined;
let initOptions: PythonInitOptions | undefined;
/** The fault being recovered from while a restart is under way. */
let restarting: string | undefined;

/** Loads the runtime and the grammar once; later calls return the same promise. */
export function initPython(opts: PythonInitOptions): Promise<void> {
  initOptions = opts;
  initPromise ??= (async () => {
    const TS = opts.loadRuntime?.() ?? BUNDLED_TS;
    const runtime: Record<string, unknown> = {};
    if (opts.runtimeWasm) runtime['wasmBinary'] = opts.runtimeWasm;
    else if (opts.locateWasm) runtime['locateFile'] = (name: string) => opts.locateWasm!(name);
    await TS.Parser.init(runtime);
    const grammar = opts.grammarWasm ?? (opts.locateWasm ? opts.locateWasm(PYTHON_WASM_FILES.grammar) : undefined);
    if (grammar === undefined) throw new Error('initPython: give grammarWasm bytes or locateWasm');
    const lang = await TS.Language.load(grammar);
    const p = new TS.Parser();
    p.setLanguage(lang);
    parser = p;
  })().catch((e: unknown) => {
    initPromise = undefined;
    throw e;
  });
  return initPromise;
}

/** What a dead wasm instance throws: emscripten's abort (a RuntimeError "Aborted(...)"), a trap, out of memory. */
function isWasmFault(e: unknown): boolean {
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
  return e instanceof Error && /Aborted\(|out of memory|memory access out of bounds|unreachable/i.test(e.message);
}

/**
 * Drops the dead parser and loads a fresh runtime and grammar in the background; files parsed meanwhile get an
 * analysis-failed finding (parsePython throws), and `onRestart` tells the host to re-check them.
 */
function restartPython(cause: unknown): void {
  const opts = initOptions;
  parser = undefined;
  initPromise = undefined;
  const text = (cause instanceof Error ? cause.message : String(cause)).split('\n', 1)[0]!.slice(0, 200);
  if (!opts) return;
  restarting = text;
  initPython(opts).then(
    () => {
      restarting = undefined;
      opts.onRestart?.(text);
    },
    () => { /* stays marked: the next parse reports the fault and tries again */ },
  );
}

/** Where a block sits, so the writer can add members and context next to it. */
export interface PythonBlockInfo {
  spanOffset: number;
  /** `{...}` literal or `dict(...)` call. */
  style: 'dict' | 'call';
  /** Keyword argument (`rope_scaling=` in a call): the argument_list's span and the keyword's span. */
  call?: { argsSpan: Span; keywordSpan: Span; keywords: Record<string, Span> };
  /** Assignment statement (`config.rope_scaling = {...}`): its span, indentation and target object text. */
  assignment?: { statementSpan: Span; indent: string; objectText?: string };
  /** Inside hf_overrides={...}: the overrides dict's span. */
  overridesSpan?: Span;
}

/** `x.rope_scaling["type"]`: breaks on configs that only have the other key. */
export interface LegacySubscript {
  span: Span;
  objectText: string;
  key: string;
}

/** A call that loads a known model (`AutoConfig.from_pretrained("org/model")`, `LLM(model=...)`): where a
 * `rope_scaling=` keyword can go when the script has no block yet. */
export interface PythonInsertionSite {
  /** The call's argument_list, parentheses included. */
  argsSpan: Span;
  /** Its arguments (comments left out), in source order. */
  args: Span[];
  /** Indentation of the line the call starts on. */
  indent: string;
  modelId: string;
  /** The known model's facts (original context included), overridden by the call's own literal keywords. */
  context: ModelContext;
}

export interface PythonData {
  blockInfo: PythonBlockInfo[];
  legacySubscripts: LegacySubscript[];
  insertionSites: PythonInsertionSite[];
  /** The first insertion site's context: what a block written there would extend (see insertionContextOf). */
  insertionContext?: ModelContext;
  error?: string;
  /** The tree has error nodes (the file does not parse as Python); what was found is still reported. */
  syntaxError?: boolean;
}

const SERVING_KEYS = new Set(['max_model_len', 'max_seq_length', 'model_max_length', 'max_seq_len', 'context_length']);
const MODEL_ARG_KEYS = new Set(['model', 'pretrained_model_name_or_path', 'model_name_or_path', 'model_id', 'base_model']);

const MAX_DEPTH = 64;
/** Loaders whose call takes no rope_scaling (tokenizers, processors): never an insertion site. */
const NOT_MODEL_LOADER = /tokeni[sz]er|processor|feature_?extractor|generationconfig/i;

const spanOf = (n: TsNode): Span => ({ offset: n.startIndex, length: n.endIndex - n.startIndex });

function stringValue(n: TsNode): string | undefined {
  if (n.type === 'concatenated_string') {
    let s = '';
    for (const c of n.namedChildren) {
      const v = c ? stringValue(c) : undefined;
      if (v === undefined) return undefined;
      s += v;
    }
    return s;
  }
  if (n.type !== 'string') return undefined;
  const start = n.firstChild;
  const prefix = start?.text.replace(/['"]/g, '').toLowerCase() ?? '';
  if (prefix.includes('f') || prefix.includes('b')) {
    if (n.namedChildren.some((c) => c?.type === 'interpolation') || prefix.includes('b')) return undefined;
  }
  let s = '';
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content') s += c.text;
    else if (c.type === 'escape_sequence') s += prefix.includes('r') ? c.text : decodeEscape(c.text);
    else if (c.type === 'interpolation') return undefined;
  }
  return s;
}

function decodeEscape(e: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
  const k = e.slice(1);
  if (k in map) return map[k]!;
  if (/^x[0-9a-fA-F]{2}$/.test(k) || /^u[0-9a-fA-F]{4}$/.test(k)) return String.fromCharCode(parseInt(k.slice(1), 16));
  return e;
}

function numberText(t: string): number {
  const s = t.replace(/_/g, '');
  if (/^0[xob]/i.test(s)) return Number(s);
  return Number(s.replace(/[jJlL]$/, ''));
}

/** A literal's value; kind 'unknown' for anything computed (names, calls, f-strings). */
export function pyValue(n: TsNode, depth = 0): SourceValue {
  const span = spanOf(n);
  // Literals nested deeper than any config are not analysed (and cannot overflow the stack).
  if (depth > MAX_DEPTH) return { kind: 'unknown', value: undefined, span };
  switch (n.type) {
    case 'integer':
      return { kind: 'number', value: numberText(n.text), isInteger: true, span };
    case 'float':
      return { kind: 'number', value: numberText(n.text), isInteger: false, span };
    case 'true':
    case 'false':
      return { kind: 'boolean', value: n.type === 'true', span };
    case 'none':
      return { kind: 'null', value: null, span };
    case 'string':
    case 'concatenated_string': {
      const s = stringValue(n);
      return s === undefined ? { kind: 'unknown', value: undefined, span } : { kind: 'string', value: s, span };
    }
    case 'unary_operator': {
      const op = n.child(0)?.type;
      const arg = n.namedChildren[0];
      if (arg && (op === '-' || op === '+')) {
        const v = pyValue(arg, depth + 1);
        if (v.kind === 'number') return { ...v, value: op === '-' ? -(v.value as number) : v.value, span };
      }
      return { kind: 'unknown', value: undefined, span };
    }
    case 'parenthesized_expression': {
      const inner = n.namedChildren[0];
      return inner ? { ...pyValue(inner, depth + 1), span } : { kind: 'unknown', value: undefined, span };
    }
    case 'list':
    case 'tuple': {
      const items = n.namedChildren.filter((c): c is TsNode => !!c && c.type !== 'comment').map((c) => pyValue(c, depth + 1));
      if (items.some((i) => i.kind === 'unknown')) return { kind: 'unknown', value: undefined, span };
      return { kind: 'array', value: items.map((i) => i.value), span };
    }
    case 'dictionary':
    case 'call': {
      const fields = dictFields(n, depth + 1);
      if (!fields || fields.some((f) => f.value.kind === 'unknown')) return { kind: 'unknown', value: undefined, span };
      const o: Record<string, unknown> = {};
      for (const f of fields) setOwn(o, f.key, f.value.value);
      return { kind: 'object', value: o, span };
    }
    default:
      return { kind: 'unknown', value: undefined, span };
  }
}

/** Members of `{...}` or `dict(...)`; undefined when the node is neither. `**x` spreads are skipped. */
function dictFields(n: TsNode, depth = 0): SourceField[] | undefined {
  if (n.type === 'dictionary') {
    const out: SourceField[] = [];
    for (const p of n.namedChildren) {
      if (!p || p.type !== 'pair') continue;
      const k = p.childForFieldName('key');
      const v = p.childForFieldName('value');
      const key = k ? stringValue(k) : undefined;
      if (!k || !v || key === undefined) continue;
      out.push({ key, keySpan: spanOf(k), value: pyValue(v, depth), span: spanOf(p) });
    }
    return out;
  }
  if (n.type === 'call' && n.childForFieldName('function')?.text === 'dict') {
    const args = n.childForFieldName('arguments');
    if (!args || args.type !== 'argument_list') return undefined;
    const out: SourceField[] = [];
    for (const a of args.namedChildren) {
      if (!a || a.type !== 'keyword_argument') continue;
      const k = a.childForFieldName('name');
      const v = a.childForFieldName('value');
      if (!k || !v) continue;
      out.push({ key: k.text, keySpan: spanOf(k), value: pyValue(v, depth), span: spanOf(a) });
    }
    return out;
  }
  return undefined;
}

/** The last name of an assignment target / subscript: `config.rope_scaling` → rope_scaling; `cfg["rope_scaling"]` too. */
function targetName(n: TsNode): { name: string; objectText?: string } | undefined {
  if (n.type === 'identifier') return { name: n.text };
  if (n.type === 'attribute') {
    const a = n.childForFieldName('attribute');
    const o = n.childForFieldName('object');
    return a ? { name: a.text, objectText: o?.text } : undefined;
  }
  if (n.type === 'subscript') {
    const idx = n.childForFieldName('subscript');
    const s = idx ? stringValue(idx) : undefined;
    const o = n.childForFieldName('value');
    return s !== undefined ? { name: s, objectText: o?.text } : undefined;
  }
  return undefined;
}

interface Pending {
  key: string;
  keySpan: Span;
  value: TsNode;
  info: Omit<PythonBlockInfo, 'spanOffset' | 'style'>;
  /** Context written beside the block (same call's keywords, the overrides dict). */
  local: ModelContext;
  offset: number;
}

function contextFromKeywords(args: TsNode): { ctx: ModelContext; keywords: Record<string, Span> } {
  const ctx: ModelContext = {};
  const keywords: Record<string, Span> = {};
  for (const a of args.namedChildren) {
    if (!a || a.type !== 'keyword_argument') continue;
    const name = a.childForFieldName('name')?.text;
    const v = a.childForFieldName('value');
    if (!name || !v) continue;
    setOwn(keywords, name, spanOf(a));
    addContext(ctx, name, v);
  }
  return { ctx, keywords };
}

/** Records a literal context value; the first one written wins unless `overwrite` (the same call's keywords). */
function addContext(ctx: ModelContext, name: string, v: TsNode, overwrite = true): void {
  const ck = CONTEXT_KEYS[name] ?? (SERVING_KEYS.has(name) ? 'servingContext' : undefined);
  if (!ck || (!overwrite && ctx[ck])) return;
  const sv = pyValue(v);
  if (sv.kind !== 'number' && sv.kind !== 'string') return;
  ctx[ck] = ctxValue(sv.value, 'file', sv.span, sv.isInteger);
}

/** File-level context: per assigned object (`config.max_position_embeddings = ...`) and for the whole file. */
interface FileContext {
  all: ModelContext;
  byObject: Map<string, ModelContext>;
}

function lineIndent(text: string, offset: number): string {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(ls, offset))![0];
}

export function parsePython(uri: string, text: string): ParsedDocument {
  const data: PythonData = { blockInfo: [], legacySubscripts: [], insertionSites: [] };
  const doc: ParsedDocument = { uri, text, dialect: 'python', relevant: false, blocks: [], dialectData: data };
  if (!parser) {
    // Mid-restart the file is not analysable: say so (an analysis-failed finding) rather than report it clean.
    if (restarting) {
      // A restart whose load failed is tried again on the next Python file.
      if (initPromise === undefined) restartPython(new Error(restarting));
      throw new Error(`the Python parser is restarting after a WebAssembly fault (${restarting})`);
    }
    data.error = 'Python parser not initialised: call initPython() first';
    return doc;
  }
  // Cheap gate: files that never mention rope, nor load a model (where a block could be added), need no tree.
  const mentionsRope = /rope_(scaling|parameters)/.test(text);
  if (!mentionsRope && !/from_pretrained\(|\bLLM\(/.test(text)) return doc;
  let tree: ReturnType<TsParser['parse']>;
  try {
    // tree-sitter ends a comment only at \n: in a CR-only file one comment would swallow the rest. Same length, so
    // every offset still points into `text`.
    tree = parser.parse(text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text);
  } catch (e) {
    if (isWasmFault(e)) restartPython(e);
    throw e;
  }
  if (!tree) return doc;
  try {
    if (tree.rootNode.hasError) data.syntaxError = true;
    const pending: Pending[] = [];
    const fileCtx: FileContext = { all: {}, byObject: new Map() };
    const modelIds: { offset: number; id: string }[] = [];
    const cursor = tree.walk();
    // Iterative pre-order walk: deep nesting must not overflow the stack.
    let done = false;
    while (!done) {
      // Node objects are costly to materialise in web-tree-sitter: only for the node types visit() reads.
      if (VISITED.has(cursor.nodeType)) visit(cursor.currentNode, text, pending, fileCtx, modelIds, data);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
      }
    }
    // Without a rope key in the text nothing found is a block (the gate above kept the old behaviour for these).
    if (!mentionsRope) {
      pending.length = 0;
      data.legacySubscripts.length = 0;
    }
    for (const p of pending) {
      const fields = dictFields(p.value);
      if (!fields) continue;
      const mid = lastBefore(modelIds, p.offset) ?? modelIds[0];
      const known = mid ? knownModel(mid.id) : undefined;
      const objText = p.info.assignment?.objectText;
      const objCtx = objText !== undefined ? fileCtx.byObject.get(objText) ?? {} : {};
      let ctx = mergeContext(p.local, mergeContext(objCtx, fileCtx.all));
      if (known && mid) {
        ctx = mergeContext(ctx, knownModelContext(known, mid.id));
        ctx.modelId = ctxValue(mid.id, 'known-model');
      }
      const block: RopeBlock = makeBlock({ dialect: 'python', key: p.key, keySpan: p.keySpan, span: spanOf(p.value), fields, context: ctx });
      doc.blocks.push(block);
      data.blockInfo.push({ spanOffset: block.span.offset, style: p.value.type === 'dictionary' ? 'dict' : 'call', ...p.info });
    }
    uniquePaths(doc.blocks);
    data.insertionSites.sort((a, b) => a.argsSpan.offset - b.argsSpan.offset);
    if (data.insertionSites[0]) data.insertionContext = data.insertionSites[0].context;
    doc.relevant = doc.blocks.length > 0 || data.legacySubscripts.length > 0 || data.insertionSites.length > 0;
  } catch (e) {
    if (isWasmFault(e)) restartPython(e);
    throw e;
  } finally {
    if (parser) tree.delete();
  }
  return doc;
}

/** The last of `sorted` (by offset, as the pre-order walk finds them) that starts before `offset`. */
function lastBefore<T extends { offset: number }>(sorted: readonly T[], offset: number): T | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1] : undefined;
}

const VISITED = new Set(['string', 'assignment', 'keyword_argument', 'subscript']);

function isDictLike(n: TsNode | null): n is TsNode {
  return !!n && (n.type === 'dictionary' || (n.type === 'call' && n.childForFieldName('function')?.text === 'dict'));
}

function visit(
  n: TsNode, text: string, pending: Pending[], fileCtx: FileContext, modelIds: { offset: number; id: string }[], data: PythonData,
): void {
  switch (n.type) {
    case 'string': {
      const s = n.text.length < 200 ? stringValue(n) : undefined;
      if (s && knownModel(s)) {
        modelIds.push({ offset: n.startIndex, id: s });
        const site = insertionSite(n, s, text);
        if (site) data.insertionSites.push(site);
      }
      return;
    }
    case 'assignment': {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right) return;
      const t = targetName(left);
      if (!t) return;
      const stmt = n.parent?.type === 'expression_statement' ? n.parent : n;
      const assignment = { statementSpan: spanOf(stmt), indent: lineIndent(text, stmt.startIndex), objectText: t.objectText };
      if (isBlockKey(t.name) && isDictLike(right)) {
        pending.push({ key: t.name, keySpan: spanOf(left), value: right, info: { assignment }, local: {}, offset: n.startIndex });
      } else if (t.name === 'hf_overrides' && isDictLike(right)) {
        overrides(right, pending, { assignment });
      } else {
        // `config.max_position_embeddings = N` belongs to blocks assigned on `config`; plain names to the file.
        if (t.objectText === undefined) addContext(fileCtx.all, t.name, right, false);
        else {
          const o = fileCtx.byObject.get(t.objectText) ?? {};
          addContext(o, t.name, right);
          fileCtx.byObject.set(t.objectText, o);
        }
      }
      return;
    }
    case 'keyword_argument': {
      const name = n.childForFieldName('name')?.text;
      const v = n.childForFieldName('value');
      const args = n.parent;
      if (!name || !v || !args || args.type !== 'argument_list') return;
      if (MODEL_ARG_KEYS.has(name)) {
        const s = stringValue(v);
        if (s && !knownModel(s)) fileCtx.all.modelId ??= ctxValue(s, 'file', spanOf(v));
      }
      if (isBlockKey(name) && isDictLike(v)) {
        const { ctx, keywords } = contextFromKeywords(args);
        pending.push({
          key: name, keySpan: spanOf(n.childForFieldName('name')!), value: v,
          info: { call: { argsSpan: spanOf(args), keywordSpan: spanOf(n), keywords } }, local: ctx, offset: n.startIndex,
        });
      } else if (name === 'hf_overrides' && isDictLike(v)) {
        const { keywords } = contextFromKeywords(args);
        overrides(v, pending, { call: { argsSpan: spanOf(args), keywordSpan: spanOf(n), keywords } });
      } else {
        addContext(fileCtx.all, name, v, false);
      }
      return;
    }
    case 'subscript': {
      const obj = n.childForFieldName('value');
      const idx = n.childForFieldName('subscript');
      if (!obj || !idx) return;
      const key = stringValue(idx);
      if (key !== 'type' && key !== 'rope_type') return;
      const t = targetName(obj);
      if (!t || !isBlockKey(t.name)) return;
      // A write (`x.rope_scaling["type"] = ...`) or `del` cannot raise KeyError.
      const p = n.parent;
      if (p && p.type === 'assignment' && p.childForFieldName('left')?.id === n.id) return;
      if (p && (p.type === 'delete_statement' || p.type === 'augmented_assignment')) return;
      data.legacySubscripts.push({ span: spanOf(n), objectText: obj.text, key });
      return;
    }
    default:
  }
}

/** A known model id `s` (string node `n`) that is the first positional argument, or a model keyword, of a
 * model-loading call: that call is where a block can be inserted. */
function insertionSite(n: TsNode, s: string, text: string): PythonInsertionSite | undefined {
  let args = n.parent;
  if (args?.type === 'keyword_argument') {
    if (!MODEL_ARG_KEYS.has(args.childForFieldName('name')?.text ?? '')) return undefined;
    args = args.parent;
  } else if (args?.type === 'argument_list') {
    const first = args.namedChildren.find((c) => c && c.type !== 'comment');
    if (first?.id !== n.id) return undefined;
  } else return undefined;
  const call = args?.parent;
  if (!args || args.type !== 'argument_list' || !call || call.type !== 'call') return undefined;
  const fn = call.childForFieldName('function');
  const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
  if (!fn || (name !== 'from_pretrained' && name !== 'LLM') || NOT_MODEL_LOADER.test(fn.text)) return undefined;
  const known = knownModel(s)!;
  const context: ModelContext = knownModelContext(known, s);
  // The pre-extension context: a shipped block's original length (Llama 3.1: 8192), else max_position_embeddings.
  const omp = originalContextOf(known);
  if (omp !== undefined) context.originalMaxPositionEmbeddings = { value: omp, source: 'known-model' };
  const own = contextFromKeywords(args).ctx;
  return {
    argsSpan: spanOf(args),
    args: args.namedChildren.filter((c): c is TsNode => !!c && c.type !== 'comment').map(spanOf),
    indent: lineIndent(text, call.startIndex),
    modelId: s,
    context: mergeContext(own, context),
  };
}

/** `hf_overrides={"rope_scaling": {...}, "max_position_embeddings": N}` (vLLM). */
function overrides(dict: TsNode, pending: Pending[], info: Omit<PythonBlockInfo, 'spanOffset' | 'style'>): void {
  const fields = dictFields(dict);
  if (!fields) return;
  const local: ModelContext = {};
  for (const f of fields) {
    const ck = CONTEXT_KEYS[f.key];
    if (ck && (f.value.kind === 'number' || f.value.kind === 'string')) {
      local[ck] = { value: f.value.value, span: f.value.span, source: 'file', isInteger: f.value.isInteger } as ContextValue;
    }
  }
  const members = dict.type === 'dictionary' ? dict.namedChildren.filter((c) => c?.type === 'pair') : dict.childForFieldName('arguments')?.namedChildren ?? [];
  for (const m of members) {
    if (!m) continue;
    const k = m.type === 'pair' ? m.childForFieldName('key') : m.childForFieldName('name');
    const v = m.childForFieldName('value');
    if (!k || !v) continue;
    const key = m.type === 'pair' ? stringValue(k) : k.text;
    if (!key || !isBlockKey(key) || !isDictLike(v)) continue;
    pending.push({ key, keySpan: spanOf(k), value: v, info: { ...info, overridesSpan: spanOf(dict) }, local, offset: m.startIndex });
  }
}

export function pythonData(doc: ParsedDocument): PythonData | undefined {
  return doc.dialect === 'python' ? doc.dialectData : undefined;
}

/** Context of the place a block would be inserted in a document that has none (the Python parser sets it for a
 * known model's loading call). */
export function insertionContextOf(doc: ParsedDocument): ModelContext | undefined {
  return pythonData(doc)?.insertionContext;
}

export function pythonBlockInfo(doc: ParsedDocument, block: RopeBlock): PythonBlockInfo | undefined {
  const d = pythonData(doc);
  return d ? byOffset(d.blockInfo, block.span.offset) : undefined;
}
