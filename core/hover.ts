// Hover text for rope blocks (pure): what the method does, the context it reaches (original × factor) and
// what the chosen transformers release actually does with the block. The editor shows it; tests call it.
import { ropeTypeOf, type ParsedDocument, type RopeBlock, type Span } from './model';
import { KEY_DOCS, ROPE_TYPE_DOCS } from './keys';
import { ctxNum, num } from './numbers';
import { contextNumbers, ropeDimInfo } from './rope/dim';
import { analyzeRope, ropeInputOf, summaryText, type RopeAnalysis } from './rope/analysis';
import { rotaryDimProblem } from './limits';
import { mdCode, mdText } from './markdown';
import { featuresFor, formatVersion, LATEST_VERSION, parseVersion, type VersionFeatures } from './versions';
import { formatValue } from './format';

export interface HoverOptions {
  transformersVersion?: string;
  /** Where the version came from ("ropelens.toml", "pinned in requirements.txt", …), shown at the end. */
  transformersSource?: string;
}

export interface HoverResult {
  markdown: string;
  /** What the hover is about (a key, a value or the whole block). */
  span: Span;
}


function fmt(n: number): string {
  if (!Number.isFinite(n)) return formatValue(n);
  return Number.isInteger(n) ? n.toLocaleString('en-US') : String(Math.round(n * 10000) / 10000);
}

function contains(span: Span | undefined, offset: number): boolean {
  return span !== undefined && offset >= span.offset && offset <= span.offset + span.length;
}

export interface ContextReach {
  /** The trained context the scaling starts from, and which key gave it. */
  original?: number;
  originalFrom?: string;
  /** The factor the chosen release uses (it may differ from the one written). */
  factor?: number;
  /** original × factor: the context the block is built for. */
  effective?: number;
  /** What the chosen release does differently from what the file says, one sentence each. */
  notes: string[];
}

/** The context a block reaches under a release, following the version table (transformers-rope.md §2, §6). */
export function contextReach(block: RopeBlock, features: VersionFeatures): ContextReach {
  const type = ropeTypeOf(block) ?? 'default';
  const p = block.params;
  const mpe = ctxNum(block.context.maxPositionEmbeddings);
  const blockOmp = num(p['original_max_position_embeddings']);
  const topOmp = ctxNum(block.context.originalMaxPositionEmbeddings);
  const factor = num(p['factor']);
  const notes: string[] = [];
  const out = (original: number | undefined, originalFrom: string, f: number | undefined): ContextReach => {
    const r: ContextReach = { originalFrom, notes };
    if (original !== undefined) r.original = original;
    if (f !== undefined) r.factor = f;
    if (original !== undefined && f !== undefined) r.effective = Math.round(original * f);
    return r;
  };
  switch (type) {
    case 'linear':
    case 'dynamic':
      if (type === 'dynamic' && blockOmp !== undefined) notes.push('`original_max_position_embeddings` is not read by dynamic scaling: it starts from `max_position_embeddings`.');
      return out(mpe, 'max_position_embeddings', factor);
    case 'yarn': {
      const useBlock = features.yarn.originalLength === 'block' && blockOmp !== undefined;
      if (blockOmp !== undefined && features.yarn.originalLength === 'mpe') {
        notes.push('this release ignores `original_max_position_embeddings` in the block (it warns "Unrecognized keys") and computes the correction range from `max_position_embeddings`.');
      }
      const original = useBlock ? blockOmp : mpe;
      let used = factor;
      if (features.yarn.factorRule === 'implicit-override' && blockOmp !== undefined && mpe !== undefined) {
        used = mpe / blockOmp;
        if (factor !== undefined && used !== factor) notes.push(`this release replaces \`factor\` by max_position_embeddings / original_max_position_embeddings = ${fmt(used)}${used === 1 ? ': **no scaling at all**' : ''}.`);
      } else if (features.yarn.factorRule === 'explicit-v5' && factor === undefined && blockOmp !== undefined && mpe !== undefined) {
        used = mpe / blockOmp;
        notes.push(`\`factor\` is absent, so this release uses max_position_embeddings / original_max_position_embeddings = ${fmt(used)}.`);
      }
      const r = out(original, useBlock ? 'original_max_position_embeddings' : 'max_position_embeddings', used);
      if (r.effective !== undefined && mpe !== undefined && mpe < r.effective) {
        // ledger: sglang.context-length, tgi.max-total-tokens, transformers.generate-no-cap
        notes.push(`\`max_position_embeddings\` (${fmt(mpe)}) is below the YaRN context: SGLang and TGI take their context length from it (transformers' generate() does not stop there).`);
      }
      return r;
    }
    case 'llama3':
      return out(blockOmp, 'original_max_position_embeddings', factor);
    case 'longrope': {
      const omp = features.longrope.originalLength === 'top-level' ? topOmp : (topOmp ?? blockOmp);
      if (features.longrope.originalLength === 'top-level' && topOmp === undefined && blockOmp !== undefined) {
        notes.push('this release reads `original_max_position_embeddings` from the top level only; the one in the block is ignored by the math.');
      }
      const f = factor ?? (mpe !== undefined && omp !== undefined ? mpe / omp : undefined);
      return out(omp, 'original_max_position_embeddings', f);
    }
    default:
      return { original: mpe, originalFrom: 'max_position_embeddings', factor: 1, effective: mpe, notes };
  }
}

function versionLabel(version: string | undefined): string {
  const v = parseVersion(version === undefined || version === 'latest' ? LATEST_VERSION : version);
  return v ? formatVersion(v) : LATEST_VERSION;
}

/** The block hover: method, effective context, what the release does. */
export function blockSummary(block: RopeBlock, options: HoverOptions = {}): string {
  const features = featuresFor(options.transformersVersion);
  const version = versionLabel(options.transformersVersion);
  const type = ropeTypeOf(block);
  const lines: string[] = [];
  const where = block.layerType ? ` — layers ${mdCode(block.layerType)}` : '';
  const title = `**${mdCode(block.key)}** (${block.api === 'v5' ? 'transformers 5 form' : 'transformers 4 form'})${where}`;
  lines.push(title);
  if (type === undefined) {
    lines.push(
      features.missingTypeRaises
        // ledger: transformers.missing-type
        ? `No \`rope_type\`: transformers ${version} raises \`KeyError\` (missing required key 'rope_type').`
        // ledger: transformers.missing-type
        : `No \`rope_type\`: transformers ${version} treats the block as \`default\` and **drops the scaling**.`,
    );
    return lines.join('\n\n');
  }
  const summary = ROPE_TYPE_DOCS[type];
  // ledger: transformers.rope-types
  lines.push(summary ? `${mdCode(type)} — ${summary}` : `${mdCode(type)} — not a rope type transformers knows: model init fails with \`KeyError\` unless the model's own code handles it.`);
  if (summary && !features.ropeTypes.includes(type) && type !== 'default') {
    lines.push(`transformers ${version} does not know ${mdCode(type)}.`);
  }
  const ec = contextReach(block, features);
  const { math, problem } = analysis(block, options);
  // One context statement per engine: transformers' reach here, vLLM's derived length beside it when it differs;
  // the per-dimension line below carries no second "effective context".
  const vllm = math?.effectiveContext.vllm ?? null;
  const vllmPart = vllm !== null && vllm !== ec.effective ? ` vLLM derives max_model_len = ${fmt(vllm)}.` : '';
  if (ec.effective !== undefined && ec.original !== undefined && ec.factor !== undefined && type !== 'default') {
    const mpe = block.context.maxPositionEmbeddings?.value;
    // Llama 3.1 declares 131,072 over 8,192 × 8: say so rather than leave two numbers unexplained.
    const declared = typeof mpe === 'number' && mpe !== ec.effective ? ` The config declares max_position_embeddings = ${fmt(mpe)}.` : '';
    // ledger: transformers.yarn-factor-rule, vllm.max-model-len
    lines.push(`Effective context (transformers ${version}): ${fmt(ec.original)} × ${fmt(ec.factor)} = **${fmt(ec.effective)}** tokens (${ec.originalFrom} × factor).${declared}${vllmPart}`);
  } else if (type === 'default' && ec.effective !== undefined) {
    lines.push(`Context: ${fmt(ec.effective)} tokens (max_position_embeddings).`);
  }
  if (ec.notes.length) lines.push(`transformers ${version}: ${ec.notes.join(' ')}`);
  // ledger: transformers.yarn-factor-rule
  else lines.push(`transformers ${version} uses the block as written.`);
  if (math) lines.push(`Per dimension: ${summaryText(math.result, math.dims, { transformers: null, vllm: null, llamaCpp: { ctxSize: null, flags: [] }, notes: [] }, math.versionLabel)}`);
  else if (problem) lines.push(`Per dimension: not computed (${mdText(problem)}).`);
  if (options.transformersSource) lines.push(`_transformers ${version}: ${options.transformersSource}._`);
  return lines.join('\n\n');
}

/** The rope math behind the per-dimension line; `problem` when a dimension is absurd (then nothing is computed). */
function analysis(block: RopeBlock, options: HoverOptions): { math?: RopeAnalysis; problem?: string } {
  try {
    const info = ropeDimInfo(contextNumbers(block), block.params, featuresFor(options.transformersVersion));
    const problem = rotaryDimProblem(info);
    if (problem !== undefined) return { problem };
    if (!Number.isFinite(info.dim) || info.dim < 2) return {};
    const opts = options.transformersVersion !== undefined ? { transformersVersion: options.transformersVersion } : {};
    return { math: analyzeRope(ropeInputOf(block, opts)) };
  } catch {
    return {};
  }
}

/** Hover at an offset: over a block key, a member or a context key of a block. */
export function hoverAt(doc: ParsedDocument, offset: number, options: HoverOptions = {}): HoverResult | undefined {
  // Innermost block first: per-layer blocks sit inside their parent's span.
  const candidates = doc.blocks
    .filter((b) => contains(b.span, offset) || contains(b.keySpan, offset))
    .sort((a, b) => a.span.length - b.span.length);
  const block = candidates[0];
  if (block) {
    const summary = blockSummary(block, options);
    const field = block.fields.find((f) => contains(f.span, offset));
    if (field && !contains(block.keySpan, offset)) {
      const onValue = contains(field.value.span, offset);
      // On the rope type's value the block summary already says what the method does.
      const isType = field.key === 'rope_type' || field.key === 'type';
      const head = isType && onValue ? undefined : describeField(field.key);
      return { markdown: head ? `${head}\n\n---\n\n${summary}` : summary, span: onValue ? field.value.span : field.keySpan };
    }
    return { markdown: summary, span: block.keySpan && contains(block.keySpan, offset) ? block.keySpan : block.span };
  }
  // max_position_embeddings and friends: show which block they feed.
  for (const b of doc.blocks) {
    for (const [name, v] of Object.entries(b.context)) {
      if (v?.span && contains(v.span, offset)) {
        return { markdown: `${mdCode(CONTEXT_KEYS[name] ?? name)} feeds ${mdCode(b.path)}.\n\n---\n\n${blockSummary(b, options)}`, span: v.span };
      }
    }
  }
  return undefined;
}

const CONTEXT_KEYS: Record<string, string> = {
  modelType: 'model_type',
  maxPositionEmbeddings: 'max_position_embeddings',
  ropeTheta: 'rope_theta',
  hiddenSize: 'hidden_size',
  numAttentionHeads: 'num_attention_heads',
  headDim: 'head_dim',
  partialRotaryFactor: 'partial_rotary_factor',
  qkRopeHeadDim: 'qk_rope_head_dim',
  originalMaxPositionEmbeddings: 'original_max_position_embeddings',
  layerTypes: 'layer_types',
  servingContext: 'serving context',
};

function describeField(key: string): string | undefined {
  return KEY_DOCS[key] ? `\`${key}\`: ${KEY_DOCS[key]}` : undefined;
}
