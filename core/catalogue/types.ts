// A catalogue entry: one published model's position / rope configuration and where it was read.

export interface CatalogueSource {
  /** GitHub owner/name (or where the copy was found). */
  repo: string;
  path: string;
  /** Preset key or the object inside the file. */
  key: string;
  /** Commit (or index id) of the copy read. */
  revision: string;
}

export interface CatalogueEntry {
  /** Hugging Face ids (first is canonical). */
  ids: string[];
  source: CatalogueSource;
  modelType?: string;
  /** The config's length: max_position_embeddings, or `lengthKey` when the model names it otherwise. */
  maxPositionEmbeddings?: number;
  lengthKey?: string;
  ropeTheta?: number;
  hiddenSize?: number;
  numAttentionHeads?: number;
  headDim?: number;
  partialRotaryFactor?: number;
  qkRopeHeadDim?: number;
  originalMaxPositionEmbeddings?: number;
  numHiddenLayers?: number;
  vocabSize?: number;
  /** The rope block the model ships with (absent: none). */
  rope?: Record<string, unknown>;
  /** How positions are encoded: rotary, ALiBi biases or a learned table. */
  positions: 'rope' | 'alibi' | 'learned';
}
