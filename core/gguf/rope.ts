// The rope keys of a GGUF header (what llama.cpp and Ollama actually use: {arch}.context_length,
// {arch}.rope.freq_base, {arch}.rope.scaling.*; ledger: llama.cpp.gguf-rope-keys), as a block RoPE Lens can explain,
// and compared with the config.json the file was converted from. Pure: the header is read by the caller.

export interface GgufRope {
  arch: string;
  contextLength?: number;
  freqBase?: number;
  dimensionCount?: number;
  scalingType?: string;
  factor?: number;
  originalContext?: number;
  attnFactor?: number;
  finetuned?: boolean;
  /** Every `{arch}.context_length` / `{arch}.rope.*` key as read, for display. */
  keys: Record<string, unknown>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'bigint' ? Number(v) : undefined);

/** The rope facts of a header's metadata; a string when it is not a model header (no general.architecture). */
export function ggufRope(meta: Record<string, unknown>): GgufRope | string {
  const arch = meta['general.architecture'];
  if (typeof arch !== 'string' || !arch) return 'no general.architecture in the GGUF header';
  const k = (s: string): unknown => meta[`${arch}.${s}`];
  const keys: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(meta)) {
    if (key === `${arch}.context_length` || key.startsWith(`${arch}.rope.`)) keys[key] = typeof v === 'bigint' ? Number(v) : v;
  }
  const g: GgufRope = { arch, keys };
  const set = <K extends keyof GgufRope>(key: K, v: GgufRope[K] | undefined): void => {
    if (v !== undefined) g[key] = v;
  };
  set('contextLength', num(k('context_length')));
  set('freqBase', num(k('rope.freq_base')));
  set('dimensionCount', num(k('rope.dimension_count')));
  const t = k('rope.scaling.type');
  set('scalingType', typeof t === 'string' ? t : undefined);
  set('factor', num(k('rope.scaling.factor')));
  set('originalContext', num(k('rope.scaling.original_context_length')));
  set('attnFactor', num(k('rope.scaling.attn_factor')));
  const f = k('rope.scaling.finetuned');
  set('finetuned', typeof f === 'boolean' ? f : undefined);
  return g;
}

/** The header as a config.json text (the HF keys the GGUF keys came from), so the config tooling can explain it. */
export function ggufConfigText(g: GgufRope): string {
  const c: Record<string, unknown> = { model_type: g.arch };
  if (g.contextLength !== undefined) c['max_position_embeddings'] = g.contextLength;
  if (g.freqBase !== undefined) c['rope_theta'] = g.freqBase;
  // rope.dimension_count is the rotary dimension: as head_dim it gives the same frequencies.
  if (g.dimensionCount !== undefined) c['head_dim'] = g.dimensionCount;
  if (g.scalingType && g.scalingType !== 'none' && g.factor !== undefined) {
    const rs: Record<string, unknown> = { rope_type: g.scalingType, factor: g.factor };
    if (g.originalContext !== undefined) rs['original_max_position_embeddings'] = g.originalContext;
    c['rope_scaling'] = rs;
  }
  return JSON.stringify(c, null, 2) + '\n';
}

/** Where the GGUF header and the config.json beside it disagree (what the conversion wrote vs what the config says). */
export function compareWithConfig(g: GgufRope, config: Record<string, unknown>): string[] {
  const out: string[] = [];
  const rs = (config['rope_scaling'] ?? config['rope_parameters']) as Record<string, unknown> | null | undefined;
  const cmp = (what: string, gv: unknown, cv: unknown): void => {
    if (gv !== cv && !(typeof gv === 'number' && typeof cv === 'number' && Math.abs(gv - cv) <= 1e-6 * Math.max(1, Math.abs(cv)))) {
      out.push(`${what}: GGUF ${gv === undefined ? '(absent)' : String(gv)}, config.json ${cv === undefined ? '(absent)' : String(cv)}`);
    }
  };
  cmp(`${g.arch}.context_length vs max_position_embeddings`, g.contextLength, num(config['max_position_embeddings']));
  const theta = num(config['rope_theta']) ?? num(rs?.['rope_theta']);
  if (theta !== undefined || g.freqBase !== undefined) cmp(`${g.arch}.rope.freq_base vs rope_theta`, g.freqBase, theta);
  const type = rs ? (rs['rope_type'] ?? rs['type']) : undefined;
  // llama3 and longrope factors are written as tensors (rope_freqs, rope_factors_*), not as rope.scaling keys.
  if (type === 'yarn' || type === 'linear') {
    cmp(`${g.arch}.rope.scaling.type vs rope_scaling type`, g.scalingType, type);
    cmp(`${g.arch}.rope.scaling.factor vs factor`, g.factor, num(rs?.['factor']));
    if (type === 'yarn') cmp(`${g.arch}.rope.scaling.original_context_length vs original_max_position_embeddings`, g.originalContext, num(rs?.['original_max_position_embeddings']));
  } else if (!rs && g.scalingType && g.scalingType !== 'none') {
    out.push(`${g.arch}.rope.scaling.type: GGUF ${g.scalingType}, config.json has no rope block`);
  }
  return out;
}
