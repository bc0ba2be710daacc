// Display names, hints, markers and series classes of the preview methods (one place, used by toggles, charts and
// the tables), and the number formats the view shows.
import type { Marker } from './markers';
import type { MethodId } from './protocol';
import { FINETUNE } from '../../core/preview/models';

export const METHOD_LABEL: Record<MethodId, string> = {
  none: 'No scaling',
  linear: 'PI (linear)',
  ntk: 'NTK-aware',
  dynamic: 'Dynamic NTK',
  yarn: 'YaRN',
  llama3: 'Llama 3',
  window: 'Window baseline',
  sinusoidal: 'Sinusoidal (absolute)',
  alibi: 'ALiBi',
  'linear+ft': 'PI, fine-tuned',
  'ntk+ft': 'NTK-aware, fine-tuned',
  'yarn+ft': 'YaRN, fine-tuned',
  yours: 'Yours',
};

/** Row labels of the tables, short enough for a 280 px sidebar (the full label is the row's tooltip). */
export const METHOD_SHORT: Record<MethodId, string> = {
  none: 'None',
  linear: 'PI',
  ntk: 'NTK',
  dynamic: 'Dynamic',
  yarn: 'YaRN',
  llama3: 'Llama 3',
  window: 'Window',
  sinusoidal: 'Sinusoidal',
  alibi: 'ALiBi',
  'linear+ft': 'PI+ft',
  'ntk+ft': 'NTK+ft',
  'yarn+ft': 'YaRN+ft',
  yours: 'Yours',
};

/** One marker per series (with its dash in preview.css), so no two series differ by colour alone. */
export const METHOD_MARKER: Record<MethodId, Marker> = {
  none: 'circle',
  linear: 'square',
  ntk: 'triangle',
  dynamic: 'triangle-down',
  yarn: 'diamond',
  llama3: 'cross',
  window: 'none',
  sinusoidal: 'plus',
  alibi: 'pentagon',
  // Fine-tuned: the zero-shot method's colour and shape, open (preview.css: a long dash).
  'linear+ft': 'square-open',
  'ntk+ft': 'triangle-open',
  'yarn+ft': 'diamond-open',
  yours: 'ring',
};

export const METHOD_HINT: Record<MethodId, string> = {
  none: 'Original frequencies, no change past the training length.',
  linear: 'Position interpolation: every frequency divided by s.',
  ntk: 'Static NTK-aware: rope_theta × s^(d/(d−2)).',
  dynamic: 'Dynamic NTK (transformers’ dynamic): theta recomputed from the sequence length L, base·((s·L/L₀) − (s−1))^(d/(d−2)) past L₀; short inputs untouched. Per length it keeps s = 1.',
  yarn: 'YaRN: high frequencies kept, low ones interpolated, a ramp between; attention ×(0.1·ln s + 1).',
  llama3: 'Llama 3: low frequencies ÷ s, high ones kept, smooth between.',
  window: 'Baseline, not a scaling method: the unscaled model predicts each byte from only the L₀ bytes before it. A method that beats it uses context past L₀. Perplexity only.',
  sinusoidal: 'A sibling model with sinusoidal absolute positions added to the embeddings, the same formula past L₀: no factor, nothing to scale.',
  alibi: 'A sibling model with ALiBi: per-head linear distance biases (geometric slopes), no rotary positions, no factor.',
  'linear+ft': `The RoPE model fine-tuned ${FINETUNE.steps} steps at ${FINETUNE.lengthMultiple}×L₀ with PI, run with PI ×${FINETUNE.factor} at every length.`,
  'ntk+ft': `The RoPE model fine-tuned ${FINETUNE.steps} steps at ${FINETUNE.lengthMultiple}×L₀ with static NTK-aware, run with it ×${FINETUNE.factor} at every length.`,
  'yarn+ft': `The RoPE model fine-tuned ${FINETUNE.steps} steps at ${FINETUNE.lengthMultiple}×L₀ with YaRN, run with YaRN ×${FINETUNE.factor} at every length.`,
  yours: 'Your block’s type and parameters, mapped onto the mini-model (original length = L₀).',
};

/** The legend's groups, in order: each method in one. Toggling a group shows or hides all its lines. */
export const METHOD_GROUPS: ReadonlyArray<{ id: string; label: string; methods: readonly MethodId[] }> = [
  { id: 'rope', label: 'RoPE, zero-shot', methods: ['none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3', 'yours'] },
  { id: 'baseline', label: 'baseline', methods: ['window'] },
  { id: 'other', label: 'other encodings', methods: ['sinusoidal', 'alibi'] },
  { id: 'ft', label: `fine-tuned ${FINETUNE.steps} steps at ${FINETUNE.lengthMultiple}×`, methods: ['linear+ft', 'ntk+ft', 'yarn+ft'] },
];

export const groupOf = (m: MethodId): string => METHOD_GROUPS.find((g) => g.methods.includes(m))!.id;

/** CSS class of a method's series ("+" is not a class character: linear+ft → series-linear-ft). */
export const seriesClass = (m: MethodId): string => `series-${m.replace('+', '-')}`;

/** 1024 → "1K", 131072 → "128K", 1500 → "1.5K". */
export function tokens(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)}M`;
  if (n >= 1024) {
    const k = n / 1024;
    return `${Number.isInteger(k) ? k : k.toFixed(1)}K`;
  }
  return String(n);
}

export const fmtMultiple = (m: number): string => `${Number.isInteger(m) ? m : m.toFixed(2)}×`;
export const fmtPpl = (p: number): string => (p >= 100 ? p.toFixed(0) : p >= 10 ? p.toFixed(1) : p.toFixed(2));
export const fmtPct = (a: number): string => `${Math.round(a * 100)}%`;
/** A 95% interval of a fraction: "48–79%". */
export const fmtPctRange = (ci: readonly [number, number], unit = '%'): string => `${Math.round(ci[0] * 100)}–${Math.round(ci[1] * 100)}${unit}`;
/** A perplexity interval as the larger half-width, "±0.03", at the value's own precision (never shown as ±0). */
export function fmtPplHalf(p: number, ci: readonly [number, number]): string {
  const half = Math.max(p - ci[0], ci[1] - p, 0);
  const digits = p >= 100 ? 0 : p >= 10 ? 1 : 2;
  const step = 10 ** -digits;
  return `±${(Math.max(Math.ceil(half / step - 1e-9) * step, step)).toFixed(digits)}`;
}
export const fmtPplRange = (ci: readonly [number, number]): string => `${fmtPpl(ci[0])}–${fmtPpl(ci[1])}`;
export function fmtMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}
