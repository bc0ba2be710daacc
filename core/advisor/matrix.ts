// The decision matrix practitioners use to extend a model's context, written as data so the README table,
// the editor flow and the CLI read the same rows.
import type { AdvisedMethod } from './engines';

/** Target length over the original (trained) context. */
export type RatioBand = 'within' | 'up-to-2x' | 'up-to-8x' | 'up-to-32x' | 'beyond-32x';

export const RATIO_BANDS: readonly { band: RatioBand; max: number; label: string }[] = [
  { band: 'within', max: 1, label: '≤ 1× (inside the trained length)' },
  { band: 'up-to-2x', max: 2, label: '1–2×' },
  { band: 'up-to-8x', max: 8, label: '2–8×' },
  { band: 'up-to-32x', max: 32, label: '8–32×' },
  { band: 'beyond-32x', max: Number.POSITIVE_INFINITY, label: '> 32×' },
];

export function ratioBand(ratio: number): RatioBand {
  for (const b of RATIO_BANDS) if (ratio <= b.max) return b.band;
  return 'beyond-32x';
}

export interface MatrixRow {
  band: RatioBand;
  finetune: boolean;
  /** Preferred method, then the runner-up (the two the preview measures). */
  methods: readonly [AdvisedMethod, AdvisedMethod];
  /** The matrix's reason, quoted in the recommendation. */
  reason: string;
  /** Extra advice (memory, quality) for this row. */
  caution?: string;
  /** Catalogue model ids the reason names, with the rope type it says they use (test: the catalogue agrees). */
  models?: readonly { id: string; ropeType: string }[];
}

const MEMORY =
  'At this length memory, not positions, is usually the limit: the memory note gives the KV cache at the target for ' +
  'this config and what bounds it on the engine.';

export const MATRIX: readonly MatrixRow[] = [
  { band: 'within', finetune: false, methods: ['none', 'dynamic'], reason: 'The target fits inside the trained context: plain RoPE is exact there, and any scaling only blurs positions.' },
  { band: 'within', finetune: true, methods: ['none', 'yarn'], reason: 'The target fits inside the trained context: fine-tune with plain RoPE; scaling would only blur positions.' },
  { band: 'up-to-2x', finetune: false, methods: ['dynamic', 'yarn'], reason: 'For zero-shot extension without training, dynamic NTK works surprisingly well: it leaves inputs inside the trained length untouched and stretches only longer ones.' },
  { band: 'up-to-2x', finetune: true, methods: ['yarn', 'linear'], reason: 'When you fine-tune, YaRN converges in fewer steps than Position Interpolation and keeps short-context quality better.' },
  { band: 'up-to-8x', finetune: false, methods: ['dynamic', 'yarn'], reason: 'For zero-shot extension without training, dynamic NTK works surprisingly well up to a few times the trained length; YaRN is the static alternative.' },
  { band: 'up-to-8x', finetune: true, methods: ['yarn', 'linear'], reason: 'When you fine-tune, YaRN converges in fewer steps than Position Interpolation (about 10× fewer tokens in the YaRN paper) and keeps short-context quality better.' },
  { band: 'up-to-32x', finetune: false, methods: ['yarn', 'dynamic'], reason: 'Past about 8× no zero-shot method holds up well; YaRN degrades most gracefully. Plan a short fine-tune if quality matters.', caution: 'Zero-shot at this stretch: expect a clear perplexity rise; fine-tuning is strongly advised.' },
  { band: 'up-to-32x', finetune: true, methods: ['yarn', 'linear'], reason: 'When you fine-tune, YaRN converges in fewer steps than Position Interpolation and keeps short-context quality better; gpt-oss (factor 32 from 4,096) and NousResearch Yarn-Llama-2-128k (factor 32) ship YaRN blocks at this stretch. Llama 3.1 uses its own llama3 rule (factor 8 from 8,192), not YaRN.',
    models: [{ id: 'openai/gpt-oss-20b', ropeType: 'yarn' }, { id: 'NousResearch/Yarn-Llama-2-7b-128k', ropeType: 'yarn' }, { id: 'meta-llama/Llama-3.1-8B', ropeType: 'llama3' }] },
  { band: 'beyond-32x', finetune: false, methods: ['yarn', 'dynamic'], reason: 'Beyond 32× zero-shot, every RoPE method loses most of its quality; YaRN loses least.', caution: MEMORY },
  { band: 'beyond-32x', finetune: true, methods: ['yarn', 'linear'], reason: 'YaRN with progressive fine-tuning (extend in stages) is the method used for the largest published extensions: DeepSeek-V2 and V3 ship YaRN factor 40 (4,096 → 163,840).', caution: MEMORY,
    models: [{ id: 'deepseek-ai/DeepSeek-V3', ropeType: 'yarn' }, { id: 'deepseek-ai/DeepSeek-V2-Lite', ropeType: 'yarn' }] },
];

export function matrixRow(band: RatioBand, finetune: boolean): MatrixRow {
  const row = MATRIX.find((r) => r.band === band && r.finetune === finetune);
  if (!row) throw new Error(`no matrix row for ${band}/${finetune}`);
  return row;
}
