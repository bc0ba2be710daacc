// Display names and series classes of the preview methods (one place, used by toggles, charts and the table).
import type { MethodId } from './protocol';

export const METHOD_LABEL: Record<MethodId, string> = {
  none: 'No scaling',
  linear: 'PI (linear)',
  ntk: 'NTK-aware',
  dynamic: 'Dynamic NTK',
  yarn: 'YaRN',
  llama3: 'Llama 3',
  yours: 'Yours',
};

export const METHOD_HINT: Record<MethodId, string> = {
  none: 'Original frequencies, no change past the training length.',
  linear: 'Position interpolation: every frequency divided by s.',
  ntk: 'Static NTK-aware: rope_theta × s^(d/(d−2)).',
  dynamic: 'Dynamic NTK: theta recomputed from the current length; short inputs untouched.',
  yarn: 'YaRN: high frequencies kept, low ones interpolated, a ramp between; attention ×(0.1·ln s + 1).',
  llama3: 'Llama 3: low frequencies ÷ s, high ones kept, smooth between.',
  yours: 'Your block’s type and parameters, mapped onto the mini-model (original length = L₀).',
};

export const seriesClass = (m: MethodId): string => `series-${m}`;

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
export function fmtMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}
