// "Extend context with YaRN…": writes a correct YaRN block in the file's convention (v4 rope_scaling or
// v5 rope_parameters) for a target context, from the current (pre-extension) context.
import type { TextEdit } from '../edits';
import type { ParsedDocument, RopeBlock } from '../model';
import { num } from '../numbers';
import { jsonData } from '../parse/json';
import { insertionContextOf } from '../parse/python';
import { yamlBlockInfo } from '../parse/yaml';
import { editSequence, type Step } from './sequence';
import { jsonWriter, RawJson } from './json-writer';
import { inserterFor, writerFor } from './writers';

export interface ExtendOptions {
  /** Convention to write; default: the block's, else the file's (rope_parameters or transformers_version ≥ 5 → v5). */
  api?: 'v4' | 'v5';
  /** Config object (JSON pointer) to extend when there is no block; default: the first with max_position_embeddings. */
  containerPath?: string;
  /** Method to write (default yarn; the "Extend context…" advisor picks linear or dynamic too). */
  ropeType?: 'yarn' | 'linear' | 'dynamic';
  /** Extra block members written after the method's own (e.g. `finetuned: true` for llama.cpp's GGUF converter). */
  extra?: Record<string, unknown>;
  /** max_position_embeddings to write (default the target; dynamic NTK keeps the original, which it reads as such). */
  maxPositionEmbeddings?: number;
}

export interface ExtendResult {
  ok: boolean;
  edits: TextEdit[];
  /** What was (or why nothing was) written, one line. */
  summary: string;
  /** Not ok only because the file already says it (the block and max_position_embeddings as they would be written). */
  unchanged?: boolean;
  factor?: number;
  original?: number;
  api?: 'v4' | 'v5';
}

/** YaRN keys worth keeping from an existing YaRN block (they do not depend on the factor). */
const KEEP = ['beta_fast', 'beta_slow', 'mscale', 'mscale_all_dim', 'truncate'];
const OMP_TYPES = new Set(['yarn', 'llama3', 'longrope', 'su']);

function rawOf(doc: ParsedDocument, block: RopeBlock, key: string): RawJson | undefined {
  const f = block.fields.find((x) => x.key === key);
  return f && f.value.kind !== 'unknown' ? new RawJson(doc.text.slice(f.value.span.offset, f.value.span.offset + f.value.span.length)) : undefined;
}

function fail(summary: string): ExtendResult {
  return { ok: false, edits: [], summary };
}

/** Where an extension writes and what the model handles now: the container, its block, the original context. */
export interface ExtensionSite {
  container: string;
  target: RopeBlock | undefined;
  /** max_position_embeddings as found (file, flag or known model). */
  mpe: number | undefined;
  /** The pre-extension context: the block's original_max_position_embeddings (yarn/llama3/longrope), else the
   * config's top-level one, else max_position_embeddings. */
  original: number;
  api: 'v4' | 'v5';
}

export function extensionSite(doc: ParsedDocument, block: RopeBlock | undefined, opts: Pick<ExtendOptions, 'api' | 'containerPath'> = {}): ExtensionSite | string {
  const data = jsonData(doc);
  const container = block?.containerPath ?? opts.containerPath
    ?? data?.configs.find((c) => c.members.has('max_position_embeddings'))?.path
    ?? doc.blocks[0]?.containerPath ?? '';
  const inContainer = doc.blocks.filter((b) => b.containerPath === container);
  const target = block ?? inContainer.find((b) => b.layerType === 'full_attention') ?? inContainer.find((b) => b.layerType === undefined);
  const cfg = data?.configs.find((c) => c.path === container);
  // No block and no config object: the place a block would be inserted (a script's known-model call) tells.
  const ins = target || cfg ? undefined : insertionContextOf(doc);
  const mpe = num(target?.context.maxPositionEmbeddings?.value) ?? num(cfg?.members.get('max_position_embeddings')?.children?.[1]?.value)
    ?? num(ins?.maxPositionEmbeddings?.value);
  const t = target ? (target.params['rope_type'] ?? target.params['type']) : undefined;
  const topOmp = num(target?.context.originalMaxPositionEmbeddings?.value) ?? num(cfg?.members.get('original_max_position_embeddings')?.children?.[1]?.value)
    ?? num(ins?.originalMaxPositionEmbeddings?.value);
  const blockOmp = target && typeof t === 'string' && OMP_TYPES.has(t) ? num(target.params['original_max_position_embeddings']) : undefined;
  const original = blockOmp ?? topOmp ?? mpe;
  if (original === undefined || original <= 0) return 'No max_position_embeddings found: cannot tell the current context length.';
  const api: 'v4' | 'v5' = opts.api ?? target?.api
    ?? (cfg?.members.has('rope_parameters') ? 'v5'
      : /^\s*5\./.test(String(cfg?.members.get('transformers_version')?.children?.[1]?.value ?? '')) ? 'v5' : 'v4');
  return { container, target, mpe, original, api };
}

const LABEL: Record<NonNullable<ExtendOptions['ropeType']>, string> = { yarn: 'YaRN', linear: 'Linear (PI)', dynamic: 'Dynamic NTK' };

export function extendWithYarn(doc: ParsedDocument, block: RopeBlock | undefined, targetLength: number, opts: ExtendOptions = {}): ExtendResult {
  if (!Number.isFinite(targetLength) || !Number.isInteger(targetLength) || targetLength <= 0) {
    return fail(`Target context must be a positive integer, got ${String(targetLength)}.`);
  }
  const site = extensionSite(doc, block, opts);
  if (typeof site === 'string') return fail(site);
  const { container, target, mpe, original, api } = site;
  const method = opts.ropeType ?? 'yarn';
  if (targetLength <= original) return fail(`Target ${targetLength} is not beyond the native context ${original}: no ${LABEL[method]} needed.`);
  const factor = targetLength / original;
  const t = target ? (target.params['rope_type'] ?? target.params['type']) : undefined;
  const data = jsonData(doc);
  const cfg = data?.configs.find((c) => c.path === container);
  const newMpe = opts.maxPositionEmbeddings ?? targetLength;

  const params: Record<string, unknown> = {};
  if (target && 'type' in target.params && api === 'v4') params['type'] = method;
  params['rope_type'] = method;
  params['factor'] = factor;
  if (method === 'yarn') params['original_max_position_embeddings'] = Math.round(original);
  // Kept values are written as numbers when they are numbers, so the writer gives float keys their float form
  // (an integer beta_fast copied raw would raise int-where-float on the block just written).
  if (target && t === 'yarn' && method === 'yarn') for (const k of KEEP) { const v = num(target.params[k]); const r = v ?? rawOf(doc, target, k); if (r !== undefined) params[k] = r; }
  for (const [k, v] of Object.entries(opts.extra ?? {})) params[k] = v;
  const dropped = target && t === 'yarn' && 'attention_factor' in target.params ? ' (attention_factor dropped: it depended on the old factor)' : '';
  const topTheta = cfg?.members.get('rope_theta')?.children?.[1];
  const topPrf = cfg?.members.get('partial_rotary_factor')?.children?.[1];
  if (api === 'v5') {
    params['rope_theta'] = (target && rawOf(doc, target, 'rope_theta'))
      ?? (topTheta ? new RawJson(doc.text.slice(topTheta.offset, topTheta.offset + topTheta.length)) : 10000.0);
    const prf = (target && rawOf(doc, target, 'partial_rotary_factor'))
      ?? (topPrf ? new RawJson(doc.text.slice(topPrf.offset, topPrf.offset + topPrf.length)) : undefined);
    if (prf) params['partial_rotary_factor'] = prf;
  }
  const key = api === 'v5' ? 'rope_parameters' : 'rope_scaling';
  const writer = writerFor(doc.dialect);
  const steps: Step[] = [];
  const path = target?.path;
  if (target && path) {
    steps.push((d) => {
      const b = d.blocks.find((x) => x.path === path);
      if (!b) return [];
      return b.layerType !== undefined || b.api === api ? writer.replaceBlock(d, b, params) : writer.replaceBlock(d, b, params, key);
    });
  } else {
    const ins = inserterFor(doc.dialect);
    if (!ins) return fail(`Cannot insert a rope block in a ${doc.dialect} document.`);
    steps.push((d) => {
      // A `"rope_scaling": null` member is replaced in place.
      if (d.dialect === 'json' && jsonData(d)?.configs.find((c) => c.path === container)?.members.has(key)) {
        return jsonWriter.setAt(d, container, key, params);
      }
      return ins.insertBlock(d, container, key, params);
    });
    if (doc.dialect === 'json' && api === 'v5') steps.push((d) => jsonWriter.removeAt(d, container, 'rope_scaling'));
  }
  if (doc.dialect === 'json' && api === 'v5') {
    // v5 keeps rope_theta / partial_rotary_factor inside the block only.
    steps.push((d) => jsonWriter.removeAt(d, container, 'rope_theta'));
    steps.push((d) => jsonWriter.removeAt(d, container, 'partial_rotary_factor'));
  }
  // The summary promises the max_position_embeddings change only when this step writes it (a command line has no
  // such key: the engine's context flag is the advisor's step).
  let mpeWritten = false;
  steps.push((d) => {
    const b = path ? d.blocks.find((x) => x.path === path) : d.blocks.find((x) => x.containerPath === container);
    const e = d.dialect === 'json' ? jsonWriter.setAt(d, container, 'max_position_embeddings', newMpe) : b ? writer.setContext(d, b, 'max_position_embeddings', newMpe) : [];
    mpeWritten = e.length > 0;
    return e;
  });
  const edits = editSequence(doc, steps);
  if (edits.length === 0) return { ...fail('Nothing to change.'), unchanged: true };
  // LLaMA-Factory's scalar rope_scaling: the context is written as cutoff_len (see yaml-writer setContext).
  const lf = target && doc.dialect === 'yaml' && yamlBlockInfo(doc, target)?.kind === 'enum';
  const was = lf ? target?.context.servingContext?.value : mpe;
  const mpeNote = mpeWritten && was !== newMpe ? `; ${lf ? 'cutoff_len' : 'max_position_embeddings'} ${was ?? '(unset)'} → ${newMpe}` : '';
  return {
    ok: true, edits, factor, original, api,
    summary: `${LABEL[method]} factor ${factor} (${targetLength} / ${original}) in ${key}${dropped}${mpeNote}.`,
  };
}
