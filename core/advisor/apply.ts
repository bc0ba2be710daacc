// "Extend context…" applied: the advice (recommend.ts) written into the file in its own dialect. The block itself is
// written by extend-yarn (one place for convention, container and v5 rope_theta handling) with the advised method;
// command lines also get the engine's context flag, and a command without a block gets the block as flags
// (core/convert.ts, the same text "Copy rope block as…" gives). Pure.
import { convertBlock, type BlockFacts } from '../convert';
import { applyEdits, type TextEdit } from '../edits';
import { rewriteWord } from '../fixes/dialect-json';
import { extendWithYarn } from '../fixes/extend-yarn';
import { editSequence, type Step } from '../fixes/sequence';
import { appendWords } from '../fixes/shell-writer';
import { commandOf, engineOf, originalContext } from '../context';
import type { ContextSource, Engine, ParsedDocument, RopeBlock } from '../model';
import { shellData } from '../parse/shell';
import { lengthAdvice, nonRopeModel } from '../positions';
import { unifiedDiff } from './diff';
import { memoryNote } from './memory';
import { ENGINES, ENGINE_IDS } from './engines';
import { AdviceError, methodLabel, recommend, type Advice } from './recommend';

export interface AdviseRequest {
  target: number;
  finetune: boolean;
  /** Rough fine-tuning budget in optimizer steps. */
  steps?: number;
  /** Serving engine; default: the block's (command lines), else transformers. */
  engine?: Engine;
  /** The trained context when the file does not say (a command line without a known model). */
  original?: number;
  api?: 'v4' | 'v5';
}

export interface AdviseOk {
  ok: true;
  advice: Advice;
  engine: Engine;
  /** The context the advice starts from, and where it was read. */
  original: number;
  originalSource: ContextSource | 'option';
  edits: TextEdit[];
  /** One line: what the edits do ("" when nothing is written). */
  summary: string;
  /** The change as a unified diff ("" when nothing changes). */
  preview: string;
}

export type AdviseResult = AdviseOk | { ok: false; error: string };

export function isEngine(x: unknown): x is Engine {
  return typeof x === 'string' && (ENGINE_IDS as readonly string[]).includes(x);
}

/** The context flag of the command serving the block: rewritten when present, added otherwise. */
function contextFlagStep(blockPath: string | undefined, target: number): Step {
  return (d) => {
    const b = blockPath === undefined ? undefined : d.blocks.find((x) => x.path === blockPath);
    const cmd = commandOf(d, b);
    const caps = cmd ? ENGINES[cmd.engine] : undefined;
    if (!cmd || !caps?.contextFlag) return [];
    const names = [caps.contextFlag, ...(caps.contextFlagAliases ?? [])];
    const existing = [...cmd.flags].reverse().find((f) => names.includes(f.name));
    if (existing?.value) return rewriteWord(existing.value, String(target));
    return [appendWords(d, cmd, [caps.contextFlag, String(target)])];
  };
}

/** A command without a block: the advised block as the engine's own flags (core/convert), context flag left out. */
function insertFlagsStep(params: Record<string, unknown>, original: number): Step {
  return (d) => {
    const cmd = commandOf(d, undefined);
    if (!cmd || cmd.engine === 'transformers') return [];
    const facts: BlockFacts = { params, context: { maxPositionEmbeddings: { value: original, source: 'file' } } };
    const words = convertBlock(facts, cmd.engine).words ?? [];
    const caps = ENGINES[cmd.engine];
    const skip = new Set([caps.contextFlag, ...(caps.contextFlagAliases ?? [])]);
    const keep: string[] = [];
    for (let i = 0; i < words.length; i++) {
      if (skip.has(words[i]!)) i++;
      else keep.push(words[i]!);
    }
    return keep.length ? [appendWords(d, cmd, keep)] : [];
  };
}

/** The TextEdits that carry out `advice` on the file (no edits for plain RoPE: see README "Extend context…"). */
export function applyAdvice(doc: ParsedDocument, block: RopeBlock | undefined, advice: Pick<Advice, 'method' | 'params' | 'maxPositionEmbeddings'>, target: number, api?: 'v4' | 'v5'): { edits: TextEdit[]; summary: string } | string {
  // Plain RoPE: the target fits. An existing scaling block is left alone: a model fine-tuned with it needs it.
  if (advice.method === 'none') return { edits: [], summary: '' };
  const bare = !block && doc.blocks.length === 0 && (shellData(doc)?.commands.length ?? 0) > 0;
  const commandLine = bare || (block ?? doc.blocks[0])?.dialect === 'shell';
  const orig = originalContext(doc, block);
  const original = typeof orig === 'string' ? undefined : orig.value;
  const steps: Step[] = [];
  let summary: string;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(advice.params)) if (!['rope_type', 'factor', 'original_max_position_embeddings'].includes(k)) extra[k] = v;
  if (bare) {
    if (original === undefined) return 'Cannot tell the model\'s trained context from this command: give the original context.';
    steps.push(insertFlagsStep(advice.params, original));
    summary = `${methodLabel(advice.method)} flags added (factor ${advice.params['factor']})`;
  } else {
    const res = extendWithYarn(doc, block, target, {
      ropeType: advice.method as 'yarn' | 'linear' | 'dynamic',
      extra,
      maxPositionEmbeddings: advice.maxPositionEmbeddings,
      ...(api ? { api } : {}),
    });
    // A block already as advised: on a command line the context flag may still need writing.
    if (!res.ok && !(res.unchanged && commandLine)) return res.summary;
    const edits = res.edits;
    if (edits.length) steps.push(() => edits);
    summary = res.ok ? res.summary.replace(/\.$/, '') : `${methodLabel(advice.method)} block already as advised`;
  }
  const cmd = commandLine ? commandOf(doc, block ?? doc.blocks[0]) : undefined;
  const flag = cmd ? ENGINES[cmd.engine].contextFlag : undefined;
  let flagWritten = false;
  if (commandLine) {
    const step = contextFlagStep(bare ? undefined : (block ?? doc.blocks[0])?.path, target);
    steps.push((d) => {
      const e = step(d);
      flagWritten = e.length > 0;
      return e;
    });
  }
  // editSequence re-parses between steps; a single pre-computed step is returned as is.
  const edits = steps.length === 1 ? steps[0]!(doc) : steps.length === 0 ? [] : editSequence(doc, steps);
  // The file already says what is advised: advice without a change (not an error).
  if (edits.length === 0) return { edits: [], summary: '' };
  if (flag && flagWritten) summary += `; ${flag} ${target}`;
  return { edits, summary };
}

/**
 * "Extend context with YaRN…" (and `suggest --method yarn`): YaRN to `target` whatever the advisor would pick, written
 * the way the advisor writes it, so a command line gets its engine's context flag too.
 */
export function extendYarn(doc: ParsedDocument, block: RopeBlock | undefined, target: number, api?: 'v4' | 'v5'): { ok: true; edits: TextEdit[]; summary: string } | { ok: false; summary: string } {
  const orig = originalContext(doc, block);
  if (typeof orig === 'string') return { ok: false, summary: orig };
  if (!Number.isSafeInteger(target) || target <= 0) return { ok: false, summary: `Target context must be a positive integer, got ${String(target)}.` };
  if (target <= orig.value) return { ok: false, summary: `Target ${target} is not beyond the native context ${orig.value}: no YaRN needed.` };
  const params = { rope_type: 'yarn', factor: target / orig.value, original_max_position_embeddings: orig.value };
  const res = applyAdvice(doc, block, { method: 'yarn', params, maxPositionEmbeddings: target }, target, api);
  if (typeof res === 'string') return { ok: false, summary: res };
  if (res.edits.length === 0) return { ok: false, summary: 'Nothing to change: the file already says this.' };
  return { ok: true, edits: res.edits, summary: `${res.summary}.` };
}

/**
 * For a model without rotary positions (ALiBi, learned positions): what limits its length and what extends it, in
 * place of rope advice (there is nothing to scale). Undefined for RoPE models.
 */
export function nonRopeAdvice(doc: ParsedDocument, target?: number): string | undefined {
  const m = nonRopeModel(doc);
  return m ? lengthAdvice(m, target) : undefined;
}

/** Advice for the document (or one block) plus the edits that write it and a diff preview. */
export function adviseFor(doc: ParsedDocument, block: RopeBlock | undefined, req: AdviseRequest): AdviseResult {
  if (!doc.relevant) return { ok: false, error: 'This file does not look like a model config, script, recipe or serving command.' };
  if (!Number.isSafeInteger(req.target) || req.target < 2) return { ok: false, error: `The target length must be a whole number of tokens, got ${String(req.target)}.` };
  if (req.engine !== undefined && !isEngine(req.engine)) return { ok: false, error: `Unknown engine "${String(req.engine)}" (expected ${ENGINE_IDS.join(', ')}).` };
  if (req.steps !== undefined && !(Number.isSafeInteger(req.steps) && req.steps > 0)) return { ok: false, error: `Fine-tuning steps must be a positive whole number, got ${String(req.steps)}.` };
  const other = nonRopeAdvice(doc, req.target);
  if (other) return { ok: false, error: other };
  let original: number;
  let originalSource: AdviseOk['originalSource'];
  if (req.original !== undefined) {
    original = req.original;
    originalSource = 'option';
  } else {
    const o = originalContext(doc, block);
    if (typeof o === 'string') return { ok: false, error: o };
    original = o.value;
    originalSource = o.source;
  }
  // A command line is served by its own engine, whatever was asked.
  const served = (block ?? doc.blocks[0])?.dialect === 'shell' || (!block && doc.blocks.length === 0) ? commandOf(doc, block ?? doc.blocks[0])?.engine : undefined;
  const engine = served ?? req.engine ?? engineOf(doc, block);
  let advice: Advice;
  try {
    advice = recommend({
      originalContext: original, target: req.target, finetune: req.finetune, engine,
      ...(req.steps !== undefined ? { finetuneSteps: req.steps } : {}),
      ...(req.api ? { api: req.api } : {}),
    });
  } catch (e) {
    if (e instanceof AdviceError) return { ok: false, error: e.message };
    throw e;
  }

  if (served && req.engine && req.engine !== served) advice.notes.unshift(`This command runs ${ENGINES[served].label}, so the advice is for ${ENGINES[served].label}, not ${ENGINES[req.engine].label}.`);
  const current = block ?? doc.blocks[0];
  const currentType = current ? current.params['rope_type'] ?? current.params['type'] : undefined;
  if (advice.method !== 'none' && (currentType === 'llama3' || currentType === 'longrope' || currentType === 'su')) {
    advice.warnings.push(`The model was trained with ${String(currentType)} scaling; replacing it with ${methodLabel(advice.method)} from the pre-training context ${original} changes every frequency it was trained on: expect to fine-tune.`);
  }
  // The hardware row: the KV cache at the target for this config, and what bounds it on the engine.
  const mem = req.target > original ? memoryNote(doc, current, req.target, original, engine) : undefined;
  if (mem) {
    advice.notes.push(mem.text);
    for (const f of mem.facts) if (!advice.facts.includes(f)) advice.facts.push(f);
  }
  const applied = applyAdvice(doc, block, advice, req.target, req.api);
  if (typeof applied === 'string') return { ok: false, error: applied };
  const after = applyEdits(doc.text, applied.edits);
  const name = doc.uri.split(/[\\/]/).pop() ?? doc.uri;
  return {
    ok: true, advice, engine, original, originalSource, edits: applied.edits,
    summary: applied.summary,
    preview: unifiedDiff(name, doc.text, after),
  };
}
