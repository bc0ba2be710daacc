// Config snippets per rule: which fire and which stay quiet, per transformers version (used by rules-cases and fixes-rules tests).
import { config } from './rules-helpers';
import type { Severity } from '../../core/rules/types';

export interface Case { rule: string; version: string; text: string; fires: boolean; severity?: Severity; message?: RegExp }

export const LLAMA3 = '"rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}';
const big = (s: string) => config(s, '"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32, "max_position_embeddings": 131072, "rope_theta": 500000.0');
const qwen = (s: string, mpe = 32768) => config(s, `"model_type": "qwen2", "hidden_size": 3584, "num_attention_heads": 28, "max_position_embeddings": ${mpe}, "rope_theta": 1000000.0`);
const phi = (s: string, top = '"original_max_position_embeddings": 4096, ') => config(s, `"model_type": "phi3", "hidden_size": 3072, "num_attention_heads": 32, "max_position_embeddings": 131072, ${top}"rope_theta": 10000.0`);
const list = (n: number) => `[${Array.from({ length: n }, () => '1.0').join(', ')}]`;

export const CASES: Case[] = [
  // missing-rope-type
  { rule: 'missing-rope-type', version: '4.57.0', text: config('"rope_scaling": {"factor": 4.0}'), fires: true, severity: 'error', message: /raises KeyError/ },
  { rule: 'missing-rope-type', version: '5.15.0', text: config('"rope_scaling": {"factor": 4.0}'), fires: true, severity: 'error', message: /silently lost/ },
  { rule: 'missing-rope-type', version: '5.15.0', text: config('"rope_parameters": {"rope_theta": 10000.0}'), fires: false },
  { rule: 'missing-rope-type', version: '5.15.0', text: config('"rope_scaling": {"type": "linear", "factor": 2.0}'), fires: false },
  // unknown-rope-type
  { rule: 'unknown-rope-type', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "ntk-by-parts", "factor": 2.0}'), fires: true, severity: 'error', message: /KeyError/ },
  { rule: 'unknown-rope-type', version: '4.45.0', text: config('"rope_scaling": {"rope_type": "Yarn", "factor": 2.0}'), fires: true, message: /Did you mean 'yarn'/ },
  { rule: 'unknown-rope-type', version: '5.15.0', text: config('"rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]}'), fires: true, severity: 'warning' },
  { rule: 'unknown-rope-type', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "dynamic", "factor": 2.0}'), fires: false },
  // rope-type-unsupported-in-version
  { rule: 'rope-type-unsupported-in-version', version: '4.57.0', text: config('"rope_parameters": {"rope_type": "proportional", "rope_theta": 10000.0}'), fires: false }, // v5 block on 4.x: rope-parameters-needs-v5
  { rule: 'rope-type-unsupported-in-version', version: '4.57.0', text: config('"rope_scaling": {"rope_type": "proportional", "factor": 1.0}'), fires: true, severity: 'error', message: /5\.0/ },
  { rule: 'rope-type-unsupported-in-version', version: '4.40.0', text: big(LLAMA3), fires: true, severity: 'error', message: /4\.43/ },
  { rule: 'rope-type-unsupported-in-version', version: '4.43.0', text: big(LLAMA3), fires: false },
  { rule: 'rope-type-unsupported-in-version', version: '5.15.0', text: config('"rope_parameters": {"rope_type": "proportional", "rope_theta": 10000.0, "partial_rotary_factor": 0.25}'), fires: false },
  // legacy-two-key-validation
  { rule: 'legacy-two-key-validation', version: '4.40.0', text: big(LLAMA3), fires: true, severity: 'error', message: /two fields/ },
  { rule: 'legacy-two-key-validation', version: '4.40.0', text: config('"rope_scaling": {"type": "linear", "factor": 2}'), fires: true, message: /float > 1/ },
  { rule: 'legacy-two-key-validation', version: '4.40.0', text: config('"rope_scaling": {"type": "yarn", "factor": 2.0}'), fires: true, message: /one of \['linear', 'dynamic'\]/ },
  { rule: 'legacy-two-key-validation', version: '4.40.0', text: config('"rope_scaling": {"type": "linear", "factor": 2.0}'), fires: false },
  { rule: 'legacy-two-key-validation', version: '4.45.0', text: big(LLAMA3), fires: false },
  // rope-parameters-needs-v5
  { rule: 'rope-parameters-needs-v5', version: '4.57.0', text: config('"rope_parameters": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 4096, "rope_theta": 10000.0}').replace(', "rope_theta": 10000.0,', ','), fires: true, severity: 'error', message: /silently lost/ },
  { rule: 'rope-parameters-needs-v5', version: '5.15.0', text: config('"rope_parameters": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024, "rope_theta": 10000.0}'), fires: false },
  // missing-required-key
  { rule: 'missing-required-key', version: '4.57.0', text: config('"rope_scaling": {"rope_type": "linear"}'), fires: true, severity: 'error', message: /Missing required keys in `rope_scaling` for 'rope_type'='linear': \{'factor'\}/ },
  { rule: 'missing-required-key', version: '5.15.0', text: big('"rope_scaling": {"factor": 8.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}'), fires: true, message: /low_freq_factor/ },
  { rule: 'missing-required-key', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0}'), fires: false }, // omp auto-filled in v5
  { rule: 'missing-required-key', version: '4.57.0', text: big('"rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "rope_type": "llama3"}'), fires: true, message: /original_max_position_embeddings/ },
  // missing-original-max-position-embeddings
  { rule: 'missing-original-max-position-embeddings', version: '4.57.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0}'), fires: true, severity: 'warning', message: /We will assume/ },
  { rule: 'missing-original-max-position-embeddings', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0}'), fires: true, severity: 'information' },
  { rule: 'missing-original-max-position-embeddings', version: '4.45.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0}'), fires: false },
  { rule: 'missing-original-max-position-embeddings', version: '5.15.0', text: big('"rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "rope_type": "llama3"}'), fires: true, severity: 'warning' },
  { rule: 'missing-original-max-position-embeddings', version: '4.57.0', text: phi(`"rope_scaling": {"type": "longrope", "short_factor": ${list(48)}, "long_factor": ${list(48)}, "original_max_position_embeddings": 4096}`, ''), fires: true, severity: 'error', message: /top level/ },
  { rule: 'missing-original-max-position-embeddings', version: '5.15.0', text: phi(`"rope_scaling": {"type": "longrope", "short_factor": ${list(48)}, "long_factor": ${list(48)}, "original_max_position_embeddings": 4096}`, ''), fires: false },
  { rule: 'missing-original-max-position-embeddings', version: '5.15.0', text: phi(`"rope_scaling": {"type": "longrope", "short_factor": ${list(48)}, "long_factor": ${list(48)}}`), fires: false },
  // legacy-su-type
  { rule: 'legacy-su-type', version: '5.15.0', text: phi(`"rope_scaling": {"type": "su", "short_factor": ${list(48)}, "long_factor": ${list(48)}}`), fires: true, severity: 'warning' },
  { rule: 'legacy-su-type', version: '5.15.0', text: config(`"rope_scaling": {"type": "su", "short_factor": ${list(64)}, "long_factor": ${list(64)}}`), fires: true, severity: 'error' },
  // legacy-type-key
  { rule: 'legacy-type-key', version: '5.15.0', text: config('"rope_scaling": {"type": "linear", "factor": 2.0}'), fires: true, severity: 'hint' },
  { rule: 'legacy-type-key', version: '5.15.0', text: config('"rope_scaling": {"type": "linear", "rope_type": "linear", "factor": 2.0}'), fires: false },
  { rule: 'legacy-type-key', version: '4.40.0', text: config('"rope_scaling": {"type": "linear", "factor": 2.0}'), fires: false },
  // type-conflict
  { rule: 'type-conflict', version: '4.57.0', text: config('"rope_scaling": {"type": "linear", "rope_type": "dynamic", "factor": 2.0}'), fires: true, severity: 'warning', message: /uses "type" = 'linear'/ },
  { rule: 'type-conflict', version: '5.15.0', text: config('"rope_scaling": {"type": "linear", "rope_type": "dynamic", "factor": 2.0}'), fires: true, message: /uses "rope_type" = 'dynamic'/ },
  // unknown-key
  { rule: 'unknown-key', version: '5.15.0', text: big('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768, "attn_factor": 0.8782488562869419}'), fires: true, severity: 'warning', message: /Did you mean "attention_factor"\?.*|1\.1386/ },
  { rule: 'unknown-key', version: '5.15.0', text: big('"rope_scaling": {"type": "yarn", "factor": 32.0, "original_max_position_embeddings": 4096, "finetuned": true}'), fires: true, message: /llama\.cpp/ },
  { rule: 'unknown-key', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "linear", "scaling_factor": 2.0, "factor": 2.0}'), fires: true, message: /Did you mean "factor"/ },
  { rule: 'unknown-key', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "default", "mrope_section": [16, 24, 24]}'), fires: true, severity: 'hint' },
  { rule: 'unknown-key', version: '4.45.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024}'), fires: false },
  // key-unsupported-in-version
  { rule: 'key-unsupported-in-version', version: '4.45.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024}'), fires: true, severity: 'warning', message: /4\.51/ },
  { rule: 'key-unsupported-in-version', version: '4.51.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024, "truncate": false}'), fires: true, message: /truncate/ },
  { rule: 'key-unsupported-in-version', version: '4.57.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024, "truncate": false}'), fires: false },
  { rule: 'key-unsupported-in-version', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "dynamic", "factor": 2.0, "original_max_position_embeddings": 4096}'), fires: true },
  { rule: 'key-unsupported-in-version', version: '4.57.0', text: config('"rope_scaling": {"rope_type": "dynamic", "factor": 2.0, "original_max_position_embeddings": 4096}'), fires: false },
  { rule: 'key-unsupported-in-version', version: '4.57.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 2.0, "rope_theta": 50000.0}'), fires: true, message: /top-level rope_theta/ },
  // invalid-factor
  { rule: 'invalid-factor', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 0.25}'), fires: true, severity: 'warning', message: /Did you mean 4/ },
  { rule: 'invalid-factor', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": "4.0"}'), fires: true, severity: 'error' },
  { rule: 'invalid-factor', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 1.0}'), fires: false },
  // int-where-float
  { rule: 'int-where-float', version: '4.57.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 2}'), fires: true, severity: 'warning', message: /must be a float >= 1, got 2/ },
  { rule: 'int-where-float', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 2}'), fires: true, severity: 'hint' },
  { rule: 'int-where-float', version: '4.57.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 2.0}'), fires: false },
  // yarn-factor-mismatch
  { rule: 'yarn-factor-mismatch', version: '4.51.0', text: qwen('"rope_scaling": {"factor": 4.0, "original_max_position_embeddings": 32768, "type": "yarn"}'), fires: true, severity: 'error', message: /silently lost/ },
  { rule: 'yarn-factor-mismatch', version: '4.55.0', text: qwen('"rope_scaling": {"factor": 4.0, "original_max_position_embeddings": 32768, "type": "yarn"}'), fires: true, severity: 'error' },
  { rule: 'yarn-factor-mismatch', version: '4.57.0', text: qwen('"rope_scaling": {"factor": 4.0, "original_max_position_embeddings": 32768, "type": "yarn"}'), fires: true, severity: 'warning', message: /explicitly set/ },
  { rule: 'yarn-factor-mismatch', version: '5.15.0', text: qwen('"rope_scaling": {"factor": 4.0, "original_max_position_embeddings": 32768, "type": "yarn"}'), fires: true, severity: 'information' },
  { rule: 'yarn-factor-mismatch', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 2048}'), fires: true, severity: 'warning' },
  { rule: 'yarn-factor-mismatch', version: '4.45.0', text: qwen('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 4096}'), fires: true, severity: 'warning', message: /ignores original_max_position_embeddings/ },
  { rule: 'yarn-factor-mismatch', version: '4.45.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024}'), fires: false },
  { rule: 'yarn-factor-mismatch', version: '5.15.0', text: qwen('"rope_scaling": {"factor": 4.0, "original_max_position_embeddings": 32768, "rope_type": "yarn"}', 131072), fires: false },
  // yarn-beta-order
  { rule: 'yarn-beta-order', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024, "beta_fast": 1.0, "beta_slow": 32.0}'), fires: true, severity: 'warning' },
  { rule: 'yarn-beta-order', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024, "beta_slow": 64.0}'), fires: true },
  { rule: 'yarn-beta-order', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024, "beta_fast": 32.0, "beta_slow": 1.0}'), fires: false },
  // invalid-attention-factor
  { rule: 'invalid-attention-factor', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024, "attention_factor": 1}'), fires: true, severity: 'warning', message: /even in 5\.x/ },
  { rule: 'invalid-attention-factor', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024, "attention_factor": -0.5}'), fires: true },
  { rule: 'invalid-attention-factor', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 1024, "attention_factor": 0.9}'), fires: false },
  // llama3-frequency-factors
  { rule: 'llama3-frequency-factors', version: '5.15.0', text: big('"rope_scaling": {"factor": 8.0, "low_freq_factor": 4.0, "high_freq_factor": 1.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}'), fires: true, severity: 'warning' },
  { rule: 'llama3-frequency-factors', version: '5.15.0', text: big(LLAMA3), fires: false },
  // llama3-original-length
  { rule: 'llama3-original-length', version: '5.15.0', text: config(LLAMA3), fires: true, severity: 'warning', message: /less than max_position_embeddings/ },
  { rule: 'llama3-original-length', version: '5.15.0', text: big(LLAMA3.replace('8192', '8192.0')), fires: true, message: /integer/ },
  { rule: 'llama3-original-length', version: '5.15.0', text: big(LLAMA3), fires: false },
  // longrope-factor-length
  { rule: 'longrope-factor-length', version: '5.15.0', text: phi(`"rope_scaling": {"type": "longrope", "short_factor": ${list(48)}, "long_factor": ${list(47)}}`), fires: true, severity: 'error', message: /length 48, got 47/ },
  { rule: 'longrope-factor-length', version: '5.15.0', text: config(`"original_max_position_embeddings": 1024, "rope_scaling": {"rope_type": "longrope", "short_factor": ${list(64)}, "long_factor": ${list(63)}}`), fires: true, severity: 'warning' },
  { rule: 'longrope-factor-length', version: '5.15.0', text: phi(`"rope_scaling": {"type": "longrope", "short_factor": ${list(48)}, "long_factor": ${list(48)}}`), fires: false },
  // longrope-missing-factor
  { rule: 'longrope-missing-factor', version: '5.15.0', text: phi(`"rope_scaling": {"type": "longrope", "short_factor": ${list(48)}, "long_factor": ${list(48)}}`), fires: true, severity: 'warning' },
  { rule: 'longrope-missing-factor', version: '5.15.0', text: phi(`"rope_scaling": {"type": "longrope", "factor": 32.0, "short_factor": ${list(48)}, "long_factor": ${list(48)}}`), fires: false },
  // mixed-rope-api
  { rule: 'mixed-rope-api', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 2.0}, "rope_parameters": {"rope_type": "linear", "factor": 4.0, "rope_theta": 10000.0}'), fires: true, severity: 'warning', message: /ignores this rope_parameters/ },
  { rule: 'mixed-rope-api', version: '5.15.0', text: config('"rope_parameters": {"rope_type": "linear", "factor": 4.0, "rope_theta": 500000.0}'), fires: true, severity: 'warning', message: /uses 500000/ },
  { rule: 'mixed-rope-api', version: '5.15.0', text: config('"rope_parameters": {"rope_type": "linear", "factor": 4.0, "rope_theta": 10000.0}'), fires: true, severity: 'hint' },
  { rule: 'mixed-rope-api', version: '5.15.0', text: config('"rope_parameters": {"rope_type": "linear", "factor": 4.0, "rope_theta": 10000.0}').replace('"rope_theta": 10000.0,\n', '').replace(', "rope_theta": 10000.0,', ','), fires: false },
  // static-yarn-advice
  { rule: 'static-yarn-advice', version: '5.15.0', text: qwen('"rope_scaling": {"factor": 4.0, "original_max_position_embeddings": 32768, "rope_type": "yarn"}', 65536), fires: true, severity: 'information' },
  // Sized to a stated need (max_position_embeddings = original × factor, what "Extend context…" writes): no advice.
  { rule: 'static-yarn-advice', version: '5.15.0', text: qwen('"rope_scaling": {"factor": 4.0, "original_max_position_embeddings": 32768, "rope_type": "yarn"}', 131072), fires: false },
  { rule: 'static-yarn-advice', version: '5.15.0', text: big('"rope_scaling": {"rope_type": "yarn", "factor": 32.0, "original_max_position_embeddings": 4096}'), fires: false },
  // proportional-partial-rotary-factor
  { rule: 'proportional-partial-rotary-factor', version: '5.15.0', text: config('"rope_parameters": {"rope_type": "proportional", "rope_theta": 10000.0}').replace(', "rope_theta": 10000.0,', ','), fires: true, severity: 'warning' },
  { rule: 'proportional-partial-rotary-factor', version: '5.15.0', text: config('"rope_parameters": {"rope_type": "proportional", "rope_theta": 10000.0, "partial_rotary_factor": 0.25}'), fires: false },
  // rope-block-not-object
  { rule: 'rope-block-not-object', version: '4.45.0', text: config('"rope_scaling": "linear"'), fires: true, severity: 'error', message: /not an object/ },
  { rule: 'rope-block-not-object', version: '5.15.0', text: config('"rope_parameters": [1.0, 2.0]'), fires: true, severity: 'error' },
  { rule: 'rope-block-not-object', version: '5.15.0', text: config('"rope_scaling": null'), fires: false },
  // value-out-of-range
  { rule: 'value-out-of-range', version: '5.15.0', text: config('"rope_parameters": {"rope_type": "yarn", "factor": 4.0, "rope_theta": 10000.0, "partial_rotary_factor": 10000000}'), fires: true, severity: 'error', message: /partial_rotary_factor 10,000,000 makes the rotary dim/ },
  { rule: 'value-out-of-range', version: '4.57.0', text: config('"head_dim": 2000000000, "rope_scaling": {"rope_type": "linear", "factor": 2.0}'), fires: true, severity: 'error', message: /head_dim 2,000,000,000/ },
  { rule: 'value-out-of-range', version: '5.15.0', text: config('"head_dim": 256, "rope_parameters": {"rope_type": "yarn", "factor": 4.0, "rope_theta": 10000.0, "partial_rotary_factor": 0.5}'), fires: false },
  // non-rope-positions (published configs in test/unit/positions.test.ts)
  { rule: 'non-rope-positions', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 2.0}', '"model_type": "gpt2", "n_positions": 1024, "n_embd": 768, "n_head": 12'), fires: true, message: /GPT-2 uses learned absolute position embeddings, not RoPE: transformers' GPT-2 model never reads `rope_scaling`/ },
  { rule: 'non-rope-positions', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 2.0}'), fires: false },
  // weaker-scaling-override (the Llama 3.1 8B shape: full published config in test/unit/catalogue.test.ts)
  { rule: 'weaker-scaling-override', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 2.0}', '"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 128256, "max_position_embeddings": 131072, "rope_theta": 500000.0'), fires: true, message: /own llama3 scaling/ },
  { rule: 'weaker-scaling-override', version: '5.15.0', text: config('"rope_scaling": {"rope_type": "linear", "factor": 2.0}'), fires: false },
];

