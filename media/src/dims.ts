// Second panel: the user's exact block drawn per rotary frequency — wavelength before and after scaling against
// the original context, each frequency's band (kept / blended / interpolated), and the attention factor.
import { analyzeRope, ropeInputOf, type DimStatus } from '../../core/rope/analysis';
import { yTicks } from './chart';
import { fitWidth } from './fit';
import { tokens } from './methods';
import type { BlockInfo } from './protocol';

const SVG = 'http://www.w3.org/2000/svg';

export type Band = DimStatus;
export interface DimRow {
  j: number;
  wavelength0: number;
  wavelength: number;
  band: Band;
  /** Interpolation share (0 kept … 1 ÷factor) when the method defines one. */
  weight?: number;
}
export interface DimView {
  ropeType: string;
  ropeDim: number;
  factor: number;
  attentionFactor: number;
  originalContext?: number;
  extendedContext?: number;
  rows: DimRow[];
  /** The one-line summary hover and the CLI show ("dims 0–11 kept, …; attention ×1.35; …"). */
  summary: string;
  notes: string[];
  error?: string;
}

/** Per-frequency view of a block, from the rope math core's analysis (pure; exported for tests). */
export function analyseBlock(block: BlockInfo, transformersVersion?: string): DimView {
  const input = ropeInputOf(block, transformersVersion ? { transformersVersion } : {});
  const a = analyzeRope(input);
  const rows: DimRow[] = a.dims.map((d) => {
    const row: DimRow = { j: d.index, wavelength0: (2 * Math.PI) / d.defaultInvFreq, wavelength: d.wavelength, band: d.status };
    if (d.weight !== null) row.weight = d.weight;
    return row;
  });
  const view: DimView = {
    ropeType: a.result.ropeType,
    ropeDim: a.result.ropeDim,
    factor: a.result.factor,
    attentionFactor: a.result.attentionFactor,
    rows,
    summary: a.summary,
    notes: a.result.notes,
  };
  const orig = a.result.originalContext ?? input.facts.maxPositionEmbeddings;
  if (orig !== undefined) view.originalContext = orig;
  if (a.effectiveContext.transformers !== null) view.extendedContext = a.effectiveContext.transformers;
  if (a.result.error) view.error = a.result.error;
  return view;
}

/** 10 → "10", 1000 → "1K", 1e5 → "100K", 1e7 → "10M". */
function si(x: number): string {
  if (x >= 1e9) return `${+(x / 1e9).toPrecision(3)}G`;
  if (x >= 1e6) return `${+(x / 1e6).toPrecision(3)}M`;
  if (x >= 1e3) return `${+(x / 1e3).toPrecision(3)}K`;
  return String(+x.toPrecision(3));
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

export function renderDims(host: HTMLElement, block: BlockInfo | null, transformersVersion?: string): void {
  host.replaceChildren();
  if (!block) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = 'Pick a block (from the editor or an example) to see what it does to each rotary frequency.';
    host.appendChild(p);
    return;
  }
  let v: DimView;
  try {
    v = analyseBlock(block, transformersVersion);
  } catch (e) {
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = `This block cannot be analysed: ${e instanceof Error ? e.message : String(e)}`;
    host.appendChild(p);
    return;
  }
  const facts = document.createElement('dl');
  facts.className = 'facts';
  const add = (k: string, val: string) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = val;
    facts.append(dt, dd);
  };
  add('Type', v.ropeType);
  add('Factor', `×${+v.factor.toFixed(3)}`);
  add('Attention', `×${v.attentionFactor.toFixed(4)}`);
  add('Rotary dim', `${v.ropeDim} (${v.rows.length} frequencies)`);
  if (v.originalContext) add('Original context', `${tokens(v.originalContext)} tokens`);
  host.appendChild(facts);

  const sum = document.createElement('p');
  sum.className = 'band-summary';
  sum.textContent = v.summary;
  host.appendChild(sum);

  // Chart: x = frequency index, y = wavelength (log); bars coloured by band; reference lines at the contexts. Drawn at
  // the panel's pixel width (fit.ts) so its labels keep their CSS size in a narrow sidebar.
  const n = v.rows.length;
  const wl = v.rows.flatMap((r) => [r.wavelength0, r.wavelength]).filter((x) => Number.isFinite(x) && x > 0);
  const ctx = [v.originalContext, v.extendedContext].filter((x): x is number => !!x);
  const lo = Math.min(...wl) / 1.3;
  const hi = Math.max(...wl, ...ctx) * 1.3;
  // Powers of ten only (every other one when the range is wide), labelled 10, 1K, 100K, 10M.
  const decades = yTicks(lo, hi, true).filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9);
  const shownDecades = decades.filter((_, i, a) => a.length <= 6 || i % 2 === 0);
  const wrap = document.createElement('div');
  wrap.className = 'chart-plot';
  const draw = (W: number) => {
    const fs = Math.max(11, parseFloat(getComputedStyle(wrap).fontSize) || 13);
    const H = Math.round(Math.min(220, Math.max(140, W * 0.5)) + fs * 1.6);
    const m = { l: Math.round(fs * 2.6), r: 8, t: 8, b: Math.round(fs * 1.6) };
    const sy = (y: number) => m.t + (1 - (Math.log10(y) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - m.t - m.b);
    const bw = (W - m.l - m.r) / Math.max(n, 1);
    const sx = (j: number) => m.l + j * bw;
    const svg = document.createElementNS(SVG, 'svg');
    for (const [k, val] of Object.entries({ width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Wavelength per rotary frequency, before and after scaling. ${v.summary}` })) svg.setAttribute(k, String(val));
    const grid = el('g', { class: 'grid' }, svg);
    for (const t of shownDecades) {
      el('line', { x1: m.l, x2: W - m.r, y1: sy(t), y2: sy(t) }, grid);
      el('text', { x: m.l - 5, y: sy(t), class: 'tick y', 'dominant-baseline': 'middle' }, grid).textContent = si(t);
    }
    for (const r of v.rows) {
      const y = sy(Math.min(r.wavelength, hi));
      const rect = el('rect', { x: sx(r.j) + (bw > 4 ? 1 : 0), y, width: Math.max(bw - (bw > 4 ? 2 : 0.5), 0.5), height: H - m.b - y, class: `band band-${r.band}` }, svg);
      el('title', {}, rect).textContent = `freq ${r.j}: wavelength ${Math.round(r.wavelength0).toLocaleString('en-US')} → ${Math.round(r.wavelength).toLocaleString('en-US')} tokens (${r.band}${r.weight !== undefined && r.band === 'blended' ? `, ${(r.weight * 100).toFixed(0)}% interpolated` : ''})`;
      el('line', { x1: sx(r.j), x2: sx(r.j) + bw, y1: sy(r.wavelength0), y2: sy(r.wavelength0), class: 'orig-tick' }, svg);
    }
    for (const [val, cls, label] of [[v.originalContext, 'ctx-orig', 'original'], [v.extendedContext, 'ctx-ext', 'extended']] as const) {
      if (!val || (cls === 'ctx-ext' && val === v.originalContext)) continue;
      el('line', { x1: m.l, x2: W - m.r, y1: sy(val), y2: sy(val), class: cls }, svg);
      el('text', { x: m.l + 3, y: sy(val) - 3, class: `ctx-label ${cls}` }, svg).textContent = `${label} context ${tokens(val)}`;
    }
    // Label every 2^k-th frequency, as many as fit.
    const every = 2 ** Math.ceil(Math.log2(Math.max(1, n / Math.max(2, Math.floor((W - m.l) / (fs * 2.6))))));
    for (let j = 0; j < n; j += every) {
      el('text', { x: sx(j) + bw / 2, y: H - m.b + fs * 1.15, class: 'tick x' }, svg).textContent = String(j);
    }
    wrap.replaceChildren(svg);
  };
  fitWidth(wrap, draw);
  host.appendChild(wrap);
  const legend = document.createElement('div');
  legend.className = 'legend static';
  for (const [cls, label] of [['band-kept', 'kept'], ['band-blended', 'blended'], ['band-interpolated', 'interpolated'], ['band-scaled', 'rescaled'], ['band-unrotated', 'unrotated'], ['orig-tick', 'unscaled wavelength']] as const) {
    if (cls.startsWith('band-') && !v.rows.some((r) => `band-${r.band}` === cls)) continue;
    const s = document.createElement('span');
    s.className = `legend-item ${cls}`;
    const sw = document.createElement('span');
    sw.className = 'swatch';
    s.append(sw, label);
    legend.appendChild(s);
  }
  host.appendChild(legend);
  if (v.error || v.notes.length) {
    const ul = document.createElement('ul');
    ul.className = 'notes';
    for (const t of [...(v.error ? [`transformers would refuse this block: ${v.error}`] : []), ...v.notes]) {
      const li = document.createElement('li');
      li.textContent = t;
      ul.appendChild(li);
    }
    host.appendChild(ul);
  }
}
