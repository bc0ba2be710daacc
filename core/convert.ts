// "Copy rope block as…": the same scaling written for transformers v4/v5, vLLM, SGLang, llama.cpp and TGI
// (conversion table in ../shared/research/other-frameworks.md: --rope-scale = factor = 1/--rope-freq-scale,
// --yarn-orig-ctx = original_max_position_embeddings, --rope-freq-base = rope_theta).
import type { RopeBlock } from './model';
import { num } from './numbers';
import { jsonLiteral } from './fixes/json-writer';

export type ConvertTarget = 'transformers-v4' | 'transformers-v5' | 'vllm' | 'sglang' | 'llama.cpp' | 'tgi';
export const CONVERT_TARGETS: readonly ConvertTarget[] = ['transformers-v4', 'transformers-v5', 'vllm', 'sglang', 'llama.cpp', 'tgi'];

export const TARGET_LABELS: Record<ConvertTarget, string> = {
  'transformers-v4': 'transformers 4.x config.json (rope_scaling)',
  'transformers-v5': 'transformers 5 config.json (rope_parameters)',
  vllm: 'vLLM command line',
  sglang: 'SGLang command line',
  'llama.cpp': 'llama.cpp command line',
  tgi: 'TGI launcher',
};

/** What a conversion reads of a block: its parameters and the model facts around it. */
export type BlockFacts = Pick<RopeBlock, 'params' | 'context'>;

export interface Conversion {
  target: ConvertTarget;
  /** What to paste; empty when the target has no way to say it. */
  text: string;
  /** Command-line targets: the flags as argument words (unquoted), `text` being them quoted for a shell. */
  words?: string[];
  /** False when the target can only approximate the block (or not express it). */
  exact: boolean;
  notes: string[];
}


/** The block's parameters with one type key (rope_type) and without the v5-only rope_theta. */
export function normalisedParams(block: Pick<RopeBlock, 'params'>): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  const type = block.params['rope_type'] ?? block.params['type'];
  if (type !== undefined) p['rope_type'] = type === 'su' ? 'longrope' : type;
  for (const [k, v] of Object.entries(block.params)) if (k !== 'type' && k !== 'rope_type' && k !== 'rope_theta') p[k] = v;
  return p;
}

function jsonOneLine(o: Record<string, unknown>): string {
  return `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${jsonLiteral(v, k)}`).join(', ')}}`;
}

function shellQuote(s: string): string {
  return s.includes("'") ? JSON.stringify(s) : `'${s}'`;
}

/** A word as a shell reads it back: plain words stay bare, JSON and anything with shell syntax is quoted. */
function shellWord(w: string): string {
  return /^[A-Za-z0-9._/:=,+-]+$/.test(w) ? w : shellQuote(w);
}

function thetaOf(block: BlockFacts): number | undefined {
  return num(block.params['rope_theta']) ?? num(block.context.ropeTheta?.value);
}

/** The context the scaled model serves: yarn omp × factor; linear/dynamic mpe × factor; llama3/longrope mpe. */
export function servedLength(block: BlockFacts): number | undefined {
  const p = normalisedParams(block);
  const factor = num(p['factor']);
  const omp = num(p['original_max_position_embeddings']) ?? num(block.context.originalMaxPositionEmbeddings?.value);
  const mpe = num(block.context.maxPositionEmbeddings?.value);
  const type = p['rope_type'];
  if (type === 'llama3' || type === 'longrope') return mpe;
  if (factor === undefined) return mpe;
  if (type === 'yarn') return omp !== undefined ? Math.round(omp * factor) : undefined;
  return mpe !== undefined ? Math.round(mpe * factor) : undefined;
}

export function convertBlock(block: BlockFacts, target: ConvertTarget): Conversion {
  const p = normalisedParams(block);
  const type = typeof p['rope_type'] === 'string' ? (p['rope_type'] as string) : undefined;
  const factor = num(p['factor']);
  const omp = num(p['original_max_position_embeddings']);
  const theta = thetaOf(block);
  const length = servedLength(block);
  const notes: string[] = [];
  const out = (text: string, exact = true): Conversion => ({ target, text, exact, notes });
  const flags = (words: string[], exact = true): Conversion => ({ ...out(words.map(shellWord).join(' '), exact), words });
  switch (target) {
    case 'transformers-v4': {
      const lines = [`"rope_scaling": ${jsonOneLine(p)}`];
      if (theta !== undefined) lines.push(`"rope_theta": ${jsonLiteral(theta, 'rope_theta')}`);
      if (type === 'yarn' && length !== undefined) lines.push(`"max_position_embeddings": ${length}`);
      return out(lines.join(',\n'));
    }
    case 'transformers-v5': {
      const v5: Record<string, unknown> = { ...p };
      if (theta !== undefined) v5['rope_theta'] = theta;
      const lines = [`"rope_parameters": ${jsonOneLine(v5)}`];
      if (type === 'yarn' && length !== undefined) lines.push(`"max_position_embeddings": ${length}`);
      return out(lines.join(',\n'));
    }
    case 'vllm':
    case 'sglang': {
      const words: string[] = [];
      const overrides: Record<string, unknown> = { rope_scaling: p };
      if (target === 'vllm') {
        words.push('--hf-overrides', JSON.stringify(overrides));
        if (theta !== undefined && block.context.ropeTheta?.source !== 'known-model') words.push('--rope-theta', String(theta));
        if (length !== undefined) words.push('--max-model-len', String(length));
        if (type === 'yarn') notes.push('vLLM applies YaRN statically (every length).'); // ledger: vllm.static-scaling
      } else {
        // ledger: sglang.context-length, sglang.override-replaces — SGLang keeps max_position_embeddings as the
        // context for a block with original_max_position_embeddings, so the override raises it too.
        if (type === 'yarn' && omp !== undefined && length !== undefined) overrides['max_position_embeddings'] = length;
        words.push('--json-model-override-args', JSON.stringify(overrides));
        if (length !== undefined) words.push('--context-length', String(length));
      }
      return flags(words);
    }
    case 'llama.cpp': {
      const words: string[] = [];
      let exact = true;
      if (type === 'linear' || type === 'yarn') {
        words.push('--rope-scaling', type);
        if (factor !== undefined) words.push('--rope-scale', String(factor));
        if (type === 'yarn') {
          if (omp !== undefined) words.push('--yarn-orig-ctx', String(omp));
          const bf = num(p['beta_fast']);
          const bs = num(p['beta_slow']);
          if (bf !== undefined && bf !== 32) words.push('--yarn-beta-fast', String(bf));
          if (bs !== undefined && bs !== 1) words.push('--yarn-beta-slow', String(bs));
          if (p['attention_factor'] !== undefined || p['mscale'] !== undefined) {
            notes.push('attention_factor/mscale have no exact llama.cpp flag (ggml applies 0.1·ln(1/freq_scale)+1 itself).'); // ledger: llama.cpp.yarn-mscale
            exact = false;
          }
        }
      } else if (type === 'dynamic') {
        notes.push('llama.cpp has no dynamic NTK; an approximation raises --rope-freq-base to θ·factor^(d/(d-2)).'); // ledger: llama.cpp.baked-factors
        return out('', false);
      } else if (type === 'llama3' || type === 'longrope') {
        notes.push(`${type} factors are baked into the GGUF at conversion (convert_hf_to_gguf.py); no flags are needed.`); // ledger: llama.cpp.baked-factors
        return out('', false);
      } else if (type !== undefined && type !== 'default') {
        notes.push(`llama.cpp has no rope type ${type}.`); // ledger: llama.cpp.rope-flags
        return out('', false);
      }
      if (theta !== undefined && block.context.ropeTheta?.source !== 'known-model') words.push('--rope-freq-base', String(theta));
      if (length !== undefined && type !== undefined && type !== 'default') words.push('-c', String(length));
      return flags(words, exact);
    }
    case 'tgi': {
      // ledger: tgi.launcher-rope-flag, tgi.config-rope-types
      if (type === 'linear' || type === 'dynamic') {
        return flags(['--rope-scaling', type, ...(factor !== undefined ? ['--rope-factor', String(factor)] : [])]);
      }
      notes.push(`TGI's launcher --rope-scaling takes linear or dynamic only; the server reads ${type ?? 'this block'} from config.json, so write the block there.`); // ledger: tgi.launcher-rope-flag, tgi.config-rope-types
      return out('', false);
    }
    default:
      return out('', false);
  }
}

export function convertAll(block: RopeBlock): Conversion[] {
  return CONVERT_TARGETS.map((t) => convertBlock(block, t));
}
