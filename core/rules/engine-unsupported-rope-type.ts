// A rope type the serving engine does not implement (user-pain 9: TGI "invalid value 'yarn' for '--rope-scaling'",
// vLLM "Unknown RoPE scaling type").
import type { Finding, Rule } from './types';
import type { Engine } from '../model';
import { ropeTypeOf } from '../model';
import { fix, make } from './util';
import { formatValue } from '../format';

/** Types each engine accepts for a rope block given on its command line. */
export const ENGINE_TYPES: Partial<Record<Engine, readonly string[]>> = {
  // The union over vLLM releases (ledger: vllm.rope-types): a type some release accepts is not flagged.
  vllm: ['default', 'linear', 'dynamic', 'yarn', 'deepseek_yarn', 'deepseek_llama_scaling', 'longrope', 'su', 'llama3', 'mrope', 'dual_chunk_attention', 'llama4', 'mllama4', 'ntk', 'xdrope', 'openpangu'],
  sglang: ['default', 'linear', 'dynamic', 'yarn', 'deepseek_yarn', 'longrope', 'su', 'llama3', 'mrope', 'dual_chunk_attention', 'llama4', 'ntk'],
  'llama.cpp': ['none', 'linear', 'yarn'],
  tgi: ['linear', 'dynamic'],
};

const ENGINE_LABEL: Record<Engine, string> = { transformers: 'transformers', vllm: 'vLLM', sglang: 'SGLang', 'llama.cpp': 'llama.cpp', tgi: 'TGI' };

export const rule: Rule = {
  id: 'engine-unsupported-rope-type',
  defaultSeverity: 'error',
  dialects: ['shell', 'yaml'],
  docs: {
    summary: 'The serving engine does not implement this rope type.',
    why: 'The engine refuses the flag or the config at start-up (TGI\'s launcher: "invalid value \'yarn\' for \'--rope-scaling\'"; vLLM: "Unknown RoPE scaling type"), or — llama.cpp — has no runtime form of it.',
    frameworks: 'vLLM get_rope (types over its releases): default, linear, dynamic, ntk, yarn, deepseek_yarn, deepseek_llama_scaling, longrope (su), llama3, mrope, llama4 / mllama4, xdrope, openpangu, dual_chunk_attention; SGLang\'s copy (adapted from vLLM 0.6.6): the older set. llama.cpp --rope-scaling: none, linear, yarn (llama3 factors are baked into the GGUF at conversion; no dynamic NTK). TGI launcher --rope-scaling / ROPE_SCALING: linear, dynamic only in every release through v3.3.7 (PR #2078, which added yarn, was not merged); the TGI server reads yarn, llama3 and longrope blocks from config.json.',
    fix: 'Use a type the engine supports: llama.cpp → yarn or linear; TGI launcher → linear or dynamic, or put a yarn block in config.json (the server reads it).',
  },
  check(block, ctx) {
    const engine = block.engine;
    const allowed = engine ? ENGINE_TYPES[engine] : undefined;
    const type = ropeTypeOf(block);
    if (!engine || !allowed || !type) return [];
    const f = block.fields.find((x) => x.key === 'rope_type' || x.key === 'type');
    const span = f?.value.span ?? block.keySpan ?? block.span;
    const out: Finding[] = [];
    if (!allowed.includes(type)) {
      const alt = engine === 'llama.cpp' && type === 'dynamic' ? 'yarn' : engine === 'tgi' && type !== 'yarn' ? 'dynamic' : undefined;
      const fixes = alt && f ? [fix(`Use ${alt}`, ctx.writer.setField(ctx.doc, block, f.key, alt))] : [];
      const why = engine === 'tgi' && (type === 'yarn' || type === 'llama3' || type === 'longrope') ? ` (TGI's launcher flag; the server reads a ${type} block from config.json, so write it there instead)`
        : engine === 'llama.cpp' && type === 'llama3' ? ' (llama3 factors are baked into the GGUF rope_freqs at conversion; no flag is needed)'
        : engine === 'llama.cpp' && type === 'dynamic' ? ' (llama.cpp has no dynamic NTK)' : '';
      out.push(make(this, block, span, `${ENGINE_LABEL[engine]} does not support rope type ${formatValue(type)}${why}; it accepts ${allowed.join(', ')}.`, undefined, fixes));
    }
    return out;
  },
};
