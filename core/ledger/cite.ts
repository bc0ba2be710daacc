// Which ledger rows each rule's docs and messages rest on, and how text that names an engine is recognised.
// A rule whose docs or messages name an engine must cite at least one row of that engine (test/unit/ledger.test.ts).
import { fact, type EngineFact, type LedgerEngine } from './facts';

/** Rule id → ledger rows its docs and messages state. */
export const RULE_FACTS: Readonly<Record<string, readonly string[]>> = {
  'missing-rope-type': ['transformers.missing-type', 'vllm.rope-types'],
  'unknown-rope-type': ['transformers.rope-types', 'vllm.rope-types'],
  'rope-type-unsupported-in-version': ['transformers.rope-types', 'transformers.legacy-two-key', 'transformers.proportional', 'vllm.llama3-since', 'llama.cpp.baked-factors'],
  'legacy-two-key-validation': ['transformers.legacy-two-key'],
  'rope-parameters-needs-v5': ['transformers.v5-rope-parameters', 'vllm.reads-type-keys'],
  'missing-required-key': ['transformers.rope-types', 'transformers.llama3', 'transformers.longrope', 'transformers.yarn-keys'],
  'missing-original-max-position-embeddings': ['transformers.yarn-keys', 'transformers.llama3', 'transformers.longrope'],
  'legacy-su-type': ['transformers.longrope', 'vllm.rope-types'],
  'legacy-type-key': ['transformers.type-key', 'vllm.reads-type-keys', 'tgi.config-rope-types'],
  'type-conflict': ['transformers.type-key', 'vllm.reads-type-keys'],
  'unknown-key': ['transformers.received-keys', 'llama.cpp.finetuned-flag'],
  'key-unsupported-in-version': ['transformers.yarn-keys', 'transformers.received-keys', 'transformers.v5-rope-parameters', 'sglang.static-scaling'],
  'invalid-factor': ['transformers.float-values', 'transformers.legacy-two-key', 'vllm.max-model-len', 'llama.cpp.rope-flags'],
  'int-where-float': ['transformers.float-values'],
  'yarn-factor-mismatch': ['transformers.yarn-factor-rule', 'transformers.generate-no-cap', 'vllm.max-model-len', 'sglang.context-length', 'tgi.max-total-tokens'],
  'yarn-beta-order': ['transformers.yarn-keys'],
  'invalid-attention-factor': ['transformers.yarn-keys', 'transformers.longrope'],
  'llama3-frequency-factors': ['transformers.llama3'],
  'llama3-original-length': ['transformers.llama3', 'vllm.max-model-len'],
  'longrope-factor-length': ['transformers.longrope'],
  'longrope-missing-factor': ['transformers.longrope'],
  'mixed-rope-api': ['transformers.v5-rope-parameters', 'vllm.reads-type-keys'],
  'static-yarn-advice': ['transformers.yarn-keys', 'transformers.dynamic', 'vllm.static-scaling', 'sglang.static-scaling'],
  'proportional-partial-rotary-factor': ['transformers.proportional'],
  'rope-block-not-object': ['transformers.block-not-object', 'vllm.reads-type-keys'],
  'value-out-of-range': ['transformers.head-dim'],
  'non-rope-positions': ['transformers.alibi-models', 'transformers.learned-positions', 'vllm.default-len'],
  'weaker-scaling-override': ['sglang.override-replaces', 'transformers.rope-types'],
  'ollama-rope-parameter-removed': ['ollama.rope-params-removed', 'ollama.modelfile', 'ollama.num-ctx-cap', 'llama.cpp.gguf-rope-keys'],
  'ollama-num-ctx-above-model': ['ollama.num-ctx-cap', 'llama.cpp.gguf-rope-keys', 'ollama.rope-params-removed'],
  'max-model-len-above-derived': ['vllm.max-model-len', 'sglang.context-length'],
  'rope-freq-scale-conflict': ['llama.cpp.rope-flags', 'llama.cpp.yarn-mscale'],
  'llama-cpp-ctx-not-raised': ['llama.cpp.rope-flags', 'llama.cpp.yarn-mscale'],
  'yarn-attn-factor-mscale': ['llama.cpp.yarn-mscale', 'llama.cpp.rope-flags', 'transformers.yarn-keys'],
  'engine-unsupported-rope-type': ['vllm.rope-types', 'sglang.static-scaling', 'llama.cpp.rope-flags', 'llama.cpp.baked-factors', 'tgi.launcher-rope-flag', 'tgi.config-rope-types'],
  'legacy-rope-type-subscript': ['transformers.type-key', 'vllm.reads-type-keys'],
};

const ENGINE_PATTERNS: readonly [LedgerEngine, RegExp][] = [
  ['transformers', /\btransformers\b/i],
  ['vllm', /\bvllm\b/i],
  ['sglang', /\bsglang\b/i],
  ['llama.cpp', /llama\.cpp|llama-server|llama-cli|\bggml\b/i],
  ['tgi', /\bTGI\b|text-generation-inference/],
  ['ollama', /\bollama\b/i],
];

/** Engines a text makes a statement about (by name). */
export function enginesNamed(text: string): LedgerEngine[] {
  return ENGINE_PATTERNS.filter(([, re]) => re.test(text)).map(([e]) => e);
}

/** The rows a rule cites (empty when it cites none). */
export function factsOfRule(ruleId: string): EngineFact[] {
  return (RULE_FACTS[ruleId] ?? []).map(fact);
}

/** "Sources: vllm.max-model-len (vllm-project/vllm vllm/config.py …); …" for docs and hovers. */
export function sourcesLine(ids: readonly string[]): string {
  return ids.map((id) => `\`${id}\` (${fact(id).source}, ${fact(id).readAt})`).join('; ');
}
