// Command-line dialect: serving commands (vLLM, SGLang, llama.cpp, TGI) in shell scripts, Dockerfiles, Makefiles
// and YAML `command:`/`args:` lists. Words are split by shell-quote; each word is then mapped back to its source
// characters (quotes and escapes removed) so JSON inside `--rope-scaling '{...}'` gets spans in the document.
import { parse as shellParse } from 'shell-quote';
import { parseTree } from 'jsonc-parser';
import type { Engine, ModelContext, ParsedDocument, RopeBlock, SourceField, Span } from '../model';
import { knownModel, knownModelContext } from '../known-models';
import {
  blocksFromJson, ctxValue, decodeJsonString, makeBlock, mergeContext, uniquePaths, verbatim,
  type MappedText,
} from './dialect-util';
import { blockAt, byOffset, indexed } from './doc-index';
import { setOwn } from '../format';

/** One `--flag value` (or `--flag=value`, or `-c N`) on a command line. */
export interface FlagOcc {
  name: string;
  nameSpan: Span;
  value?: MappedText;
  /** Flag and value together (what a writer removes). */
  span: Span;
}

export interface ShellCommand {
  engine: Engine;
  flags: FlagOcc[];
  /** Environment set for the command (VAR=x prefix, `-e VAR=x`, Dockerfile ENV, compose environment). */
  env: Record<string, MappedText>;
  /** Where new flags are appended (end of the last word). */
  insertAt: number;
  /** How new flag values are quoted (YAML lists need one list item per word). */
  style: WordStyle;
  modelId?: string;
}

export type WordStyle = 'shell' | 'json-array' | 'yaml-seq';

export interface ShellBlockInfo {
  spanOffset: number;
  kind: 'json' | 'flags';
  /** JSON blocks: the word holding the JSON and the path of the block inside it ([] or ['rope_scaling']). */
  word?: MappedText;
  jsonPath?: string[];
  /** Flag groups: HF key → the flag that carries it. */
  flags?: Record<string, FlagOcc>;
  command: ShellCommand;
}

export interface ShellData {
  commands: ShellCommand[];
  blockInfo: ShellBlockInfo[];
}

export type ShellFileKind = 'shell' | 'dockerfile' | 'makefile';

const LLAMA_BINS = new Set(['llama-server', 'llama-cli', 'llama-server.exe', 'llama-cli.exe', 'server', 'main']);
const ENGINE_IMAGES: [RegExp, Engine][] = [
  [/(^|\/)vllm(-openai)?(:|$)|vllm\/vllm/, 'vllm'],
  [/sglang/, 'sglang'],
  [/text-generation-inference/, 'tgi'],
  [/llama\.cpp|llama-cpp/, 'llama.cpp'],
];

export function engineOfImage(image: string): Engine | undefined {
  for (const [re, e] of ENGINE_IMAGES) if (re.test(image)) return e;
  return undefined;
}

// ---------------------------------------------------------------- word splitting with offsets

const OPS = ['&&', '||', ';;', '|&', '>>', '>&', '<&', '<<', ';', '|', '&', '(', ')', '<', '>'];

/** Scans one shell word at `i` the way a POSIX shell unquotes it, recording the source offset of every character. */
function scanWord(src: string, i: number, base: number): { text: string; map: number[]; end: number; quote: MappedText['quote'] } {
  let text = '';
  const map: number[] = [];
  let quote: MappedText['quote'] = 'none';
  let last = base + i;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c) || OPS.some((o) => o.length === 1 && o === c)) break;
    if (c === "'") {
      quote = quote === 'none' ? 'single' : quote;
      const close = src.indexOf("'", i + 1);
      const end = close < 0 ? src.length : close;
      for (let j = i + 1; j < end; j++) {
        text += src[j];
        map.push(base + j);
      }
      last = base + end;
      i = end + 1;
    } else if (c === '"') {
      quote = quote === 'none' ? 'double' : quote;
      let j = i + 1;
      while (j < src.length && src[j] !== '"') {
        map.push(base + j);
        if (src[j] === '\\' && j + 1 < src.length && '\\"$`'.includes(src[j + 1]!)) j++;
        text += src[j];
        j++;
      }
      last = base + j;
      i = j + 1;
    } else if (c === '\\' && i + 1 < src.length) {
      text += src[i + 1];
      map.push(base + i);
      i += 2;
      last = base + i;
    } else if (c === '$' && src[i + 1] === '{') {
      const close = src.indexOf('}', i);
      const end = close < 0 ? src.length : close;
      const name = src.slice(i + 2, end);
      text += '$' + name;
      for (let k = 0; k <= name.length; k++) map.push(base + i + Math.min(k + 1, end - i));
      i = end + 1;
      last = base + Math.min(i, src.length);
    } else {
      text += c;
      map.push(base + i);
      i++;
      last = base + i;
    }
  }
  // map[text.length]: where the last character's source ends (before a closing quote).
  map.push(last);
  return { text, map, end: i, quote };
}

type Tok = { word: MappedText } | { op: string };

/** Splits one logical line into words (shell-quote decides the words; scanWord maps them to offsets). */
export function splitWords(line: string, base: number): Tok[] {
  let parsed: ReturnType<typeof shellParse>;
  try {
    parsed = shellParse(line, (k: string) => '$' + k);
  } catch {
    return [];
  }
  const out: Tok[] = [];
  let i = 0;
  for (const t of parsed) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (typeof t === 'object' && t !== null && 'comment' in t) break;
    if (typeof t === 'object' && t !== null && 'op' in t && t.op !== 'glob') {
      const op = String(t.op);
      if (line.startsWith(op, i)) i += op.length;
      out.push({ op });
      continue;
    }
    const want = typeof t === 'string' ? t : 'pattern' in t ? String(t.pattern) : '';
    const start = i;
    const w = scanWord(line, i, base);
    i = Math.max(w.end, i + 1);
    const span = { offset: base + start, length: w.end - start };
    // When our unquoting disagrees with shell-quote's (odd expansions), keep the raw characters.
    out.push({ word: w.text === want ? { text: w.text, map: w.map, span, quote: w.quote } : verbatim(line.slice(start, w.end), base + start, 'none', span) });
  }
  return out;
}

/** Logical lines: continuation backslash-newlines are blanked (same length) so offsets stay exact. */
function logicalLines(text: string): { line: string; base: number }[] {
  const blanked = text.replace(/\\\r?\n/g, (m) => ' '.repeat(m.length));
  // Make variables `$(NAME)` read as `${NAME}` (same length): shell-quote would split `(` off as an operator.
  const unmade = blanked.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, '$${$1}');
  const out: { line: string; base: number }[] = [];
  let base = 0;
  for (const l of unmade.split('\n')) {
    out.push({ line: l.replace(/\r$/, ''), base });
    base += l.length + 1;
  }
  return out;
}

// ---------------------------------------------------------------- commands and engines

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Finds the engine a word list runs and the index where its arguments start. */
function detectEngine(words: MappedText[], fallback?: Engine): { engine: Engine; argsFrom: number; modelId?: string; env: Record<string, MappedText> } | undefined {
  const env: Record<string, MappedText> = {};
  let i = 0;
  const wrappers = new Set(['exec', 'nohup', 'sudo', 'time', 'env', 'uv', 'run', 'poetry', 'conda', 'srun', 'torchrun', 'stdbuf']);
  for (; i < words.length; i++) {
    const w = words[i]!.text;
    const eq = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w);
    if (eq) {
      setOwn(env, eq[1]!, sub(words[i]!, eq[0].length));
      continue;
    }
    if (wrappers.has(w)) continue;
    break;
  }
  const w0 = words[i]?.text ?? '';
  const b0 = basename(w0);
  if (b0 === 'vllm' && words[i + 1]?.text === 'serve') {
    const m = words[i + 2];
    const hasModel = m && !m.text.startsWith('-');
    return { engine: 'vllm', argsFrom: i + (hasModel ? 3 : 2), modelId: hasModel ? m.text : undefined, env };
  }
  if (/^python(\d(\.\d+)?)?$/.test(b0)) {
    const mi = words.findIndex((w, k) => k > i && w.text === '-m');
    const mod = mi >= 0 ? words[mi + 1]?.text ?? '' : '';
    if (mod.startsWith('vllm.entrypoints')) return { engine: 'vllm', argsFrom: mi + 2, env };
    if (mod.startsWith('sglang.launch_server')) return { engine: 'sglang', argsFrom: mi + 2, env };
    return undefined;
  }
  if (LLAMA_BINS.has(b0) && (b0.startsWith('llama') || w0.includes('/'))) return { engine: 'llama.cpp', argsFrom: i + 1, env };
  if (b0 === 'text-generation-launcher') return { engine: 'tgi', argsFrom: i + 1, env };
  if (b0 === 'docker' || b0 === 'podman') {
    // docker run [opts] IMAGE [args]: the image names the engine; -e VAR=x sets its environment.
    for (let k = i + 1; k < words.length; k++) {
      const t = words[k]!.text;
      if ((t === '-e' || t === '--env') && words[k + 1]) {
        const eq = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(words[k + 1]!.text);
        if (eq) setOwn(env, eq[1]!, sub(words[k + 1]!, eq[0].length));
        k++;
        continue;
      }
      const e = engineOfImage(t);
      if (e && !t.startsWith('-')) {
        const rest = detectEngine(words.slice(k + 1), e);
        const shift = k + 1;
        return rest ? { ...rest, argsFrom: rest.argsFrom + shift, env: { ...env, ...rest.env } } : { engine: e, argsFrom: shift, env };
      }
    }
    return undefined;
  }
  if (fallback && (w0.startsWith('-') || w0 === '')) return { engine: fallback, argsFrom: i, env };
  // Images whose entrypoint is the engine: compose `command: serve model --flags` / `command: --flags`.
  if (fallback === 'vllm' && w0 === 'serve') {
    const m = words[i + 1];
    const hasModel = m && !m.text.startsWith('-');
    return { engine: 'vllm', argsFrom: i + (hasModel ? 2 : 1), modelId: hasModel ? m.text : undefined, env };
  }
  return undefined;
}

/** The part of a mapped word after `from` characters (VAR=value → value). */
function sub(w: MappedText, from: number): MappedText {
  // Start right after the `=` in the source, so the value's own quotes belong to its span.
  const start = from > 0 && w.map[from - 1] !== undefined ? w.map[from - 1]! + 1 : w.span.offset;
  const end = w.span.offset + w.span.length;
  return { text: w.text.slice(from), map: w.map.slice(from), span: { offset: start, length: Math.max(0, end - start) }, quote: w.quote };
}

/** Flags with a value; anything else starting with '-' is a boolean switch. */
const VALUE_FLAGS = new Set([
  '--rope-scaling', '--hf-overrides', '--rope-theta', '--max-model-len', '--model', '--json-model-override-args',
  '--context-length', '--model-path', '--rope-scale', '--rope-freq-scale', '--rope-freq-base', '--yarn-orig-ctx',
  '--yarn-ext-factor', '--yarn-attn-factor', '--yarn-beta-fast', '--yarn-beta-slow', '-c', '--ctx-size', '-m',
  '--hf-repo', '-hf', '-hfr', '--rope-factor', '--max-total-tokens', '--max-input-tokens', '--model-id', '--tokenizer',
  '--served-model-name', '--port', '--host', '--tensor-parallel-size', '-tp', '--tp', '--dtype', '-ngl', '--n-gpu-layers',
]);

function flagsOf(words: MappedText[]): FlagOcc[] {
  const out: FlagOcc[] = [];
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (!w.text.startsWith('-') || /^-\d/.test(w.text)) continue;
    const eq = w.text.indexOf('=');
    if (w.text.startsWith('--') && eq > 0) {
      const name = w.text.slice(0, eq);
      const value = sub(w, eq + 1);
      out.push({ name, nameSpan: { offset: w.span.offset, length: eq }, value, span: w.span });
      continue;
    }
    const next = words[k + 1];
    if (next && (VALUE_FLAGS.has(w.text) || !next.text.startsWith('-') || /^-\d/.test(next.text))) {
      out.push({ name: w.text, nameSpan: w.span, value: next, span: { offset: w.span.offset, length: next.span.offset + next.span.length - w.span.offset } });
      k++;
    } else out.push({ name: w.text, nameSpan: w.span, span: w.span });
  }
  return out;
}

/** vLLM-style lengths: 131072, 128k (×1000), 128K (×1024), 1m / 1M. */
export function parseLength(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)\s*$/.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  const mult: Record<string, number> = { '': 1, k: 1e3, K: 1024, m: 1e6, M: 1024 * 1024, g: 1e9, G: 1024 ** 3 };
  return Math.round(n * mult[m[2]!]!);
}

function numberOf(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const MODEL_FLAGS = ['--model', '--model-path', '-m', '--hf-repo', '-hf', '--model-id'];

/** The model a command serves: its model flag, else the positional model (`vllm serve ID`). */
export function modelIdOf(cmd: ShellCommand): string | undefined {
  for (const name of MODEL_FLAGS) {
    const o = [...cmd.flags].reverse().find((x) => x.name === name);
    if (o?.value) return o.value.text;
  }
  return cmd.modelId;
}

/** Blocks and context for one engine command. */
export function analyseCommand(cmd: ShellCommand, blocks: RopeBlock[], info: ShellBlockInfo[]): void {
  const f = (name: string): FlagOcc | undefined => [...cmd.flags].reverse().find((x) => x.name === name);
  const ctx: ModelContext = {};
  const modelId = modelIdOf(cmd);
  const valueSpan = (o: FlagOcc): Span => o.value!.span;
  const lenCtx = (o: FlagOcc | undefined): void => {
    const v = o?.value ? parseLength(o.value.text) : undefined;
    if (o && v !== undefined) ctx.servingContext = ctxValue(v, 'flag', valueSpan(o), true);
  };
  const known = modelId ? knownModel(modelId) : undefined;
  const base = (): ModelContext => (known && modelId ? mergeContext(ctx, knownModelContext(known, modelId)) : modelId ? { ...ctx, modelId: ctxValue(modelId, 'flag') } : { ...ctx });
  const pushJson = (o: FlagOcc | undefined, isOverrides: boolean): void => {
    if (!o?.value) return;
    for (const b of blocksFromJson(o.value, { dialect: 'shell', flag: o.name, flagSpan: o.nameSpan, engine: cmd.engine, context: base(), isOverrides })) {
      blocks.push(b);
      info.push({ spanOffset: b.span.offset, kind: 'json', word: o.value, jsonPath: isOverrides ? [b.key] : [], command: cmd });
    }
  };
  switch (cmd.engine) {
    case 'vllm': {
      lenCtx(f('--max-model-len'));
      const theta = f('--rope-theta');
      const t = numberOf(theta?.value?.text);
      if (theta && t !== undefined) ctx.ropeTheta = ctxValue(t, 'flag', valueSpan(theta));
      pushJson(f('--rope-scaling'), false);
      pushJson(f('--hf-overrides'), true);
      return;
    }
    case 'sglang':
      lenCtx(f('--context-length'));
      pushJson(f('--json-model-override-args'), true);
      return;
    case 'llama.cpp': {
      lenCtx(f('--ctx-size') ?? f('-c'));
      const base_ = f('--rope-freq-base');
      const t = numberOf(base_?.value?.text);
      if (base_ && t !== undefined && t > 0) ctx.ropeTheta = ctxValue(t, 'flag', valueSpan(base_));
      flagGroup(cmd, base(), blocks, info, {
        rope_type: f('--rope-scaling'), factor: f('--rope-scale'), freq: f('--rope-freq-scale'),
        original_max_position_embeddings: f('--yarn-orig-ctx'), beta_fast: f('--yarn-beta-fast'), beta_slow: f('--yarn-beta-slow'),
      });
      return;
    }
    case 'tgi': {
      lenCtx(f('--max-total-tokens'));
      const envFlag = (name: string): FlagOcc | undefined => {
        const v = cmd.env[name];
        if (!v) return undefined;
        const nameStart = Math.max(0, v.span.offset - name.length - 1);
        return { name, nameSpan: { offset: nameStart, length: name.length }, value: v, span: { offset: nameStart, length: v.span.offset + v.span.length - nameStart } };
      };
      flagGroup(cmd, base(), blocks, info, { rope_type: f('--rope-scaling') ?? envFlag('ROPE_SCALING'), factor: f('--rope-factor') ?? envFlag('ROPE_FACTOR') });
      return;
    }
    default:
  }
}

/** llama.cpp / TGI: rope settings spread over several flags, gathered into one block. */
function flagGroup(
  cmd: ShellCommand, context: ModelContext, blocks: RopeBlock[], info: ShellBlockInfo[],
  g: { rope_type?: FlagOcc; factor?: FlagOcc; freq?: FlagOcc; original_max_position_embeddings?: FlagOcc; beta_fast?: FlagOcc; beta_slow?: FlagOcc },
): void {
  const fields: SourceField[] = [];
  const flags: Record<string, FlagOcc> = {};
  const add = (key: string, o: FlagOcc | undefined, conv: (s: string) => unknown): void => {
    if (!o?.value) return;
    const raw = o.value.text;
    const v = conv(raw);
    // No isInteger: the engines parse these flags as floats, so `--rope-scale 4` is not transformers' int factor.
    const sv = v === undefined ? { kind: 'unknown' as const, value: undefined, span: o.value.span } : { kind: typeof v === 'number' ? ('number' as const) : ('string' as const), value: v, span: o.value.span };
    fields.push({ key, keySpan: o.nameSpan, value: sv, span: o.span });
    setOwn(flags, key, o);
  };
  add('rope_type', g.rope_type, (s) => (/^[a-z0-9_]+$/i.test(s) ? s : undefined));
  if (g.factor) add('factor', g.factor, numberOf);
  else if (g.freq) add('factor', g.freq, (s) => {
    const n = numberOf(s);
    return n && n > 0 ? 1 / n : undefined;
  });
  add('original_max_position_embeddings', g.original_max_position_embeddings, (s) => {
    const n = numberOf(s);
    return n && n > 0 ? n : undefined;
  });
  add('beta_fast', g.beta_fast, numberOf);
  add('beta_slow', g.beta_slow, numberOf);
  if (fields.length === 0) return;
  const start = Math.min(...fields.map((x) => x.span.offset));
  const end = Math.max(...fields.map((x) => x.span.offset + x.span.length));
  const derived: Record<string, unknown> = {};
  // llama.cpp applies a freq scale without --rope-scaling as plain linear interpolation.
  if (!g.rope_type && cmd.engine === 'llama.cpp') derived['rope_type'] = 'linear';
  const keyFlag = flags['rope_type'] ?? Object.values(flags)[0]!;
  const block = makeBlock({
    dialect: 'shell', key: keyFlag.name, keySpan: keyFlag.nameSpan, span: { offset: start, length: end - start }, fields, context,
    engine: cmd.engine, derived,
  });
  if (fields.some((x) => x.key === 'rope_type' && x.value.kind === 'string' && x.value.value === 'none')) return;
  blocks.push(block);
  info.push({ spanOffset: block.span.offset, kind: 'flags', flags, command: cmd });
}

/** Builds a command from words (shell line, Dockerfile JSON array, YAML list) if they run a known engine. */
export function commandFromWords(words: MappedText[], style: WordStyle, fallback?: Engine, extraEnv: Record<string, MappedText> = {}): ShellCommand | undefined {
  const d = detectEngine(words, fallback);
  if (!d) return undefined;
  const args = words.slice(d.argsFrom);
  const last = words[words.length - 1];
  const cmd: ShellCommand = {
    engine: d.engine, flags: flagsOf(args), env: { ...extraEnv, ...d.env }, style,
    insertAt: last ? last.span.offset + last.span.length : 0,
  };
  if (d.modelId) cmd.modelId = d.modelId;
  return cmd;
}

// ---------------------------------------------------------------- documents

export function parseShell(uri: string, text: string, kind: ShellFileKind = shellKindOf(uri)): ParsedDocument {
  const data: ShellData = { commands: [], blockInfo: [] };
  const doc: ParsedDocument = { uri, text, dialect: 'shell', relevant: false, blocks: [], dialectData: data };
  if (!/rope|yarn|--max-model-len|--context-length|--ctx-size|ROPE_/i.test(text)) return doc;
  const env: Record<string, MappedText> = {};
  let fallback: Engine | undefined;
  for (const { line, base } of logicalLines(text)) {
    let body = line;
    let off = base;
    if (kind === 'dockerfile') {
      const m = /^\s*(RUN|CMD|ENTRYPOINT|ENV|FROM)\s+/i.exec(line);
      if (!m) continue;
      const instr = m[1]!.toUpperCase();
      body = line.slice(m[0].length);
      off = base + m[0].length;
      if (instr === 'FROM') {
        fallback = engineOfImage(body.trim().split(/\s+/)[0] ?? '') ?? fallback;
        continue;
      }
      if (instr === 'ENV') {
        for (const t of splitWords(body, off)) {
          if (!('word' in t)) continue;
          const eq = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(t.word.text);
          if (eq) setOwn(env, eq[1]!, sub(t.word, eq[0].length));
        }
        const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+(\S+)\s*$/.exec(body);
        if (legacy && !body.includes('=')) setOwn(env, legacy[1]!, verbatim(legacy[2]!, off + body.indexOf(legacy[2]!, legacy[1]!.length)));
        continue;
      }
      if (body.trimStart().startsWith('[')) {
        const words = jsonArrayWords(body, off);
        if (words) {
          const cmd = commandFromWords(words, 'json-array', fallback, env);
          if (cmd) {
            if (instr === 'ENTRYPOINT') fallback = cmd.engine;
            addCommand(doc, data, cmd);
          }
          continue;
        }
      }
    } else if (kind === 'makefile' && /^\s*[A-Za-z0-9_.-]+\s*[:?+]?=/.test(line)) continue;
    else if (/^\s*#/.test(line)) continue;
    const toks = splitWords(body, off);
    let words: MappedText[] = [];
    const flush = (): void => {
      const cmd = words.length ? commandFromWords(words, 'shell', kind === 'dockerfile' ? fallback : undefined, env) : undefined;
      if (cmd) addCommand(doc, data, cmd);
      words = [];
    };
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k]!;
      if ('word' in t) {
        // `export VAR=x` / bare `VAR=x` lines set the environment of later commands in the script.
        words.push(t.word);
        continue;
      }
      if (['>', '>>', '<', '>&', '<&'].includes(t.op)) {
        k++;
        continue;
      }
      flush();
    }
    if (words.length && words.every((w, k) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text) || (k === 0 && w.text === 'export'))) {
      for (const w of words) {
        const eq = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.text);
        if (eq) setOwn(env, eq[1]!, sub(w, eq[0].length));
      }
      words = [];
    }
    flush();
  }
  uniquePaths(doc.blocks);
  doc.relevant = doc.blocks.length > 0 || data.commands.length > 0;
  return doc;
}

export function addCommand(doc: ParsedDocument, data: ShellData, cmd: ShellCommand): void {
  data.commands.push(cmd);
  analyseCommand(cmd, doc.blocks, data.blockInfo);
}

/** Dockerfile exec form: `CMD ["vllm", "serve", "--rope-scaling", "{\"rope_type\": ...}"]`. */
function jsonArrayWords(body: string, off: number): MappedText[] | undefined {
  const errors: { error: number; offset: number; length: number }[] = [];
  const root = parseTree(body, errors);
  if (!root || root.type !== 'array' || errors.length) return undefined;
  const out: MappedText[] = [];
  for (const c of root.children ?? []) {
    if (c.type !== 'string') return undefined;
    const m = decodeJsonString(body, c.offset, c.offset + c.length);
    if (!m) return undefined;
    out.push({ ...m, map: m.map.map((x) => x + off), span: { offset: m.span.offset + off, length: m.span.length } });
  }
  return out;
}

export function shellKindOf(uri: string): ShellFileKind {
  const name = basename(uri.replace(/[?#].*$/, '')).toLowerCase();
  if (name === 'dockerfile' || name.endsWith('.dockerfile') || name.startsWith('dockerfile.')) return 'dockerfile';
  if (name === 'makefile' || name === 'gnumakefile' || name.endsWith('.mk')) return 'makefile';
  return 'shell';
}

export function shellData(doc: ParsedDocument): ShellData | undefined {
  // YAML documents carry their serving commands too (YamlData extends ShellData).
  return doc.dialect === 'shell' || doc.dialect === 'yaml' ? doc.dialectData : undefined;
}

export function shellBlockInfo(doc: ParsedDocument, block: RopeBlock): ShellBlockInfo | undefined {
  const d = shellData(doc);
  return d ? byOffset(d.blockInfo, block.span.offset) : undefined;
}

/** The blocks one command carries, in order (indexed once per parse). */
export function commandBlocks(doc: ParsedDocument, cmd: ShellCommand): RopeBlock[] {
  const d = shellData(doc);
  if (!d) return [];
  const m = indexed(d.blockInfo, 'commandBlocks', (infos) => {
    const out = new Map<ShellCommand, RopeBlock[]>();
    for (const i of infos) {
      const b = blockAt(doc, i.spanOffset);
      if (!b) continue;
      const l = out.get(i.command);
      if (l) l.push(b);
      else out.set(i.command, [b]);
    }
    return out;
  });
  return m.get(cmd) ?? [];
}
