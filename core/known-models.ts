// Config facts of well-known models (../shared/research/fixtures), so a script or a launch command that names
// one ("meta-llama/Llama-3.1-8B") is analysed as fully as the model's own config.json.
// Llama-2: the fixture is the first HF upload (2048); the current HF config says 4096, used here.
// Qwen2.5-7B-Instruct: its config has no rope block; the README's YaRN snippet is what users paste in.
import type { ContextValue, ModelContext } from './model';
import { catalogueById } from './catalogue/match';
import type { CatalogueEntry } from './catalogue/types';

/** A model's facts: the catalogue's fields (core/catalogue/types.ts), from a research fixture or the catalogue. */
export type KnownModel = Pick<
  CatalogueEntry,
  'ids' | 'modelType' | 'maxPositionEmbeddings' | 'ropeTheta' | 'hiddenSize' | 'numAttentionHeads' | 'headDim'
  | 'partialRotaryFactor' | 'qkRopeHeadDim' | 'originalMaxPositionEmbeddings' | 'rope'
> & Partial<Pick<CatalogueEntry, 'source' | 'positions'>> & {
  /** The research fixture the facts come from (curated entries). */
  fixture?: string;
};

export const KNOWN_MODELS: readonly KnownModel[] = [
  {ids: ["codellama/CodeLlama-7b-hf"], fixture: "codellama-7b-hf.json", modelType: "llama", maxPositionEmbeddings: 16384, ropeTheta: 1000000, hiddenSize: 4096, numAttentionHeads: 32},
  {ids: ["deepseek-ai/DeepSeek-V2-Lite", "deepseek-ai/DeepSeek-V2-Lite-Chat"], fixture: "deepseek-v2-lite.json", modelType: "deepseek_v2", maxPositionEmbeddings: 163840, ropeTheta: 10000, hiddenSize: 2048, numAttentionHeads: 16, qkRopeHeadDim: 64, rope: {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 0.707, "mscale_all_dim": 0.707, "original_max_position_embeddings": 4096, "type": "yarn"}},
  {ids: ["deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-V3-Base"], fixture: "deepseek-v3.json", maxPositionEmbeddings: 163840, ropeTheta: 10000, qkRopeHeadDim: 64, rope: {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 1.0, "mscale_all_dim": 1.0, "original_max_position_embeddings": 4096, "type": "yarn"}},
  {ids: ["google/gemma-3-4b-it", "google/gemma-3-12b-it", "google/gemma-3-27b-it"], fixture: "gemma-3-4b-it.json", maxPositionEmbeddings: 131072, ropeTheta: 1000000.0, headDim: 256, rope: {"factor": 8.0, "rope_type": "linear"}},
  {ids: ["openai/gpt-oss-20b"], fixture: "gpt-oss-20b.json", maxPositionEmbeddings: 131072, ropeTheta: 150000, numAttentionHeads: 64, headDim: 64, rope: {"beta_fast": 32.0, "beta_slow": 1.0, "factor": 32.0, "original_max_position_embeddings": 4096, "rope_type": "yarn", "truncate": false}},
  {ids: ["meta-llama/Llama-2-13b-hf", "meta-llama/Llama-2-13b-chat-hf"], fixture: "llama-2-13b-hf.json", modelType: "llama", maxPositionEmbeddings: 4096, hiddenSize: 5120, numAttentionHeads: 40, ropeTheta: 10000.0},
  {ids: ["meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-chat-hf"], fixture: "llama-2-7b-hf.json", modelType: "llama", maxPositionEmbeddings: 4096, hiddenSize: 4096, numAttentionHeads: 32, ropeTheta: 10000.0},
  {ids: ["meta-llama/Llama-3.1-70B", "meta-llama/Llama-3.1-70B-Instruct", "meta-llama/Meta-Llama-3.1-70B", "meta-llama/Meta-Llama-3.1-70B-Instruct"], fixture: "llama-3.1-70b.json", modelType: "llama", maxPositionEmbeddings: 131072, ropeTheta: 500000.0, hiddenSize: 8192, numAttentionHeads: 64, rope: {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}},
  {ids: ["meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Meta-Llama-3.1-8B", "meta-llama/Meta-Llama-3.1-8B-Instruct"], fixture: "llama-3.1-8b.json", modelType: "llama", maxPositionEmbeddings: 131072, ropeTheta: 500000.0, hiddenSize: 4096, numAttentionHeads: 32, rope: {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}},
  {ids: ["meta-llama/Llama-3.2-1B", "meta-llama/Llama-3.2-1B-Instruct"], fixture: "llama-3.2-1b.json", modelType: "llama", maxPositionEmbeddings: 131072, ropeTheta: 500000.0, hiddenSize: 2048, numAttentionHeads: 32, headDim: 64, rope: {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}},
  {ids: ["meta-llama/Llama-3.2-3B", "meta-llama/Llama-3.2-3B-Instruct"], fixture: "llama-3.2-3b.json", modelType: "llama", maxPositionEmbeddings: 131072, ropeTheta: 500000.0, hiddenSize: 3072, numAttentionHeads: 24, headDim: 128, rope: {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}},
  {ids: ["mistralai/Mistral-7B-v0.1"], fixture: "mistral-7b-v0.1.json", modelType: "mistral", maxPositionEmbeddings: 32768, ropeTheta: 10000.0, hiddenSize: 4096, numAttentionHeads: 32},
  {ids: ["mistralai/Mistral-7B-v0.3", "mistralai/Mistral-7B-Instruct-v0.3"], fixture: "mistral-7b-v0.3.json", modelType: "mistral", maxPositionEmbeddings: 32768, ropeTheta: 1000000.0, hiddenSize: 4096, numAttentionHeads: 32},
  {ids: ["microsoft/Phi-3.5-mini-instruct"], fixture: "phi-3.5-mini-instruct.json", modelType: "phi3", maxPositionEmbeddings: 131072, ropeTheta: 10000.0, hiddenSize: 3072, numAttentionHeads: 32, originalMaxPositionEmbeddings: 4096, rope: {"long_factor": [1.0800000429153442, 1.1100000143051147, 1.1399999856948853, 1.340000033378601, 1.5899999141693115, 1.600000023841858, 1.6200000047683716, 2.620000123977661, 3.2300000190734863, 3.2300000190734863, 4.789999961853027, 7.400000095367432, 7.700000286102295, 9.09000015258789, 12.199999809265137, 17.670000076293945, 24.46000099182129, 28.57000160217285, 30.420001983642578, 30.840002059936523, 32.590003967285156, 32.93000411987305, 42.320003509521484, 44.96000289916992, 50.340003967285156, 50.45000457763672, 57.55000305175781, 57.93000411987305, 58.21000289916992, 60.1400032043457, 62.61000442504883, 62.62000274658203, 62.71000289916992, 63.1400032043457, 63.1400032043457, 63.77000427246094, 63.93000411987305, 63.96000289916992, 63.970001220703125, 64.02999877929688, 64.06999969482422, 64.08000183105469, 64.12000274658203, 64.41000366210938, 64.4800033569336, 64.51000213623047, 64.52999877929688, 64.83999633789062], "short_factor": [1.0, 1.0199999809265137, 1.0299999713897705, 1.0299999713897705, 1.0499999523162842, 1.0499999523162842, 1.0499999523162842, 1.0499999523162842, 1.0499999523162842, 1.0699999332427979, 1.0999999046325684, 1.1099998950958252, 1.1599998474121094, 1.1599998474121094, 1.1699998378753662, 1.2899998426437378, 1.339999794960022, 1.679999828338623, 1.7899998426437378, 1.8199998140335083, 1.8499997854232788, 1.8799997568130493, 1.9099997282028198, 1.9399996995925903, 1.9899996519088745, 2.0199997425079346, 2.0199997425079346, 2.0199997425079346, 2.0199997425079346, 2.0199997425079346, 2.0199997425079346, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0799996852874756, 2.0899996757507324, 2.189999580383301, 2.2199995517730713, 2.5899994373321533, 2.729999542236328, 2.749999523162842, 2.8399994373321533], "type": "longrope"}},
  {ids: ["microsoft/Phi-3.5-vision-instruct"], fixture: "phi-3.5-vision-instruct.json", modelType: "phi3_v", maxPositionEmbeddings: 131072, ropeTheta: 10000.0, hiddenSize: 3072, numAttentionHeads: 32, originalMaxPositionEmbeddings: 4096, rope: {"long_factor": [1.0800000429153442, 1.1100000143051147, 1.1399999856948853, 1.340000033378601, 1.5899999141693115, 1.600000023841858, 1.6200000047683716, 2.620000123977661, 3.2300000190734863, 3.2300000190734863, 4.789999961853027, 7.400000095367432, 7.700000286102295, 9.09000015258789, 12.199999809265137, 17.670000076293945, 24.46000099182129, 28.57000160217285, 30.420001983642578, 30.840002059936523, 32.590003967285156, 32.93000411987305, 42.320003509521484, 44.96000289916992, 50.340003967285156, 50.45000457763672, 57.55000305175781, 57.93000411987305, 58.21000289916992, 60.1400032043457, 62.61000442504883, 62.62000274658203, 62.71000289916992, 63.1400032043457, 63.1400032043457, 63.77000427246094, 63.93000411987305, 63.96000289916992, 63.970001220703125, 64.02999877929688, 64.06999969482422, 64.08000183105469, 64.12000274658203, 64.41000366210938, 64.4800033569336, 64.51000213623047, 64.52999877929688, 64.83999633789062], "short_factor": [1.08, 1.1, 1.1300000000000001, 1.2800000000000002, 1.3100000000000003, 1.4500000000000004, 1.4500000000000004, 1.9500000000000008, 2.030000000000001, 2.4299999999999926, 2.5699999999999896, 2.9499999999999815, 3.729999999999965, 3.869999999999962, 4.189999999999955, 4.43999999999995, 4.6399999999999455, 4.979999999999938, 5.159999999999934, 5.279999999999932, 5.759999999999922, 5.889999999999919, 5.889999999999919, 5.969999999999917, 6.089999999999915, 6.2799999999999105, 6.7699999999999, 6.8899999999998975, 7.109999999999893, 7.129999999999892, 7.179999999999891, 7.289999999999889, 7.339999999999888, 7.559999999999883, 7.619999999999882, 7.69999999999988, 7.879999999999876, 7.879999999999876, 7.879999999999876, 7.939999999999875, 7.949999999999875, 7.979999999999874, 8.19999999999987, 8.439999999999864, 8.469999999999864, 8.589999999999861, 8.809999999999857, 8.999999999999853], "type": "su"}},
  {ids: ["Qwen/Qwen2-7B", "Qwen/Qwen2-7B-Instruct"], fixture: "qwen2-7b.json", modelType: "qwen2", maxPositionEmbeddings: 32768, ropeTheta: 1000000.0, hiddenSize: 3584, numAttentionHeads: 28},
  {ids: ["Qwen/Qwen2-VL-7B-Instruct", "Qwen/Qwen2.5-VL-7B-Instruct"], fixture: "qwen2-vl-mrope.json", ropeTheta: 1000000.0, rope: {"type": "mrope", "mrope_section": [16, 24, 24]}},
  {ids: ["Qwen/Qwen2.5-3B", "Qwen/Qwen2.5-3B-Instruct"], fixture: "qwen2.5-3b.json", modelType: "qwen2", maxPositionEmbeddings: 32768, ropeTheta: 1000000.0, hiddenSize: 2048, numAttentionHeads: 16},
  {ids: ["Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B"], fixture: "qwen2.5-instruct-yarn-snippet.json", maxPositionEmbeddings: 32768, ropeTheta: 1000000.0, hiddenSize: 3584, numAttentionHeads: 28, modelType: "qwen2"},
  {ids: ["Qwen/Qwen3-0.6B"], fixture: "qwen3-0.6b.json", modelType: "qwen3", maxPositionEmbeddings: 40960, ropeTheta: 1000000, hiddenSize: 1024, numAttentionHeads: 16, headDim: 128},
  {ids: ["NousResearch/Yarn-Llama-2-7b-128k"], fixture: "yarn-llama-2-7b-128k.json", maxPositionEmbeddings: 131072, ropeTheta: 10000.0, rope: {"factor": 32.0, "original_max_position_embeddings": 4096, "type": "yarn", "finetuned": true}},
];

const BY_ID = new Map<string, KnownModel>();
for (const m of KNOWN_MODELS) for (const id of m.ids) BY_ID.set(id.toLowerCase(), m);

function fromCatalogue(m: CatalogueEntry): KnownModel {
  const { ids, source, positions, modelType, maxPositionEmbeddings, ropeTheta, hiddenSize, numAttentionHeads, headDim, partialRotaryFactor, qkRopeHeadDim, originalMaxPositionEmbeddings, rope } = m;
  const k: KnownModel = { ids, source, positions };
  if (modelType !== undefined) k.modelType = modelType;
  if (maxPositionEmbeddings !== undefined && (m.lengthKey === undefined || m.lengthKey === 'max_position_embeddings')) k.maxPositionEmbeddings = maxPositionEmbeddings;
  if (ropeTheta !== undefined) k.ropeTheta = ropeTheta;
  if (hiddenSize !== undefined) k.hiddenSize = hiddenSize;
  if (numAttentionHeads !== undefined) k.numAttentionHeads = numAttentionHeads;
  if (headDim !== undefined) k.headDim = headDim;
  if (partialRotaryFactor !== undefined) k.partialRotaryFactor = partialRotaryFactor;
  if (qkRopeHeadDim !== undefined) k.qkRopeHeadDim = qkRopeHeadDim;
  if (originalMaxPositionEmbeddings !== undefined) k.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings;
  if (rope !== undefined) k.rope = rope;
  return k;
}

/**
 * Looks a model id up (case-insensitive; a trailing revision "@main" or a local "models--" path is not resolved):
 * the curated list above first, then the catalogue of published configs (core/catalogue).
 */
export function knownModel(id: string): KnownModel | undefined {
  const curated = BY_ID.get(id.trim().toLowerCase());
  if (curated) return curated;
  const c = catalogueById(id);
  return c ? fromCatalogue(c) : undefined;
}

/** The pre-scaling context length of a known model: the block's original length, else max_position_embeddings. */
export function originalContextOf(m: KnownModel): number | undefined {
  const omp = m.rope?.['original_max_position_embeddings'];
  if (typeof omp === 'number') return omp;
  return m.originalMaxPositionEmbeddings ?? m.maxPositionEmbeddings;
}

/** A known model's facts as a ModelContext (source 'known-model'). */
export function knownModelContext(m: KnownModel, id: string): ModelContext {
  const v = (value: unknown): ContextValue => ({ value, source: 'known-model' });
  const c: ModelContext = { modelId: v(id) };
  if (m.modelType !== undefined) c.modelType = v(m.modelType);
  if (m.maxPositionEmbeddings !== undefined) c.maxPositionEmbeddings = v(m.maxPositionEmbeddings);
  if (m.ropeTheta !== undefined) c.ropeTheta = v(m.ropeTheta);
  if (m.hiddenSize !== undefined) c.hiddenSize = v(m.hiddenSize);
  if (m.numAttentionHeads !== undefined) c.numAttentionHeads = v(m.numAttentionHeads);
  if (m.headDim !== undefined) c.headDim = v(m.headDim);
  if (m.partialRotaryFactor !== undefined) c.partialRotaryFactor = v(m.partialRotaryFactor);
  if (m.qkRopeHeadDim !== undefined) c.qkRopeHeadDim = v(m.qkRopeHeadDim);
  if (m.originalMaxPositionEmbeddings !== undefined) c.originalMaxPositionEmbeddings = v(m.originalMaxPositionEmbeddings);
  return c;
}
