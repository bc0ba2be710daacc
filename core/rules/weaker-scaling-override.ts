// A rope block that replaces a known model's own scaling with a weaker one, or drops it: e.g. SGLang's
// --json-model-override-args '{"rope_scaling": {"rope_type": "linear", "factor": 2.0}}' on Llama-3.1-8B-Instruct
// (own scaling: llama3, factor 8 from 8192 → 131072) serves about 16K positions well instead of 128K.
import type { Finding, Rule } from './types';
import type { ParsedDocument, RopeBlock } from '../model';
import { ropeTypeOf } from '../model';
import { knownModel } from '../known-models';
import { catalogueByShape, trainedContext } from '../catalogue/match';
import { jsonData, nodeValue } from '../parse/json';
import { fix, make } from './util';

interface OwnScaling {
  name: string;
  rope: Record<string, unknown>;
  /** The context the model serves with its own scaling. */
  native: number;
  /** Its pre-scaling context. */
  trained: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function ownScaling(m: { ids: string[]; rope?: Record<string, unknown>; maxPositionEmbeddings?: number; originalMaxPositionEmbeddings?: number } | undefined): OwnScaling | undefined {
  if (!m?.rope) return undefined;
  const trained = trainedContext(m);
  const native = m.maxPositionEmbeddings;
  if (trained === undefined || native === undefined || native <= trained) return undefined;
  return { name: m.ids[0]!, rope: m.rope, native, trained };
}

/** The model a block belongs to: its model id (flags, scripts, `_name_or_path`), else the config's shape. */
function modelOf(doc: ParsedDocument, block: RopeBlock): OwnScaling | undefined {
  const id = block.context.modelId?.value;
  if (typeof id === 'string') {
    const k = knownModel(id);
    const own = k ? ownScaling(k) : undefined;
    if (own) return { ...own, name: id };
  }
  const cfg = jsonData(doc)?.configs.find((c) => c.path === block.containerPath);
  if (!cfg) return undefined;
  const v = (...keys: string[]): unknown => {
    for (const k of keys) {
      const n = cfg.members.get(k);
      if (n) return nodeValue(n.children?.[1]);
    }
    return undefined;
  };
  return ownScaling(catalogueByShape({
    modelType: v('model_type'), hiddenSize: v('hidden_size', 'n_embd'), numAttentionHeads: v('num_attention_heads', 'n_head'),
    numHiddenLayers: v('num_hidden_layers', 'n_layer'), vocabSize: v('vocab_size'), maxPositionEmbeddings: v('max_position_embeddings', 'n_positions'),
  }));
}

/** About how far the block's scaling reaches on this model (the trained context × its factor). */
function reach(block: RopeBlock, own: OwnScaling): number {
  const type = ropeTypeOf(block) ?? 'default';
  const f = num(block.params['factor']) ?? 1;
  const omp = num(block.params['original_max_position_embeddings']);
  switch (type) {
    case 'llama3':
    case 'yarn':
      return Math.round((omp ?? own.trained) * f);
    case 'linear':
    case 'dynamic':
      return Math.round(own.trained * f);
    case 'longrope':
    case 'su':
      return own.native;
    default:
      return own.trained;
  }
}

const same = (a: Record<string, unknown>, b: Record<string, unknown>): boolean => {
  const norm = (o: Record<string, unknown>) => JSON.stringify(Object.entries(o).map(([k, v]) => [k === 'type' ? 'rope_type' : k, v]).sort());
  return norm(a) === norm(b);
};

export const rule: Rule = {
  id: 'weaker-scaling-override',
  defaultSeverity: 'warning',
  docs: {
    summary: 'A rope block replaces a known model\'s own scaling (llama3, YaRN, LongRoPE) with a weaker one, or with none: the context the model was released with is lost.',
    why: 'Overrides replace the whole block: SGLang applies --json-model-override-args with config.update(), so `{"rope_scaling": {"rope_type": "linear", "factor": 2.0}}` on Llama-3.1-8B-Instruct drops its llama3 scaling (factor 8 from 8192) and linear ×2 serves about 16K positions well instead of 131072. The model is recognised by its id (flags, scripts) or, in a bare config.json, by its shape (model type, sizes, vocabulary and length).',
    frameworks: 'SGLang: --json-model-override-args replaces top-level keys whole (config.update). transformers reads only the block as written.',
    fix: 'Drop the override (the model\'s own block already reaches its released context), or write the model\'s own block (the quick fix).',
  },
  check(block, ctx) {
    const own = modelOf(ctx.doc, block);
    if (!own || same(block.params, own.rope)) return [];
    const r = reach(block, own);
    if (r >= own.native) return [];
    const t = ropeTypeOf(block) ?? 'no rope type';
    const f = num(block.params['factor']);
    const ownType = String(own.rope['rope_type'] ?? own.rope['type']);
    const ownF = num(own.rope['factor']);
    const span = block.keySpan ?? block.span;
    const restore = ctx.writer.replaceBlock(ctx.doc, block, own.rope);
    return [make(this, block, span,
      `This block replaces ${own.name}'s own ${ownType} scaling (${ownF !== undefined ? `factor ${ownF} ` : ''}from ${own.trained} → ${own.native}) with ${t}${f !== undefined ? ` ×${f}` : ''}, which reaches about ${r}: the model's ${own.native}-token context is lost.${block.engine === 'sglang' ? ' SGLang replaces the whole rope_scaling with the override.' : ''}`,
      undefined, [fix(`Use ${own.name}'s own ${ownType} block`, restore, true)])];
  },
  checkDocument(ctx) {
    // `"rope_scaling": null` in a config whose shape is a model with its own scaling: the scaling is dropped.
    const out: Finding[] = [];
    for (const c of jsonData(ctx.doc)?.configs ?? []) {
      const rs = c.members.get('rope_scaling');
      if (!rs || nodeValue(rs.children?.[1]) !== null || c.members.has('rope_parameters')) continue;
      const v = (...keys: string[]): unknown => {
        for (const k of keys) {
          const n = c.members.get(k);
          if (n) return nodeValue(n.children?.[1]);
        }
        return undefined;
      };
      const own = ownScaling(catalogueByShape({
        modelType: v('model_type'), hiddenSize: v('hidden_size', 'n_embd'), numAttentionHeads: v('num_attention_heads', 'n_head'),
        numHiddenLayers: v('num_hidden_layers', 'n_layer'), vocabSize: v('vocab_size'), maxPositionEmbeddings: v('max_position_embeddings', 'n_positions'),
      }));
      if (!own) continue;
      const k = rs.children![0]!;
      out.push(make(this, undefined, { offset: k.offset, length: k.length },
        `rope_scaling is null, but this config has the shape of ${own.name}, released with ${String(own.rope['rope_type'] ?? own.rope['type'])} scaling (${own.trained} → ${own.native}): without it only the trained ${own.trained} positions work.`));
    }
    return out;
  },
};
