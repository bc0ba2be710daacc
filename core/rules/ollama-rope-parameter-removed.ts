// Ollama Modelfiles: the rope PARAMETERs Ollama removed.
import type { Finding, Rule } from './types';
import { modelfileData } from '../parse/modelfile';
import { fix, make } from './util';

const FRAMEWORKS = 'Ollama: rope_frequency_base / rope_frequency_scale were ignored from v0.1.32 and removed in v0.1.35; `ollama create` now fails with "unknown parameter" for them (parser/parser.go → api.FormatParams). num_ctx above the GGUF {arch}.context_length (what llama.cpp\'s converter writes from max_position_embeddings) is lowered to it with the warning "requested context size too large for model" (llm/server.go).';

export const rule: Rule = {
  id: 'ollama-rope-parameter-removed',
  defaultSeverity: 'error',
  dialects: ['modelfile'],
  docs: {
    summary: 'A Modelfile sets `PARAMETER rope_frequency_base` or `rope_frequency_scale`, which Ollama no longer has.',
    why: 'Guides written for 2023 Ollama still set these to stretch the context. Current Ollama refuses the Modelfile ("unknown parameter"), and the versions that accepted the line ignored it: the rope settings come from the GGUF.',
    frameworks: FRAMEWORKS,
    fix: 'Remove the line. To serve a longer context, use a GGUF converted with the model\'s rope scaling (its config.json rope block) and raise num_ctx up to its context_length.',
  },
  checkDocument(ctx) {
    const out: Finding[] = [];
    for (const p of modelfileData(ctx.doc)?.params ?? []) {
      if (p.name !== 'rope_frequency_base' && p.name !== 'rope_frequency_scale') continue;
      out.push(make(this, undefined, p.nameSpan,
        `PARAMETER ${p.name} was removed from Ollama in v0.1.35 (ignored since v0.1.32): \`ollama create\` fails with "unknown parameter '${p.name}'", and the rope settings come from the GGUF.`,
        undefined, [fix(`Remove PARAMETER ${p.name}`, [{ offset: p.line.offset, length: p.line.length, newText: '' }], true)]));
    }
    return out;
  },
};
