import type { Rule } from './types';
import { didYouMeanType, LEGACY_TYPES, MODEL_HANDLED_TYPES } from '../keys';
import { VERSION_TABLE } from '../versions';
import { effectiveType, fix, legacyMode, make, showValue, tv, dictName, isV5 } from './util';

export const KNOWN_TYPES = new Set<string>(['default', ...VERSION_TABLE.flatMap((f) => [...f.ropeTypes])]);

export const rule: Rule = {
  id: 'unknown-rope-type',
  defaultSeverity: 'error',
  docs: {
    summary: 'The rope type is not one transformers knows (`ntk-by-parts`, `Yarn`, `llama-3`, ...).',
    why: 'transformers only warns about the unknown type while validating, then fails when the model is built, because it looks the type up in its table of rope functions. The mistake surfaces on the GPU box, not in the editor.',
    frameworks: "transformers 4.43–4.57 warn `Missing validation function mapping in `ROPE_VALIDATION_FUNCTIONS` for 'rope_type'='<t>'`, 5.x `Missing validation function in 'RotaryEmbeddingConfigMixin' for 'rope_type'='<t>'`; model init then raises `KeyError` in `ROPE_INIT_FUNCTIONS`. Exceptions are types a model class handles itself (Qwen2-VL `mrope`): those only warn. vLLM raises `Unknown RoPE scaling type`.",
    fix: 'Use one of `default`, `linear`, `dynamic`, `yarn`, `longrope`, `llama3` (transformers 5 adds `proportional`). The quick fix replaces a near miss (`Yarn`, `llama-3`, `ntk`) by the type it most likely means.',
  },
  check(block, ctx) {
    if (legacyMode(ctx)) return [];
    const { type, field } = effectiveType(block, ctx);
    if (!field) return [];
    if (type === undefined) {
      return [make(this, block, field.value.span, `"${field.key}" must be a string naming the rope type, got ${showValue(ctx.doc, field.value)}: ${tv(ctx)} cannot pick a rope function.`, 'error')];
    }
    if (KNOWN_TYPES.has(type) || LEGACY_TYPES[type]) return [];
    const warnText = isV5(ctx)
      ? `"Missing validation function in 'RotaryEmbeddingConfigMixin' for 'rope_type'='${type}'"`
      : `"Missing validation function mapping in \`ROPE_VALIDATION_FUNCTIONS\` for 'rope_type'='${type}'"`;
    if (MODEL_HANDLED_TYPES[type]) {
      return [make(this, block, field.value.span, `Rope type '${type}' is handled by the model class, not by ${dictName(ctx)} validation: ${tv(ctx)} warns ${warnText}. ${MODEL_HANDLED_TYPES[type]}`, 'warning')];
    }
    const guess = didYouMeanType(type, ctx.features);
    const fixes = guess ? [fix(`Change to "${guess}"`, ctx.writer.setField(ctx.doc, block, field.key, guess), true)] : [];
    return [make(this, block, field.value.span,
      `Unknown rope type '${type}': ${tv(ctx)} warns ${warnText}, then model init fails with KeyError('${type}') in ROPE_INIT_FUNCTIONS.${guess ? ` Did you mean '${guess}'?` : ''}`,
      'error', fixes)];
  },
};
