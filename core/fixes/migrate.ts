// v4 `rope_scaling` ⇄ v5 `rope_parameters` (../shared/research/transformers-rope.md §5), for config.json files.
// Each config object (root, text_config, ...) is converted on its own; the result is one edit.
import type { TextEdit } from '../edits';
import type { ParsedDocument, RopeBlock } from '../model';
import { jsonData, type JsonConfig } from '../parse/json';
import { editSequence, type Step } from './sequence';
import { jsonWriter, RawJson } from './json-writer';

export interface MigrateResult {
  ok: boolean;
  edits: TextEdit[];
  /** One line per converted config, or why nothing was done. */
  summary: string;
}

const OMP_TYPES = new Set(['yarn', 'llama3', 'longrope']);

function raw(doc: ParsedDocument, node: { offset: number; length: number } | undefined): RawJson | undefined {
  return node ? new RawJson(doc.text.slice(node.offset, node.offset + node.length)) : undefined;
}

function memberRaw(doc: ParsedDocument, cfg: JsonConfig, key: string): RawJson | undefined {
  return raw(doc, cfg.members.get(key)?.children?.[1]);
}

/** The block's fields as raw literals, in source order. */
function rawParams(doc: ParsedDocument, block: RopeBlock): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const f of block.fields) p[f.key] = new RawJson(doc.text.slice(f.value.span.offset, f.value.span.offset + f.value.span.length));
  return p;
}

function cfgAt(d: ParsedDocument, path: string): JsonConfig | undefined {
  return jsonData(d)?.configs.find((c) => c.path === path);
}

/** transformers 4.x config → 5.x: rope_scaling (+ top-level rope_theta, partial_rotary_factor) → rope_parameters. */
export function migrateToV5(doc: ParsedDocument): MigrateResult {
  const data = jsonData(doc);
  if (!data) return { ok: false, edits: [], summary: 'Only config.json files can be migrated.' };
  const steps: Step[] = [];
  const lines: string[] = [];
  for (const cfg of data.configs) {
    if (cfg.members.has('rope_parameters')) continue;
    const v4 = doc.blocks.find((b) => b.containerPath === cfg.path && b.api === 'v4');
    const rsNode = cfg.members.get('rope_scaling')?.children?.[1];
    if (!v4 && !cfg.members.has('rope_theta') && !(rsNode && rsNode.type === 'null')) continue;
    const params: Record<string, unknown> = v4 ? rawParams(doc, v4) : {};
    const type = typeof v4?.params['rope_type'] === 'string' ? v4.params['rope_type'] as string
      : typeof v4?.params['type'] === 'string' ? v4.params['type'] as string : 'default';
    if (!('rope_type' in params)) params['rope_type'] = type;
    params['rope_theta'] = memberRaw(doc, cfg, 'rope_theta') ?? 10000.0;
    const prf = memberRaw(doc, cfg, 'partial_rotary_factor');
    if (prf && !('partial_rotary_factor' in params)) params['partial_rotary_factor'] = prf;
    if (OMP_TYPES.has(type) && !('original_max_position_embeddings' in params)) {
      const omp = memberRaw(doc, cfg, 'original_max_position_embeddings') ?? memberRaw(doc, cfg, 'max_position_embeddings');
      if (omp) params['original_max_position_embeddings'] = omp;
    }
    const local = memberRaw(doc, cfg, 'rope_local_base_freq');
    const value: Record<string, unknown> = local
      ? { full_attention: params, sliding_attention: { rope_type: 'default', rope_theta: local } }
      : params;
    const path = cfg.path;
    steps.push((d) => {
      const c = cfgAt(d, path);
      if (!c) return [];
      const b = d.blocks.find((x) => x.containerPath === path && x.api === 'v4');
      if (b) return jsonWriter.replaceBlock(d, b, value, 'rope_parameters');
      return jsonWriter.setAt(d, path, 'rope_parameters', value);
    });
    for (const k of ['rope_scaling', 'rope_theta', 'partial_rotary_factor', ...(local ? ['rope_local_base_freq'] : [])]) {
      steps.push((d) => jsonWriter.removeAt(d, path, k));
    }
    lines.push(`${path || '/'}: rope_parameters (${type}${local ? ', per layer type' : ''})`);
  }
  // ledger: transformers.v5-rope-parameters
  if (steps.length === 0) return { ok: false, edits: [], summary: 'Nothing to migrate: no transformers 4.x rope settings found.' };
  const edits = editSequence(doc, steps);
  return { ok: edits.length > 0, edits, summary: `Migrated to transformers 5 rope_parameters — ${lines.join('; ')}` };
}

/** transformers 5.x config → 4.x: rope_parameters → rope_scaling + top-level rope_theta (Gemma-style per-layer form too). */
export function migrateToV4(doc: ParsedDocument, onlyContainer?: string): MigrateResult {
  const data = jsonData(doc);
  if (!data) return { ok: false, edits: [], summary: 'Only config.json files can be migrated.' };
  const steps: Step[] = [];
  const lines: string[] = [];
  const problems: string[] = [];
  for (const cfg of data.configs) {
    if (onlyContainer !== undefined && cfg.path !== onlyContainer) continue;
    const blocks = doc.blocks.filter((b) => b.containerPath === cfg.path && b.api === 'v5');
    if (blocks.length === 0) continue;
    if (cfg.members.has('rope_scaling')) {
      problems.push(`${cfg.path || '/'}: has both rope_scaling and rope_parameters; remove one first`);
      continue;
    }
    let main: RopeBlock | undefined;
    let local: RawJson | undefined;
    if (blocks[0]!.layerType !== undefined) {
      main = blocks.find((b) => b.layerType === 'full_attention');
      const sliding = blocks.find((b) => b.layerType === 'sliding_attention');
      const others = blocks.filter((b) => b !== main && b !== sliding);
      if (!main || others.length > 0) {
        // ledger: transformers.v5-rope-parameters
        problems.push(`${cfg.path || '/'}: per-layer rope_parameters (${blocks.map((b) => b.layerType).join(', ')}) has no transformers 4.x form`);
        continue;
      }
      const f = sliding?.fields.find((x) => x.key === 'rope_theta');
      if (f) local = new RawJson(doc.text.slice(f.value.span.offset, f.value.span.offset + f.value.span.length));
    } else main = blocks[0]!;
    const p = rawParams(doc, main);
    const theta = p['rope_theta'];
    const prf = p['partial_rotary_factor'];
    delete p['rope_theta'];
    delete p['partial_rotary_factor'];
    const type = typeof main.params['rope_type'] === 'string' ? main.params['rope_type'] : main.params['type'];
    const isDefault = type === undefined || type === 'default';
    if (isDefault && Object.keys(p).every((k) => k === 'rope_type' || k === 'type')) {
      // 4.x writes plain RoPE as rope_scaling: null.
      for (const k of Object.keys(p)) delete p[k];
    }
    const value = Object.keys(p).length ? p : null;
    const path = cfg.path;
    const ctxKeys: Array<[string, unknown]> = [];
    if (theta !== undefined) ctxKeys.push(['rope_theta', theta]);
    if (prf !== undefined) ctxKeys.push(['partial_rotary_factor', prf]);
    if (local) ctxKeys.push(['rope_local_base_freq', local]);
    for (const [k, v] of ctxKeys) steps.push((d) => jsonWriter.setAt(d, path, k, v));
    steps.push((d) => {
      const c = cfgAt(d, path);
      const node = c?.members.get('rope_parameters');
      if (!c || !node) return [];
      const keyNode = node.children![0]!;
      const valNode = node.children![1]!;
      const between = d.text.slice(keyNode.offset + keyNode.length, valNode.offset);
      const text = value === null ? 'null' : jsonWriter.objectLiteralAt(d.text, valNode.offset, value);
      return [{ offset: keyNode.offset, length: valNode.offset + valNode.length - keyNode.offset, newText: `"rope_scaling"${between}${text}` }];
    });
    lines.push(`${path || '/'}: rope_scaling (${String(type ?? 'default')})`);
  }
  if (steps.length === 0) {
    // ledger: transformers.v5-rope-parameters
    return { ok: false, edits: [], summary: problems.length ? problems.join('; ') : 'Nothing to migrate: no transformers 5 rope_parameters found.' };
  }
  const edits = editSequence(doc, steps);
  return {
    ok: edits.length > 0, edits,
    // ledger: transformers.v5-rope-parameters
    summary: `Migrated to transformers 4.x rope_scaling — ${lines.join('; ')}${problems.length ? ` (skipped: ${problems.join('; ')})` : ''}`,
  };
}

/** Either direction. */
export function migrate(doc: ParsedDocument, to: 'v4' | 'v5'): MigrateResult {
  return to === 'v5' ? migrateToV5(doc) : migrateToV4(doc);
}

