// What each serving engine can do with rope scaling (../shared/research/other-frameworks.md), as data.
import type { Engine } from '../model';

export type AdvisedMethod = 'none' | 'dynamic' | 'yarn' | 'linear';

export interface EngineCapabilities {
  label: string;
  /** Methods the engine applies at run time. */
  methods: readonly AdvisedMethod[];
  /** True when "dynamic" really recomputes with the sequence length (transformers); vLLM/SGLang freeze it at the max length. */
  dynamicIsDynamic: boolean;
  /** Reads the YaRN `finetuned` flag (llama.cpp's GGUF `rope.scaling.finetuned`); others ignore it. */
  readsFinetunedFlag: boolean;
  /** The flag that must be raised to actually serve the longer context, if any. */
  contextFlag?: string;
  /** Other spellings of the same flag (an existing one is rewritten rather than added twice). */
  contextFlagAliases?: readonly string[];
  /** Caveat shown with every recommendation for this engine. */
  note?: string;
}

export const ENGINES: Readonly<Record<Engine, EngineCapabilities>> = {
  transformers: {
    label: 'transformers',
    methods: ['none', 'linear', 'dynamic', 'yarn'],
    dynamicIsDynamic: true,
    readsFinetunedFlag: false,
  },
  vllm: {
    label: 'vLLM',
    methods: ['none', 'linear', 'dynamic', 'yarn'],
    dynamicIsDynamic: false,
    readsFinetunedFlag: false,
    contextFlag: '--max-model-len',
    note: 'vLLM applies YaRN statically: the scaled frequencies are used at every length, which costs a little on short inputs.',
  },
  sglang: {
    label: 'SGLang',
    methods: ['none', 'linear', 'dynamic', 'yarn'],
    dynamicIsDynamic: false,
    readsFinetunedFlag: false,
    contextFlag: '--context-length',
    note: 'SGLang shares vLLM\'s rotary code: YaRN and "dynamic" are computed once for the maximum length.',
  },
  'llama.cpp': {
    label: 'llama.cpp',
    methods: ['none', 'linear', 'yarn'],
    dynamicIsDynamic: false,
    readsFinetunedFlag: true,
    contextFlag: '-c',
    contextFlagAliases: ['--ctx-size'],
    note: 'llama.cpp has no dynamic NTK, and scaling does not raise the context by itself: -c must be raised too.',
  },
  tgi: {
    label: 'TGI',
    methods: ['none', 'linear', 'dynamic', 'yarn'],
    dynamicIsDynamic: true,
    readsFinetunedFlag: false,
    note: 'TGI accepts --rope-scaling yarn only from release 2.1 (PR #2078); older launchers allow linear and dynamic only.',
  },
};

export const ENGINE_IDS = Object.keys(ENGINES) as Engine[];
