// `explain`: for every rope block of a document, the frequencies, attention factor, per-dimension analysis and
// effective context, as data (JSON) and as readable text. Works on blocks from any dialect (params + context).
import type { ParsedDocument, RopeBlock } from './model';
import { analyzeRope, fmtInt, fmtNum, ropeInputOf, type DimAnalysis, type EffectiveContext } from './rope/analysis';
import { factsFromConfig } from './rope/dim';
import type { RopeInput } from './rope/index';
import { LATEST_VERSION } from './versions';
import { formatValue } from './format';

export interface ExplainOptions {
  seqLen?: number;
  /** Default: the latest release the research covers. */
  transformersVersion?: string;
}

export interface ExplainedBlock {
  /** JSON pointer of the block ("" when the config has no block and default RoPE is explained). */
  path: string;
  layerType?: string;
  ropeType: string;
  /** As written ('su', 'mrope', ...) when it differs from ropeType. */
  declaredType: string;
  ropeDim: number;
  ropeTheta: number;
  factor: number;
  originalContext: number | null;
  invFreq: number[];
  attentionFactor: number;
  effectiveContext: EffectiveContext;
  dims: DimAnalysis[];
  summary: string;
  notes: string[];
  /** transformers would refuse this block; the numbers are a best effort. */
  error?: string;
}

export interface ExplainResult {
  transformersVersion: string;
  seqLen: number | null;
  blocks: ExplainedBlock[];
}

function explainInput(input: RopeInput, path: string, layerType?: string): ExplainedBlock {
  const a = analyzeRope(input);
  const r = a.result;
  const out: ExplainedBlock = {
    path,
    ropeType: r.ropeType,
    declaredType: r.declaredType,
    ropeDim: r.ropeDim,
    ropeTheta: r.base,
    factor: r.factor,
    originalContext: r.originalContext ?? null,
    invFreq: r.invFreq,
    attentionFactor: r.attentionFactor,
    effectiveContext: a.effectiveContext,
    dims: a.dims,
    summary: a.summary,
    notes: r.notes,
  };
  if (layerType !== undefined) out.layerType = layerType;
  if (r.error !== undefined) out.error = r.error;
  return out;
}

export function explainBlock(block: RopeBlock, opts: ExplainOptions = {}): ExplainedBlock {
  const version = opts.transformersVersion ?? LATEST_VERSION;
  const input = ropeInputOf(block, { ...opts, transformersVersion: version });
  return explainInput(input, block.path, block.layerType);
}

/**
 * A config.json without any rope block still has a RoPE: explain the default one from its top-level facts
 * (only when the text is a JSON object that looks like a model config).
 */
function defaultBlockOfConfig(doc: ParsedDocument, opts: ExplainOptions): ExplainedBlock | undefined {
  if (doc.dialect !== 'json') return undefined;
  let config: unknown;
  try {
    config = JSON.parse(doc.text);
  } catch {
    return undefined;
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) return undefined;
  const c = config as Record<string, unknown>;
  if (!['max_position_embeddings', 'hidden_size', 'rope_theta', 'head_dim'].some((k) => typeof c[k] === 'number')) return undefined;
  const key = ['rope_parameters', 'rope_scaling'].find((k) => k in c);
  const input: RopeInput = { params: {}, facts: factsFromConfig(c), transformersVersion: opts.transformersVersion ?? LATEST_VERSION };
  if (opts.seqLen !== undefined) input.seqLen = opts.seqLen;
  return explainInput(input, key ? `/${key}` : '');
}

export function explainDocument(doc: ParsedDocument, opts: ExplainOptions = {}): ExplainResult {
  const version = opts.transformersVersion ?? LATEST_VERSION;
  const blocks = doc.blocks.map((b) => explainBlock(b, { ...opts, transformersVersion: version }));
  if (blocks.length === 0) {
    const d = defaultBlockOfConfig(doc, opts);
    if (d) blocks.push(d);
  }
  return { transformersVersion: version, seqLen: opts.seqLen ?? null, blocks };
}

function sci(x: number): string {
  if (!Number.isFinite(x)) return formatValue(x);
  return x === 0 ? '0' : x.toExponential(6);
}

function wl(x: number): string {
  if (Number.isNaN(x)) return formatValue(x);
  if (!Number.isFinite(x)) return '∞';
  return x >= 1e5 ? x.toExponential(3) : x.toFixed(2);
}

/** A number for the text form: fmtNum, or the formatter's spelling for nan/inf. */
function n(x: number, digits?: number): string {
  return Number.isFinite(x) ? fmtNum(x, digits) : formatValue(x);
}

function i(x: number): string {
  return Number.isFinite(x) ? fmtInt(x) : formatValue(x);
}

/** Bounds on the text form, whatever the input: blocks shown, table rows per block (first and last halves). */
export const EXPLAIN_TEXT_MAX_BLOCKS = 64;
export const EXPLAIN_TEXT_MAX_ROWS = 128;
/** Blocks past this many are shown without their per-dimension table. */
export const EXPLAIN_TEXT_MAX_TABLES = 8;

/** Human-readable form of an explain result. */
export function renderExplainText(res: ExplainResult, title?: string): string {
  const out: string[] = [];
  const label = `transformers ${res.transformersVersion}`;
  if (title) out.push(title);
  if (res.blocks.length === 0) {
    out.push('no rope blocks found');
    return out.join('\n') + '\n';
  }
  let tables = 0;
  for (const b of res.blocks.slice(0, EXPLAIN_TEXT_MAX_BLOCKS)) {
    const where = b.path === '' ? '(config)' : b.path;
    const type = b.declaredType !== b.ropeType ? `${b.ropeType} (written '${b.declaredType}')` : b.ropeType;
    out.push('');
    const layer = b.layerType && !b.path.endsWith(`/${b.layerType}`) ? ` [${b.layerType}]` : '';
    out.push(`${where}${layer}: ${type} — ${label}${res.seqLen !== null ? `, sequence length ${i(res.seqLen)}` : ''}`);
    out.push(`  ${b.summary}`);
    if (b.error) out.push(`  error: ${b.error}`);
    const facts = [`rotary dim ${i(b.ropeDim)}`, `rope_theta ${n(b.ropeTheta)}`, `factor ${n(b.factor)}`];
    if (b.originalContext !== null) facts.push(`original context ${i(b.originalContext)}`);
    facts.push(`attention factor ${n(b.attentionFactor, 6)}`);
    out.push(`  ${facts.join(', ')}`);
    const ec = b.effectiveContext;
    const ctx: string[] = [];
    if (ec.transformers !== null) ctx.push(`transformers ${i(ec.transformers)} (max_position_embeddings)`);
    if (ec.vllm !== null) ctx.push(`vLLM ${i(ec.vllm)} (derived max_model_len)`);
    if (ec.llamaCpp.flags.length) ctx.push(`llama.cpp ${ec.llamaCpp.flags.join(' ')}`);
    if (ctx.length) out.push(`  effective context: ${ctx.join('; ')}`);
    for (const n of [...b.notes, ...ec.notes]) out.push(`  note: ${n}`);
    if (++tables > EXPLAIN_TEXT_MAX_TABLES) {
      if (tables === EXPLAIN_TEXT_MAX_TABLES + 1) out.push(`  (per-dimension tables are shown for the first ${EXPLAIN_TEXT_MAX_TABLES} blocks; JSON output has them all)`);
      continue;
    }
    out.push('     j  inv_freq       wavelength  λ/orig     status        weight  ×slower');
    const half = EXPLAIN_TEXT_MAX_ROWS / 2;
    const rows = b.dims.length > EXPLAIN_TEXT_MAX_ROWS ? [...b.dims.slice(0, half), undefined, ...b.dims.slice(-half)] : b.dims;
    for (const d of rows) {
      if (!d) {
        out.push(`  … ${b.dims.length - EXPLAIN_TEXT_MAX_ROWS} rows not shown (JSON output has every dimension)`);
        continue;
      }
      const ratio = d.wavelengthOverOriginal === null ? '-' : Number.isFinite(d.wavelengthOverOriginal) ? d.wavelengthOverOriginal.toFixed(4) : '∞';
      out.push(
        `  ${String(d.index).padStart(4)}  ${sci(d.invFreq).padEnd(13)}  ${wl(d.wavelength).padStart(10)}  ${ratio.padStart(9)}  ${d.status.padEnd(12)}  ${
          d.weight === null ? '     -' : (Number.isFinite(d.weight) ? d.weight.toFixed(3) : formatValue(d.weight)).padStart(6)
        }  ${Number.isFinite(d.scale) ? d.scale.toPrecision(4) : '-'}`,
      );
    }
  }
  if (res.blocks.length > EXPLAIN_TEXT_MAX_BLOCKS) out.push('', `… ${res.blocks.length - EXPLAIN_TEXT_MAX_BLOCKS} more rope blocks not shown (JSON output has them all)`);
  return out.join('\n') + '\n';
}

