// The one block shape every dialect (config.json, Python, YAML, command lines) is turned into.
// Offsets are UTF-16 code units into the document text, as JavaScript strings and jsonc-parser count them;
// they become line/character ranges only at the LSP and CLI edges.
import type { JsonDialectData } from './parse/json';
import type { PythonData } from './parse/python';
import type { ShellData } from './parse/shell';
import type { YamlData } from './parse/yaml';
import type { ModelfileData } from './parse/modelfile';
import type { EmbeddingData } from './parse/embedded';

export interface Span {
  offset: number;
  length: number;
}

export type Dialect = 'json' | 'python' | 'yaml' | 'shell' | 'modelfile' | 'markdown' | 'notebook';

export type LiteralKind = 'number' | 'string' | 'boolean' | 'null' | 'object' | 'array' | 'unknown';

/** A value as written in the source. `unknown` means "not a literal" (a variable, a call): rules skip it. */
export interface SourceValue {
  kind: LiteralKind;
  value: unknown;
  /** Written as an integer literal (`40`, not `40.0`): transformers 4.x warns about those where it wants floats. */
  isInteger?: boolean;
  span: Span;
}

export interface SourceField {
  key: string;
  keySpan: Span;
  value: SourceValue;
  /** The whole member (key, separator and value), used to remove it. */
  span: Span;
}

/** `rope_scaling` (transformers 4.x naming) or `rope_parameters` (transformers 5). */
export type RopeApi = 'v4' | 'v5';

export type ContextSource = 'file' | 'known-model' | 'flag' | 'default';

export interface ContextValue {
  value: unknown;
  span?: Span;
  source: ContextSource;
  isInteger?: boolean;
}

/** The model facts a rope block needs, found beside it (or in a bundled table of known models). */
export interface ModelContext {
  modelType?: ContextValue;
  modelId?: ContextValue;
  maxPositionEmbeddings?: ContextValue;
  /** Top-level rope_theta (v4). In v5 it lives inside the block, as a field. */
  ropeTheta?: ContextValue;
  hiddenSize?: ContextValue;
  numAttentionHeads?: ContextValue;
  headDim?: ContextValue;
  /** Top-level partial_rotary_factor (v4 reads it there; v5 copies it into the block). */
  partialRotaryFactor?: ContextValue;
  /** DeepSeek-V2/V3: the rotary part of the head. */
  qkRopeHeadDim?: ContextValue;
  /** Top-level original_max_position_embeddings (the Phi-3 convention). */
  originalMaxPositionEmbeddings?: ContextValue;
  /** transformers 5 per-layer-type models. */
  layerTypes?: ContextValue;
  /** Serving-engine context length (vLLM --max-model-len, llama.cpp -c, sequence_len, cutoff_len...). */
  servingContext?: ContextValue;
}

export interface RopeBlock {
  dialect: Dialect;
  /** JSON pointer of the block inside its config, e.g. "/rope_scaling" or "/text_config/rope_parameters/full_attention". */
  path: string;
  /** JSON pointer of the config object that holds the block (where max_position_embeddings lives). */
  containerPath: string;
  api: RopeApi;
  /** The key the block hangs from, as written: "rope_scaling", "rope_parameters", "--rope-scaling", ... */
  key: string;
  keySpan?: Span;
  /** The value: the dict / object literal (or the flag group on a command line). */
  span: Span;
  /** Members in source order. */
  fields: SourceField[];
  /** The same members as plain values (`unknown`-kind values left out). */
  params: Record<string, unknown>;
  context: ModelContext;
  /** Set for one entry of the v5 per-layer-type form ({"full_attention": {...}, "sliding_attention": {...}}). */
  layerType?: string;
  /** Which engine reads this block (command-line dialects); transformers when absent. */
  engine?: Engine;
}

export type Engine = 'transformers' | 'vllm' | 'sglang' | 'llama.cpp' | 'tgi';

interface ParsedAs<D extends Dialect, Data> {
  uri: string;
  text: string;
  dialect: D;
  /** False when the file does not look like anything RoPE Lens analyses (no rules run, nothing reported). */
  relevant: boolean;
  blocks: RopeBlock[];
  /** Dialect-specific parse products that writers and dialect rules need (AST, flags); typed by `dialect`. */
  dialectData?: Data;
  /** Set when the parser failed on this text (what it threw): reported as an `analysis-failed` finding. */
  failure?: string;
  /** Set when the document is longer than the size guard allows: only text[0, analysedLength) was parsed. */
  analysedLength?: number;
  /** Why analysis stopped there: the size limit, or brackets nested deeper than the parsers are given. */
  analysisStop?: 'size' | 'nesting';
}

/** A parsed document, discriminated by dialect: `doc.dialect === 'shell'` narrows `doc.dialectData` to ShellData. */
export type ParsedDocument =
  | ParsedAs<'json', JsonDialectData>
  | ParsedAs<'python', PythonData>
  | ParsedAs<'yaml', YamlData>
  | ParsedAs<'shell', ShellData>
  | ParsedAs<'modelfile', ModelfileData>
  // Containers of other dialects' code (fenced code in a model card, notebook cells).
  | ParsedAs<'markdown' | 'notebook', EmbeddingData>;

export function fieldOf(block: RopeBlock, key: string): SourceField | undefined {
  return block.fields.find((f) => f.key === key);
}

export function ropeTypeOf(block: RopeBlock): string | undefined {
  const t = block.params['rope_type'] ?? block.params['type'];
  return typeof t === 'string' ? t : undefined;
}
