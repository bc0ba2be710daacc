// Python code reading `rope_scaling["type"]` / `["rope_type"]`: a KeyError on configs that carry only the other key
// (user-pain 2: vllm#9481, KBLaM#37 — Llama-3.1 configs have rope_type only).
import type { Finding, Rule } from './types';
import { pythonData } from '../parse/python';
import { fix, make } from './util';

export const rule: Rule = {
  id: 'legacy-rope-type-subscript',
  defaultSeverity: 'warning',
  dialects: ['python'],
  docs: {
    summary: 'Code reads `rope_scaling["type"]` (or `["rope_type"]`) with a subscript.',
    why: 'Configs written for transformers ≥ 4.43 (Llama 3.1, Qwen3 ...) have `rope_type` only; older ones have `type` only. A subscript raises KeyError on the other kind ("KeyError: \'type\'" in vLLM#9481, KBLaM#37).',
    frameworks: 'transformers ≥ 4.43 copies `type` into `rope_type` when it loads a config, but code that reads a raw dict (vLLM < 0.6, custom loaders, MLX) sees the file as written.',
    fix: 'Read both: `x.get("rope_type", x.get("type"))`.',
  },
  checkDocument(ctx) {
    const data = pythonData(ctx.doc);
    if (!data) return [];
    const out: Finding[] = [];
    for (const s of data.legacySubscripts) {
      const other = s.key === 'type' ? 'rope_type' : 'type';
      const repl = `${s.objectText}.get("rope_type", ${s.objectText}.get("type"))`;
      out.push(make(this, undefined, s.span,
        `${s.objectText}["${s.key}"] raises KeyError on configs that only have "${other}" (${s.key === 'type' ? 'Llama 3.1 and other transformers ≥ 4.43 configs' : 'configs written before transformers 4.43'}).`,
        undefined, [fix(`Replace with ${repl}`, [{ offset: s.span.offset, length: s.span.length, newText: repl }], true)]));
    }
    return out;
  },
};
