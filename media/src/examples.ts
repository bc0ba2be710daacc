// Example blocks the view offers when the active editor has none: real published configs (values as shipped).
import type { ContextValue, ModelContext } from '../../core/model';
import type { BlockInfo } from './protocol';

const v = (value: unknown): ContextValue => ({ value, source: 'file', isInteger: Number.isInteger(value) });

function example(label: string, params: Record<string, unknown>, ctx: Partial<Record<keyof ModelContext, unknown>>): BlockInfo {
  const context: ModelContext = {};
  for (const [k, val] of Object.entries(ctx)) (context as Record<string, ContextValue>)[k] = v(val);
  return { label, dialect: 'json', path: '/rope_scaling', api: 'v4', key: 'rope_scaling', params, context };
}

export const EXAMPLES: Array<{ id: string; block: BlockInfo }> = [
  {
    id: 'llama31',
    block: example(
      'Llama 3.1 8B · llama3 ×8',
      { rope_type: 'llama3', factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192 },
      { modelType: 'llama', maxPositionEmbeddings: 131072, ropeTheta: 500000.0, hiddenSize: 4096, numAttentionHeads: 32, headDim: 128 },
    ),
  },
  {
    id: 'qwen25-yarn',
    block: example(
      'Qwen2.5 7B Instruct · YaRN ×4',
      { type: 'yarn', factor: 4.0, original_max_position_embeddings: 32768 },
      { modelType: 'qwen2', maxPositionEmbeddings: 32768, ropeTheta: 1000000.0, hiddenSize: 3584, numAttentionHeads: 28 },
    ),
  },
  {
    id: 'vicuna-linear',
    block: example(
      'Vicuna 7B v1.5 16k · linear ×4',
      { type: 'linear', factor: 4.0 },
      { modelType: 'llama', maxPositionEmbeddings: 4096, ropeTheta: 10000.0, hiddenSize: 4096, numAttentionHeads: 32 },
    ),
  },
];
