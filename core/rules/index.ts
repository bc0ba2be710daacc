// Every rule that runs, in one list: the checker, docs/rules.md, the README's rule table, SARIF's rule list and the
// diagnostics' documentation links all read it. A rule lives in the file named by its id.
import type { Rule } from './types';
import { rule as unknownRopeType } from './unknown-rope-type';
import { rule as ropeTypeUnsupportedInVersion } from './rope-type-unsupported-in-version';
import { rule as missingRequiredKey } from './missing-required-key';
import { rule as missingRopeType } from './missing-rope-type';
import { rule as legacyTypeKey } from './legacy-type-key';
import { rule as typeConflict } from './type-conflict';
import { rule as unknownKey } from './unknown-key';
import { rule as keyUnsupportedInVersion } from './key-unsupported-in-version';
import { rule as invalidFactor } from './invalid-factor';
import { rule as intWhereFloat } from './int-where-float';
import { rule as yarnFactorMismatch } from './yarn-factor-mismatch';
import { rule as missingOriginal } from './missing-original-max-position-embeddings';
import { rule as yarnBetaOrder } from './yarn-beta-order';
import { rule as invalidAttentionFactor } from './invalid-attention-factor';
import { rule as llama3FrequencyFactors } from './llama3-frequency-factors';
import { rule as llama3OriginalLength } from './llama3-original-length';
import { rule as longropeFactorLength } from './longrope-factor-length';
import { rule as longropeMissingFactor } from './longrope-missing-factor';
import { rule as legacySuType } from './legacy-su-type';
import { rule as mixedRopeApi } from './mixed-rope-api';
import { rule as ropeParametersNeedsV5 } from './rope-parameters-needs-v5';
import { rule as legacyTwoKeyValidation } from './legacy-two-key-validation';
import { rule as staticYarnAdvice } from './static-yarn-advice';
import { rule as proportionalPartialRotary } from './proportional-partial-rotary-factor';
import { rule as ropeBlockNotObject } from './rope-block-not-object';
import { rule as maxModelLenAboveDerived } from './max-model-len-above-derived';
import { rule as ropeFreqScaleConflict } from './rope-freq-scale-conflict';
import { rule as llamaCppCtxNotRaised } from './llama-cpp-ctx-not-raised';
import { rule as yarnAttnFactorMscale } from './yarn-attn-factor-mscale';
import { rule as engineUnsupportedRopeType } from './engine-unsupported-rope-type';
import { rule as legacyRopeTypeSubscript } from './legacy-rope-type-subscript';
import { rule as valueOutOfRange } from './value-out-of-range';
import { rule as analysisFailed } from './analysis-failed';
import { rule as syntaxError } from './syntax-error';
import { rule as nonRopePositions } from './non-rope-positions';
import { rule as weakerScalingOverride } from './weaker-scaling-override';
import { rule as ollamaRopeParameterRemoved } from './ollama-rope-parameter-removed';
import { rule as ollamaNumCtxAboveModel } from './ollama-num-ctx-above-model';

const RULES: readonly Rule[] = [
  missingRopeType, unknownRopeType, ropeTypeUnsupportedInVersion, legacyTwoKeyValidation, ropeParametersNeedsV5,
  missingRequiredKey, missingOriginal, legacySuType, legacyTypeKey, typeConflict, unknownKey, keyUnsupportedInVersion,
  invalidFactor, intWhereFloat, yarnFactorMismatch, yarnBetaOrder, invalidAttentionFactor, llama3FrequencyFactors,
  llama3OriginalLength, longropeFactorLength, longropeMissingFactor, mixedRopeApi, staticYarnAdvice,
  proportionalPartialRotary, ropeBlockNotObject,
  nonRopePositions, weakerScalingOverride,
  // Rules that read serving commands and scripts (shell, YAML, Python) and Ollama Modelfiles.
  maxModelLenAboveDerived, ropeFreqScaleConflict, llamaCppCtxNotRaised, yarnAttnFactorMscale, engineUnsupportedRopeType,
  legacyRopeTypeSubscript, ollamaRopeParameterRemoved, ollamaNumCtxAboveModel,
  // Faults and values out of range (limits), syntax errors.
  valueOutOfRange, analysisFailed, syntaxError,
];

/** Every rule, in the order they run. */
export function allRules(): readonly Rule[] {
  return RULES;
}
