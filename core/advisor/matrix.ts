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
}

const MEMORY =
  'At this length attention memory, not positions, is usually the limit: consider methods that bound attention cost ' +
  '(ALiBi-style biases, sliding-window or ring attention) alongside RoPE scaling.';

export const MATRIX: readonly MatrixRow[] = [
  { band: 'within', finetune: false, methods: ['none', 'dynamic'], reason: 'The target fits inside the trained context: plain RoPE is exact there, and any scaling only blurs positions.' },
  { band: 'within', finetune: true, methods: ['none', 'yarn'], reason: 'The target fits inside the trained context: fine-tune with plain RoPE; scaling would only blur positions.' },
  { band: 'up-to-2x', finetune: false, methods: ['dynamic', 'yarn'], reason: 'For zero-shot extension without training, dynamic NTK works surprisingly well: it leaves inputs inside the trained length untouched and stretches only longer ones.' },
  { band: 'up-to-2x', finetune: true, methods: ['yarn', 'linear'], reason: 'When you fine-tune, YaRN converges in fewer steps than Position Interpolation and keeps short-context quality better.' },
  { band: 'up-to-8x', finetune: false, methods: ['dynamic', 'yarn'], reason: 'For zero-shot extension without training, dynamic NTK works surprisingly well up to a few times the trained length; YaRN is the static alternative.' },
  { band: 'up-to-8x', finetune: true, methods: ['yarn', 'linear'], reason: 'When you fine-tune, YaRN converges in fewer steps than Position Interpolation (about 10× fewer tokens in the YaRN paper) and keeps short-context quality better.' },
  { band: 'up-to-32x', finetune: false, methods: ['yarn', 'dynamic'], reason: 'Past about 8× no zero-shot method holds up well; YaRN degrades most gracefully. Plan a short fine-tune if quality matters.', caution: 'Zero-shot at this stretch: expect a clear perplexity rise; fine-tuning is strongly advised.' },
  { band: 'up-to-32x', finetune: true, methods: ['yarn', 'linear'], reason: 'When you fine-tune, YaRN converges in fewer steps than Position Interpolation and keeps short-context quality better; Llama 3.1 and Qwen use it for 8–32× extensions.' },
  { band: 'beyond-32x', finetune: false, methods: ['yarn', 'dynamic'], reason: 'Beyond 32× zero-shot, every RoPE method loses most of its quality; YaRN loses least.', caution: MEMORY },
  { band: 'beyond-32x', finetune: true, methods: ['yarn', 'linear'], reason: 'YaRN with progressive fine-tuning (extend in stages) is the method used for the largest published extensions.', caution: MEMORY },
];

export function matrixRow(band: RatioBand, finetune: boolean): MatrixRow {
  const row = MATRIX.find((r) => r.band === band && r.finetune === finetune);
  if (!row) throw new Error(`no matrix row for ${band}/${finetune}`);
  return row;
}
