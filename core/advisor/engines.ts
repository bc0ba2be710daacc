// What each serving engine can do with rope scaling, as data. Every capability cites the ledger rows it rests on
// (core/ledger/facts.ts).
import type { Engine } from '../model';

export type AdvisedMethod = 'none' | 'dynamic' | 'yarn' | 'linear';

export interface EngineCapabilities {
  label: string;
  /** Methods the engine applies at run time. */
  methods: readonly AdvisedMethod[];
  /** True when "dynamic" really recomputes with the sequence length (transformers, TGI); vLLM/SGLang freeze it at the max length. */
  dynamicIsDynamic: boolean;
  /** The flag that must be raised to actually serve the longer context, if any. */
  contextFlag?: string;
  /** Other spellings of the same flag (an existing one is rewritten rather than added twice). */
  contextFlagAliases?: readonly string[];
  /** Caveat shown with every recommendation for this engine. */
  note?: string;
  /** Ledger rows the methods, the flag and the note rest on. */
  facts: readonly string[];
}

export const ENGINES: Readonly<Record<Engine, EngineCapabilities>> = {
  transformers: {
    label: 'transformers',
    methods: ['none', 'linear', 'dynamic', 'yarn'],
    dynamicIsDynamic: true,
    facts: ['transformers.rope-types', 'transformers.dynamic', 'transformers.yarn-keys'],
  },
  vllm: {
    label: 'vLLM',
    methods: ['none', 'linear', 'dynamic', 'yarn'],
    dynamicIsDynamic: false,
    contextFlag: '--max-model-len',
    note: 'vLLM applies YaRN statically: the scaled frequencies are used at every length, which costs a little on short inputs.',
    facts: ['vllm.rope-types', 'vllm.static-scaling', 'vllm.max-model-len'],
  },
  sglang: {
    label: 'SGLang',
    methods: ['none', 'linear', 'dynamic', 'yarn'],
    dynamicIsDynamic: false,
    contextFlag: '--context-length',
    note: 'SGLang\'s rotary code is adapted from vLLM\'s: YaRN and "dynamic" are computed once for the maximum length. Its context length stays at max_position_embeddings for a YaRN block with original_max_position_embeddings, so raise max_position_embeddings with the block.',
    facts: ['sglang.static-scaling', 'sglang.context-length', 'vllm.static-scaling'],
  },
  'llama.cpp': {
    label: 'llama.cpp',
    methods: ['none', 'linear', 'yarn'],
    dynamicIsDynamic: false,
    contextFlag: '-c',
    contextFlagAliases: ['--ctx-size'],
    note: 'llama.cpp has no dynamic NTK, and scaling does not raise the context by itself: -c must be raised too.',
    facts: ['llama.cpp.rope-flags', 'llama.cpp.baked-factors'],
  },
  tgi: {
    label: 'TGI',
    // The launcher sets linear or dynamic only; YaRN reaches TGI only as a block in config.json.
    methods: ['none', 'linear', 'dynamic'],
    dynamicIsDynamic: true,
    note: 'TGI\'s launcher --rope-scaling takes linear or dynamic only (through v3.3.7); for YaRN, write the block into the model\'s config.json, which the TGI server reads.',
    facts: ['tgi.launcher-rope-flag', 'tgi.config-rope-types'],
  },
};

export const ENGINE_IDS = Object.keys(ENGINES) as Engine[];
