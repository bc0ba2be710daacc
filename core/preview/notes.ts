// The notes that say how a factor policy hands factors to the methods, including dynamic NTK's formula (shared by
// live results and results read from the reference).
import { FINETUNE, isFinetuned, isOtherEncoding, modelOf } from './models';
import type { FactorPolicy, PreviewMethod } from './types';

/**
 * transformers' dynamic NTK (modeling_rope_utils.py _compute_dynamic_ntk_parameters, v4.46 L155–158; unchanged
 * in v5.15): seq_len = max(seq_len, mpe); base' = base·((factor·seq_len/mpe) − (factor − 1))^(d/(d−2)).
 */
export const DYNAMIC_FORMULA = "base' = base·((factor·L/L0) − (factor − 1))^(d/(d−2)) for L > L0, unchanged at L ≤ L0";

export function policyNotes(policy: FactorPolicy, staticFactor: number, L0: number): string[] {
  return policy === 'per-length'
    ? [
        `factor policy per-length: each static method uses s = max(1, L/${L0}) at length L; dynamic keeps factor 1 and scales with L itself`,
        // ledger: transformers.dynamic
        `dynamic = transformers' dynamic NTK as it runs (modeling_rope_utils.py _compute_dynamic_ntk_parameters): ${DYNAMIC_FORMULA}; with factor 1 that is base·(L/L0)^(d/(d−2)), i.e. static ntk with s = L/L0 at each length`,
      ]
    : [
        `factor policy static: every built-in method uses s = ${staticFactor} at every length`,
        // ledger: transformers.dynamic
        `dynamic = transformers' dynamic NTK with factor ${staticFactor}: ${DYNAMIC_FORMULA}`,
      ];
}

/** What the methods with a model of their own are (only for those in `methods`). */
export function modelNotes(methods: readonly PreviewMethod[]): string[] {
  const out: string[] = [];
  const ft = methods.filter(isFinetuned);
  if (ft.length > 0) {
    out.push(
      `${ft.join(', ')} = ropelens-mini fine-tuned ${FINETUNE.steps} steps at ${FINETUNE.lengthMultiple}×L0 with that method (${ft.map((m) => modelOf(m).file).join(', ')}); ` +
        `each runs with the block it was tuned with at factor ${FINETUNE.factor} at every length and under either factor policy, as a deployment of the fine-tuned checkpoint does`,
    );
  }
  for (const m of methods.filter(isOtherEncoding)) {
    out.push(`${m} = ${modelOf(m).description} (${modelOf(m).file}), trained by the same pipeline as the RoPE model (MODEL_CARD.md); no factor: its graph takes only the bytes`);
  }
  return out;
}
