// Rule registry. Core rules are listed here; dialect rules add themselves with registerRule.
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
import { rule as nonRopePositions } from './non-rope-positions';
import { rule as weakerScalingOverride } from './weaker-scaling-override';

const registry: Rule[] = [
  missingRopeType, unknownRopeType, ropeTypeUnsupportedInVersion, legacyTwoKeyValidation, ropeParametersNeedsV5,
  missingRequiredKey, missingOriginal, legacySuType, legacyTypeKey, typeConflict, unknownKey, keyUnsupportedInVersion,
  invalidFactor, intWhereFloat, yarnFactorMismatch, yarnBetaOrder, invalidAttentionFactor, llama3FrequencyFactors,
  llama3OriginalLength, longropeFactorLength, longropeMissingFactor, mixedRopeApi, staticYarnAdvice,
  proportionalPartialRotary, ropeBlockNotObject,
  nonRopePositions, weakerScalingOverride,
];

/** Every registered rule (core first, then dialect rules in registration order). */
export function allRules(): readonly Rule[] {
  return registry;
}

/** Adds a rule (dialect rules); a rule with the same id replaces the earlier one. */
export function registerRule(rule: Rule): void {
  const i = registry.findIndex((r) => r.id === rule.id);
  if (i >= 0) registry[i] = rule;
  else registry.push(rule);
}

export function ruleById(id: string): Rule | undefined {
  return registry.find((r) => r.id === id);
}
