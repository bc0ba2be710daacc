// Models whose positions are not rotary: ALiBi (BLOOM, MPT with attn_config.alibi, Falcon with alibi: true,
// Baichuan-13B) and learned absolute positions (GPT-2, OPT). A rope block in their config does nothing; their length
// limit and what extends it are different from RoPE's. Pure: reads the parsed config.json members.
import type { Node } from 'jsonc-parser';
import type { ParsedDocument, Span } from './model';
import { jsonData, nodeValue } from './parse/json';

export type PositionKind = 'alibi' | 'learned';

export interface NonRopeModel {
  kind: PositionKind;
  /** Family as people name it ("BLOOM", "MPT", ...). */
  family: string;
  /** The config key that holds the trained / allowed length, and its value, when the config has one. */
  limitKey?: string;
  limit?: number;
  /** Where to point a finding: the key that says "no RoPE" (alibi flag, model_type). */
  span: Span;
  /** Rope blocks (rope_scaling / rope_parameters) in the same config: the model ignores them. */
  ropeKeys: { key: string; span: Span }[];
  /** JSON pointer of the config object. */
  path: string;
  /** Ledger rows the statements about this family rest on. */
  facts: string[];
}

const str = (n: Node | undefined): string | undefined => {
  const v = nodeValue(n?.children?.[1]);
  return typeof v === 'string' ? v : undefined;
};
const val = (n: Node | undefined): unknown => nodeValue(n?.children?.[1]);
const keySpan = (n: Node): Span => ({ offset: n.children![0]!.offset, length: n.children![0]!.length });
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Recognises the non-RoPE families in one config object (members by key). */
function classify(members: Map<string, Node>): Omit<NonRopeModel, 'ropeKeys' | 'path'> | undefined {
  const mt = str(members.get('model_type'))?.toLowerCase();
  const at = members.get('model_type');
  const arch = JSON.stringify(val(members.get('architectures')) ?? '');
  const anchor = (n: Node | undefined): Span | undefined => (n ? keySpan(n) : undefined);
  const first = members.values().next().value as Node | undefined;
  const fallback = anchor(at) ?? anchor(first) ?? { offset: 0, length: 1 };
  if (mt === 'bloom' || arch.includes('BloomForCausalLM')) {
    const l = num(val(members.get('seq_length')));
    return { kind: 'alibi', family: 'BLOOM', ...(l !== undefined ? { limitKey: 'seq_length', limit: l } : {}), span: fallback, facts: ['transformers.alibi-models', 'vllm.default-len'] };
  }
  if (mt === 'mpt' || arch.includes('MPTForCausalLM') || arch.includes('MptForCausalLM')) {
    const ac = members.get('attn_config')?.children?.[1];
    const acv = nodeValue(ac) as Record<string, unknown> | undefined;
    if (acv && acv['alibi'] === true) {
      const alibiNode = ac?.children?.find((p) => p.children?.[0]?.value === 'alibi');
      const l = num(val(members.get('max_seq_len')));
      return { kind: 'alibi', family: 'MPT', ...(l !== undefined ? { limitKey: 'max_seq_len', limit: l } : {}), span: anchor(alibiNode) ?? fallback, facts: ['transformers.alibi-models'] };
    }
    return undefined;
  }
  if (mt === 'falcon' || mt === 'refinedweb' || mt === 'refinedwebmodel' || arch.includes('FalconForCausalLM') || arch.includes('RWForCausalLM')) {
    if (val(members.get('alibi')) === true) {
      const l = num(val(members.get('max_position_embeddings')));
      return { kind: 'alibi', family: 'Falcon (alibi: true)', ...(l !== undefined ? { limitKey: 'max_position_embeddings', limit: l } : {}), span: anchor(members.get('alibi')) ?? fallback, facts: ['transformers.alibi-models'] };
    }
    return undefined;
  }
  // Baichuan-13B (and Baichuan2-13B) use ALiBi; the 7B models use RoPE. The 13B configs are the ones with hidden_size 5120.
  if ((mt === 'baichuan' || arch.includes('BaichuanForCausalLM')) && num(val(members.get('hidden_size'))) === 5120) {
    const l = num(val(members.get('model_max_length'))) ?? num(val(members.get('max_position_embeddings')));
    const k = members.has('model_max_length') ? 'model_max_length' : 'max_position_embeddings';
    return { kind: 'alibi', family: 'Baichuan-13B', ...(l !== undefined ? { limitKey: k, limit: l } : {}), span: fallback, facts: ['transformers.alibi-models'] };
  }
  if (mt === 'gpt2' || arch.includes('GPT2LMHeadModel')) {
    const l = num(val(members.get('n_positions')));
    return { kind: 'learned', family: 'GPT-2', ...(l !== undefined ? { limitKey: 'n_positions', limit: l } : {}), span: fallback, facts: ['transformers.learned-positions', 'vllm.max-model-len'] };
  }
  if (mt === 'opt' || arch.includes('OPTForCausalLM')) {
    const l = num(val(members.get('max_position_embeddings')));
    return { kind: 'learned', family: 'OPT', ...(l !== undefined ? { limitKey: 'max_position_embeddings', limit: l } : {}), span: fallback, facts: ['transformers.learned-positions', 'vllm.max-model-len'] };
  }
  return undefined;
}

/** The non-RoPE model a config.json describes (its root or a sub-config), or undefined for RoPE models. */
export function nonRopeModel(doc: ParsedDocument): NonRopeModel | undefined {
  const data = jsonData(doc);
  if (!data) return undefined;
  for (const c of data.configs) {
    const m = classify(c.members);
    if (!m) continue;
    const ropeKeys: NonRopeModel['ropeKeys'] = [];
    for (const k of ['rope_scaling', 'rope_parameters']) {
      const n = c.members.get(k);
      if (n && val(n) !== null) ropeKeys.push({ key: k, span: keySpan(n) });
    }
    return { ...m, ropeKeys, path: c.path };
  }
  return undefined;
}

/** What limits the length and what extends it, in one paragraph (the information finding and `suggest`). */
export function lengthAdvice(m: NonRopeModel, target?: number): string {
  const lim = m.limit !== undefined ? `${m.limitKey} = ${m.limit}` : undefined;
  const asked = target !== undefined ? ` To reach ${target.toLocaleString('en-US')} tokens:` : '';
  const cap = (t: string): string => (asked ? t : t[0]!.toUpperCase() + t.slice(1));
  if (m.kind === 'alibi') {
    // ledger: transformers.alibi-models, vllm.default-len
    const limitText = m.family === 'MPT'
      ? `transformers builds MPT's ALiBi biases for ${lim ?? 'max_seq_len'} positions, so raise max_seq_len to the length you need`
      : m.family === 'BLOOM'
        // ledger: transformers.alibi-models, vllm.default-len
        ? 'BLOOM\'s config has no length key: transformers builds the ALiBi biases for the input length, and vLLM assumes 2048 when a config has no length key, so pass the length explicitly (--max-model-len)'
        : `raise ${lim ? m.limitKey : 'the length limit'} (${lim ?? 'not set in this config'}) or the engine's context flag to the length you need`;
    return `${m.family} uses ALiBi (linear attention biases), not RoPE: there is no rotary frequency to scale, and no rope scaling method applies.${asked} ${cap(limitText)}; past the trained length quality degrades gradually instead of failing, and fine-tuning at the longer length recovers it.`;
  }
  return `${m.family} uses learned absolute position embeddings (${lim ?? 'a fixed table'}): positions past the table do not exist, so the length cannot be extended by configuration or rope scaling.${asked} ${cap('use a model with rotary or ALiBi positions, or train new position embeddings (not a config change).')}`;
}
