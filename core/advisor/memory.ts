// The hardware row of the advice: the KV cache at the target length for the user's config (2 × layers × kv_heads ×
// head_dim × bytes per element × tokens), and per engine what bounds that memory, as data citing the ledger. When the
// file does not give the model's shape the note becomes a question. Pure: reads the parsed config.json members.
import type { Node } from 'jsonc-parser';
import type { Engine, ParsedDocument, RopeBlock } from '../model';
import { jsonData, nodeValue } from '../parse/json';

/** Per engine: what bounds KV-cache memory at a long context, and the ledger rows it rests on. */
export const MEMORY_BOUNDS: Readonly<Partial<Record<Engine, { text: string; facts: readonly string[] }>>> = {
  vllm: {
    text: 'vLLM refuses to start when one request at --max-model-len does not fit the KV memory --gpu-memory-utilization leaves, and names the longest length that fits; --decode-context-parallel-size N shards the decode KV cache over N ranks of the tensor-parallel group.',
    facts: ['vllm.kv-cache-fit', 'vllm.decode-context-parallel', 'vllm.max-model-len'],
  },
  'llama.cpp': {
    text: 'llama.cpp allocates the cache for the whole -c context; -ctk/-ctv (--cache-type-k/--cache-type-v, default f16) store it in a quantized type such as q8_0 to shrink it.',
    facts: ['llama.cpp.kv-cache-type', 'llama.cpp.rope-flags'],
  },
};

/** Bytes per element of the config's dtype names. */
const DTYPE_BYTES: Readonly<Record<string, number>> = { bfloat16: 2, float16: 2, half: 2, float32: 4, float: 4, float8_e4m3fn: 1, float8_e5m2: 1 };

export interface KvCacheEstimate {
  layers: number;
  kvHeads: number;
  headDim: number;
  bytesPerElement: number;
  /** Where the element size came from ("bfloat16, from torch_dtype" / "assumed 16-bit: the config names no dtype"). */
  dtypeNote: string;
  tokens: number;
  bytes: number;
}

const num = (n: Node | undefined): number | undefined => {
  const v = nodeValue(n?.children?.[1]);
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
};
const str = (n: Node | undefined): string | undefined => {
  const v = nodeValue(n?.children?.[1]);
  return typeof v === 'string' ? v : undefined;
};

/** The config object that holds the block (or the first one with a layer count). */
function configMembers(doc: ParsedDocument, block: RopeBlock | undefined): Map<string, Node> | undefined {
  const data = jsonData(doc);
  if (!data) return undefined;
  const own = block ? data.configs.find((c) => c.path === block.containerPath) : undefined;
  return (own ?? data.configs.find((c) => c.members.has('num_hidden_layers')) ?? data.configs[0])?.members;
}

export type KvShape = { ok: true; estimate: KvCacheEstimate; caveats: string[] } | { ok: false; missing: string[]; caveats: string[] };

/** The KV cache of one sequence of `tokens` for the config, or what the config lacks to compute it. */
export function kvCacheEstimate(doc: ParsedDocument, block: RopeBlock | undefined, tokens: number): KvShape | undefined {
  const m = configMembers(doc, block);
  if (!m) return undefined;
  const caveats: string[] = [];
  const layers = num(m.get('num_hidden_layers')) ?? num(m.get('n_layer')) ?? num(m.get('num_layers'));
  const heads = num(m.get('num_attention_heads')) ?? num(m.get('n_head'));
  const kvHeads = num(m.get('num_key_value_heads')) ?? heads;
  const hidden = num(m.get('hidden_size')) ?? num(m.get('n_embd'));
  const headDim = num(m.get('head_dim')) ?? (hidden !== undefined && heads !== undefined ? hidden / heads : undefined);
  if (m.has('kv_lora_rank')) {
    // Multi-head latent attention caches a compressed latent per token, not K and V per head.
    caveats.push('This config uses multi-head latent attention (kv_lora_rank): its cache holds a compressed latent per token, so the per-head formula overstates it.');
  }
  const window = num(m.get('sliding_window'));
  if (window !== undefined && window < tokens && nodeValue(m.get('use_sliding_window')?.children?.[1]) !== false) {
    caveats.push(`The config sets sliding_window = ${window}: the figure assumes every layer keeps all ${tokens.toLocaleString('en-US')} tokens, an upper bound for layers that attend to a window only.`);
  }
  const missing: string[] = [];
  if (layers === undefined) missing.push('num_hidden_layers');
  if (kvHeads === undefined) missing.push('num_key_value_heads / num_attention_heads');
  if (headDim === undefined) missing.push('head_dim (or hidden_size)');
  if (missing.length) return { ok: false, missing, caveats };
  const dtypeKey = m.has('torch_dtype') ? 'torch_dtype' : m.has('dtype') ? 'dtype' : undefined;
  const dtype = dtypeKey ? str(m.get(dtypeKey)) : undefined;
  const known = dtype !== undefined ? DTYPE_BYTES[dtype] : undefined;
  const bytesPerElement = known ?? 2;
  const dtypeNote = known !== undefined ? `${dtype}, from ${dtypeKey}` : dtype !== undefined ? `assumed 16-bit: ${dtypeKey} "${dtype}" is not a size RoPE Lens knows` : 'assumed 16-bit: the config names no dtype';
  const bytes = 2 * layers! * kvHeads! * headDim! * bytesPerElement * tokens;
  return { ok: true, estimate: { layers: layers!, kvHeads: kvHeads!, headDim: headDim!, bytesPerElement, dtypeNote, tokens, bytes }, caveats };
}

function gib(bytes: number): string {
  const g = bytes / 2 ** 30;
  return g >= 100 ? `${Math.round(g)} GiB` : g >= 1 ? `${g.toFixed(1)} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`;
}

/** What bounds memory regardless of the engine (no engine named: these are properties of models and attention). */
const GENERAL =
  'ALiBi models (BLOOM, MPT) run past their training length without rope scaling, which saves training at the long length, not serving memory: their cache grows by the same formula.';

/**
 * The hardware note: the KV cache at `target` (and at the trained length) with the formula and the dtype assumed,
 * what bounds it on `engine`, and the ledger rows cited; a question when the file lacks the model's shape. Undefined
 * for files with no config (command lines without a model config).
 */
export function memoryNote(doc: ParsedDocument, block: RopeBlock | undefined, target: number, original: number, engine: Engine): { text: string; facts: string[] } | undefined {
  const shape = kvCacheEstimate(doc, block, target);
  const bound = MEMORY_BOUNDS[engine];
  const tail = [bound?.text, GENERAL].filter(Boolean).join(' ');
  const facts = [...(bound?.facts ?? [])];
  if (!shape) return undefined;
  if (!shape.ok) {
    return {
      text: `Memory at ${target.toLocaleString('en-US')} tokens: the KV cache grows linearly with length (2 × layers × kv_heads × head_dim × bytes per element × tokens), and this config does not give ${shape.missing.join(', ')}: will it fit your GPUs? ${tail}`,
      facts,
    };
  }
  const e = shape.estimate;
  const at = (t: number): string => gib((e.bytes / e.tokens) * t);
  const text =
    `Memory: the KV cache of one ${target.toLocaleString('en-US')}-token sequence is 2 × ${e.layers} layers × ${e.kvHeads} KV heads × ${e.headDim} head_dim × ` +
    `${e.bytesPerElement} bytes (${e.dtypeNote}) × ${target.toLocaleString('en-US')} tokens = ${gib(e.bytes)} ` +
    `(${at(original)} at the trained ${original.toLocaleString('en-US')}), on top of the weights, per concurrent sequence. ${[...shape.caveats, tail].join(' ')}`;
  return { text, facts };
}
