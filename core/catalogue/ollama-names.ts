// Ollama library names (FROM gemma2:27b) → the Hugging Face model they package, for the catalogue lookup. Only
// explicit size tags whose model is named on the tag itself; `hf.co/<org>/<name>` needs no table.
import { catalogueById } from './match';
import type { CatalogueEntry } from './types';

const OLLAMA_NAMES: Readonly<Record<string, string>> = {
  'gemma2:2b': 'google/gemma-2-2b-it', 'gemma2:9b': 'google/gemma-2-9b-it', 'gemma2:27b': 'google/gemma-2-27b-it',
  'llama3.1:8b': 'meta-llama/Llama-3.1-8B-Instruct', 'llama3.1:70b': 'meta-llama/Llama-3.1-70B-Instruct',
  'llama3.2:1b': 'meta-llama/Llama-3.2-1B-Instruct', 'llama3.2:3b': 'meta-llama/Llama-3.2-3B-Instruct',
  'qwen2:0.5b': 'Qwen/Qwen2-0.5B-Instruct', 'qwen2:1.5b': 'Qwen/Qwen2-1.5B-Instruct', 'qwen2:7b': 'Qwen/Qwen2-7B-Instruct',
  'qwen3:0.6b': 'Qwen/Qwen3-0.6B', 'qwen3:1.7b': 'Qwen/Qwen3-1.7B',
};

/** The catalogue entry a Modelfile FROM names (library tag or hf.co/huggingface.co id, a `:quant` tag ignored). */
export function catalogueForOllama(from: string): { id: string; entry: CatalogueEntry } | undefined {
  const f = from.trim();
  const hf = /^(?:https?:\/\/)?(?:hf\.co|huggingface\.co)\/([^/:\s]+\/[^/:\s]+)/i.exec(f);
  const id = hf ? hf[1]! : OLLAMA_NAMES[f.toLowerCase()];
  const entry = id ? catalogueById(id) : undefined;
  return id && entry ? { id, entry } : undefined;
}
