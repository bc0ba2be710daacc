// Finding a catalogue model: by id (a command line, a script, `_name_or_path`) or, in a bare config.json, by shape
// (model_type, hidden size, heads, layers, vocabulary and length all equal to exactly one entry).
import { CATALOGUE } from './models';
import type { CatalogueEntry } from './types';

const BY_ID = new Map<string, CatalogueEntry>();
for (const m of CATALOGUE) for (const id of m.ids) if (!BY_ID.has(id.toLowerCase())) BY_ID.set(id.toLowerCase(), m);

export function catalogueById(id: string): CatalogueEntry | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}

export interface Shape {
  modelType?: unknown;
  hiddenSize?: unknown;
  numAttentionHeads?: unknown;
  numHiddenLayers?: unknown;
  vocabSize?: unknown;
  maxPositionEmbeddings?: unknown;
}

const SHAPE_KEYS = ['modelType', 'hiddenSize', 'numAttentionHeads', 'numHiddenLayers', 'vocabSize', 'maxPositionEmbeddings'] as const;

/** The one entry whose six shape values all equal the config's; undefined when none or several match. */
export function catalogueByShape(shape: Shape): CatalogueEntry | undefined {
  if (SHAPE_KEYS.some((k) => shape[k] === undefined)) return undefined;
  const hits = CATALOGUE.filter((m) => SHAPE_KEYS.every((k) => m[k] !== undefined && m[k] === shape[k]));
  return hits.length === 1 ? hits[0] : undefined;
}

/** The pre-scaling (trained) context: the rope block's original length, else the top-level one, else the length. */
export function trainedContext(m: Pick<CatalogueEntry, 'rope' | 'originalMaxPositionEmbeddings' | 'maxPositionEmbeddings'>): number | undefined {
  const o = m.rope?.['original_max_position_embeddings'];
  return typeof o === 'number' ? o : m.originalMaxPositionEmbeddings ?? m.maxPositionEmbeddings;
}
