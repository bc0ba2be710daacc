// Ollama Modelfiles: a num_ctx above the context the model's GGUF declares (Ollama lowers it to that context).
import type { Finding, Rule } from './types';
import { modelfileData } from '../parse/modelfile';
import { catalogueForOllama } from '../catalogue/ollama-names';
import { fix, make } from './util';

const FRAMEWORKS = 'Ollama: rope_frequency_base / rope_frequency_scale were ignored from v0.1.32 and removed in v0.1.35; `ollama create` now fails with "unknown parameter" for them (parser/parser.go → api.FormatParams). num_ctx above the GGUF {arch}.context_length (what llama.cpp\'s converter writes from max_position_embeddings) is lowered to it with the warning "requested context size too large for model" (llm/server.go).';

export const rule: Rule = {
  id: 'ollama-num-ctx-above-model',
  defaultSeverity: 'warning',
  dialects: ['modelfile'],
  docs: {
    summary: '`PARAMETER num_ctx` is above the context the FROM model declares (its GGUF context_length).',
    why: 'Ollama caps num_ctx at the GGUF\'s context_length and only logs a warning, so the longer context silently never happens; Ollama has no rope-scaling option of its own.',
    frameworks: FRAMEWORKS,
    fix: 'Lower num_ctx to the model\'s context, or serve a GGUF whose conversion carried rope scaling (and a context_length that covers num_ctx).',
  },
  checkDocument(ctx) {
    const data = modelfileData(ctx.doc);
    const from = data?.from;
    const model = from ? catalogueForOllama(from.value) : undefined;
    const limit = model?.entry.maxPositionEmbeddings;
    if (!data || !model || limit === undefined || (model.entry.lengthKey && model.entry.lengthKey !== 'max_position_embeddings')) return [];
    const out: Finding[] = [];
    for (const p of data.params) {
      const n = p.name === 'num_ctx' && /^\d+$/.test(p.value) ? Number(p.value) : NaN;
      if (!(n > limit)) continue;
      out.push(make(this, undefined, p.valueSpan,
        `num_ctx ${n} is above the ${limit}-token context of ${model.id} (FROM ${from!.value}; GGUF context_length = max_position_embeddings ${limit}): Ollama lowers num_ctx to ${limit} ("requested context size too large for model"), so the longer context is never used.`,
        undefined, [fix(`Set num_ctx ${limit}`, [{ offset: p.valueSpan.offset, length: p.valueSpan.length, newText: String(limit) }], true)]));
    }
    return out;
  },
};
