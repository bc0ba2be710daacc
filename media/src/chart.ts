// Small hand-written SVG line charts (no library): a few series of ≤ 8 points each, with 95% interval bands, a
// marker and dash per series, a legend that toggles series, hover/keyboard read-outs and a log switch.
// Drawn at the host's pixel width (redrawn on resize), so axis and legend text keep the editor's font size at
// any sidebar width instead of shrinking with a scaled viewBox.
import { fitWidth } from './fit';
import { markerPath, strokedMarker, type Marker } from './markers';
import { fixedAxis, linearAxis, logAxis, type Axis } from './ticks';

const SVG = 'http://www.w3.org/2000/svg';

export interface ChartPoint {
  x: number;
  y: number | null;
  /** The 95% interval around y, drawn as a band. */
  lo?: number;
  hi?: number;
  /** Evidence for the read-out, e.g. "21/32 · 95% 48–79%". */
  detail?: string;
}

export interface ChartSeries {
  id: string;
  label: string;
  /** CSS class carrying the colour and dash (see preview.css `.series-<id>`). */
  cls: string;
  marker: Marker;
  points: ChartPoint[];
  /** Measured for a block that is no longer the one under the cursor: drawn muted, labelled stale. */
  stale?: boolean;
  /** A baseline (reference line), not a method: no band, listed last. */
  baseline?: boolean;
  /** The legend group (ChartSpec.groups) the series is listed under. */
  group?: string;
}

export interface ChartSpec {
  title: string;
  /** Tick positions on the x axis (always drawn on a log2 scale: lengths double). */
  xTicks: Array<{ x: number; label: string; sub?: string }>;
  series: ChartSeries[];
  yLog: boolean;
  yFormat: (y: number) => string;
  /** Axis labels (default yFormat), e.g. "5" rather than "5.00". */
  tickFormat?: (y: number) => string;
  /** Fixed y domain (accuracy 0..1); derived from the data (intervals included) otherwise. */
  yDomain?: [number, number];
  /** x position of a reference line (the training length). */
  xMark?: { x: number; label: string };
  hidden: Set<string>;
  onToggle: (id: string) => void;
  /** Legend groups, in order: a toggle per group that shows or hides all its series (onToggleGroup gets their ids).
   * Series of no listed group come first, ungrouped. */
  groups?: ReadonlyArray<{ id: string; label: string }>;
  onToggleGroup?: (ids: string[]) => void;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

/** Kept for the frequency panel (dims.ts): tick values of a log or linear axis over [lo, hi]. */
export function yTicks(lo: number, hi: number, log: boolean): number[] {
  return (log ? logAxis(lo, hi) : linearAxis(lo, hi)).ticks;
}

let measureCtx: CanvasRenderingContext2D | null | undefined;
/** Text width in px at the given CSS font (canvas measureText; a per-character estimate without a canvas). */
function textWidth(s: string, font: string, px: number): number {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return s.length * px * 0.6;
  measureCtx.font = font;
  return measureCtx.measureText(s).width;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The y axis: fixed, or over every visible value and interval bound. */
function yAxisOf(spec: ChartSpec, visible: ChartSeries[]): Axis {
  if (spec.yDomain) return fixedAxis(spec.yDomain[0], spec.yDomain[1]);
  const ys = visible
    .flatMap((s) => s.points.flatMap((p) => [p.y, p.lo, p.hi]))
    .filter((y): y is number => finite(y) && (!spec.yLog || y > 0));
  if (!ys.length) return spec.yLog ? logAxis(1, 10) : linearAxis(0, 1);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  return spec.yLog ? logAxis(lo, hi) : linearAxis(lo, hi);
}

/** Draws the plot (axes, bands, lines, markers) into `wrap` at width W px; returns the hover read-out hooks. */
function drawPlot(wrap: HTMLElement, spec: ChartSpec, W: number): SVGSVGElement {
  const cs = getComputedStyle(wrap);
  const fs = Math.max(11, parseFloat(cs.fontSize) || 13);
  const font = `${fs}px ${cs.fontFamily}`;
  const visible = spec.series.filter((s) => !spec.hidden.has(s.id));
  const axis = yAxisOf(spec, visible);
  const yLabels = axis.ticks.map((v) => (spec.tickFormat ?? spec.yFormat)(v));
  const hasSub = spec.xTicks.some((t) => t.sub);
  const firstX = spec.xTicks[0];
  const lastX = spec.xTicks[spec.xTicks.length - 1];
  const halfLabel = (t: { label: string; sub?: string } | undefined) =>
    t ? Math.max(textWidth(t.label, font, fs), t.sub ? textWidth(t.sub, font, fs) : 0) / 2 : 0;
  const m = {
    l: Math.max(Math.ceil(Math.max(...yLabels.map((s) => textWidth(s, font, fs)))) + 8, halfLabel(firstX) + 2),
    r: Math.max(6, Math.ceil(halfLabel(lastX)) + 2),
    t: Math.round(fs * 0.7),
    b: Math.round(fs * (hasSub ? 2.7 : 1.6)),
  };
  const H = Math.round(Math.min(240, Math.max(150, W * 0.62)) + m.b);
  const xs = spec.xTicks.map((t) => t.x);
  const x0 = Math.log2(Math.min(...xs));
  const x1 = Math.log2(Math.max(...xs));
  const plotW = W - m.l - m.r;
  const sx = (x: number) => m.l + (x1 === x0 ? plotW / 2 : ((Math.log2(x) - x0) / (x1 - x0)) * plotW);
  const ty = (y: number) => (spec.yLog ? Math.log10(Math.max(y, 1e-9)) : y);
  const clampY = (y: number) => Math.min(Math.max(y, axis.lo), axis.hi);
  const sy = (y: number) => m.t + (1 - (ty(clampY(y)) - ty(axis.lo)) / (ty(axis.hi) - ty(axis.lo) || 1)) * (H - m.t - m.b);

  const svg = el('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', tabindex: 0, 'aria-label': `${spec.title}. Shaded bands are 95% intervals. Use the arrow keys to read values; the tables below hold the same numbers.` });
  const grid = el('g', { class: 'grid' }, svg);
  axis.ticks.forEach((v, i) => {
    const y = sy(v);
    el('line', { x1: m.l, x2: W - m.r, y1: y, y2: y }, grid);
    el('text', { x: m.l - 5, y, class: 'tick y', 'dominant-baseline': 'middle' }, grid).textContent = yLabels[i]!;
  });
  for (const tick of spec.xTicks) {
    const x = sx(tick.x);
    el('line', { x1: x, x2: x, y1: m.t, y2: H - m.b, class: 'v' }, grid);
    el('text', { x, y: H - m.b + fs * 1.15, class: 'tick x' }, grid).textContent = tick.label;
    if (tick.sub) el('text', { x, y: H - m.b + fs * 2.3, class: 'tick x sub' }, grid).textContent = tick.sub;
  }
  if (spec.xMark) {
    const x = sx(spec.xMark.x);
    el('line', { x1: x, x2: x, y1: m.t, y2: H - m.b, class: 'mark' }, svg);
    el('text', { x: x + 3, y: m.t + fs * 0.9, class: 'mark-label' }, svg).textContent = spec.xMark.label;
  }

  // Series are nudged apart horizontally by a few pixels so equal values (0% at long lengths) stay visible.
  const n = visible.length;
  const dodge = (i: number) => (n > 1 ? (i - (n - 1) / 2) * Math.min(2.2, 14 / n) : 0);
  const bands = el('g', { class: 'band-layer' }, svg);
  const plot = el('g', { class: 'series-layer' }, svg);
  visible.forEach((s, i) => {
    const dx = dodge(i);
    const pts = s.points.filter((p) => finite(p.y) && (!spec.yLog || (p.y as number) > 0));
    const cls = `series ${s.cls}${s.stale ? ' stale' : ''}${s.baseline ? ' baseline' : ''}`;
    // Bands: runs of consecutive points that carry an interval; a lone point gets an error bar.
    const withCi = s.points.map((p) => (finite(p.lo) && finite(p.hi) && (!spec.yLog || (p.lo as number) > 0) ? p : null));
    const runs: ChartPoint[][] = [];
    let cur: ChartPoint[] = [];
    for (const p of withCi) {
      if (p) cur.push(p);
      else if (cur.length) {
        runs.push(cur);
        cur = [];
      }
    }
    if (cur.length) runs.push(cur);
    if (runs.length) {
      const bg = el('g', { class: `${cls} ci`, 'data-series': s.id }, bands);
      for (const r of runs) {
        if (r.length === 1) {
          const x = sx(r[0]!.x) + dx;
          el('path', { d: `M${(x - 3).toFixed(1)},${sy(r[0]!.hi!).toFixed(1)}h6M${x.toFixed(1)},${sy(r[0]!.hi!).toFixed(1)}V${sy(r[0]!.lo!).toFixed(1)}M${(x - 3).toFixed(1)},${sy(r[0]!.lo!).toFixed(1)}h6`, class: 'errbar' }, bg);
          continue;
        }
        const top = r.map((p) => `${(sx(p.x) + dx).toFixed(1)},${sy(p.hi!).toFixed(1)}`);
        const bottom = r.map((p) => `${(sx(p.x) + dx).toFixed(1)},${sy(p.lo!).toFixed(1)}`).reverse();
        el('path', { d: `M${top.join('L')}L${bottom.join('L')}Z`, class: 'band' }, bg);
      }
    }
    const g = el('g', { class: cls, 'data-series': s.id }, plot);
    if (pts.length > 1) el('path', { d: pts.map((p, k) => `${k ? 'L' : 'M'}${(sx(p.x) + dx).toFixed(1)},${sy(p.y as number).toFixed(1)}`).join(''), class: 'line' }, g);
    if (s.marker !== 'none') {
      const r = Math.max(3, fs * 0.28);
      for (const p of pts) el('path', { d: markerPath(s.marker, sx(p.x) + dx, sy(p.y as number), r), class: `marker${strokedMarker(s.marker) ? ' stroked' : ''}` }, g);
    }
  });
  wrap.replaceChildren(svg);
  return Object.assign(svg, { __sx: sx, __top: m.t, __bottom: H - m.b, __W: W });
}

export function renderChart(host: HTMLElement, spec: ChartSpec): void {
  host.replaceChildren();
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const cap = document.createElement('figcaption');
  cap.textContent = spec.title;
  figure.appendChild(cap);
  const frame = document.createElement('div');
  frame.className = 'chart-plot';
  const wrap = document.createElement('div');
  wrap.className = 'chart-svg';
  frame.appendChild(wrap);
  figure.appendChild(frame);
  const visible = spec.series.filter((s) => !spec.hidden.has(s.id));

  // hover / keyboard read-out (outside the redrawn SVG, so it survives a resize)
  const tip = document.createElement('div');
  tip.className = 'chart-tip';
  tip.hidden = true;
  tip.setAttribute('role', 'status');
  frame.appendChild(tip);
  let idx = -1;
  let svg: ReturnType<typeof drawPlot> | undefined;
  let cursor: SVGLineElement | undefined;
  type Geo = { __sx: (x: number) => number; __top: number; __bottom: number; __W: number };
  const geo = () => svg as unknown as Geo;
  const show = (i: number) => {
    if (!svg || !spec.xTicks.length) return;
    idx = Math.max(0, Math.min(spec.xTicks.length - 1, i));
    const tick = spec.xTicks[idx]!;
    const x = geo().__sx(tick.x);
    cursor?.setAttribute('x1', String(x));
    cursor?.setAttribute('x2', String(x));
    cursor?.setAttribute('visibility', 'visible');
    tip.replaceChildren();
    const head = document.createElement('div');
    head.className = 'tip-head';
    head.textContent = tick.sub ? `${tick.label} · ${tick.sub}` : tick.label;
    tip.appendChild(head);
    const rows = visible
      .map((s) => ({ s, p: s.points.find((p) => p.x === tick.x) }))
      .sort((a, b) => (b.p?.y ?? -Infinity) - (a.p?.y ?? -Infinity));
    for (const { s, p } of rows) {
      const row = document.createElement('div');
      row.className = `tip-row ${s.cls}${s.stale ? ' stale' : ''}`;
      const sw = document.createElement('span');
      sw.className = 'swatch';
      const name = document.createElement('span');
      name.textContent = s.stale ? `${s.label} (stale)` : s.label;
      const val = document.createElement('span');
      val.className = 'tip-val';
      val.textContent = !p || p.y === null ? '—' : spec.yFormat(p.y);
      row.append(sw, name, val);
      if (p?.detail) {
        const d = document.createElement('span');
        d.className = 'tip-detail';
        d.textContent = p.detail;
        row.appendChild(d);
      }
      tip.appendChild(row);
    }
    tip.hidden = false;
    // CSSOM positioning (allowed by the CSP, unlike inline style attributes).
    const frac = x / geo().__W;
    tip.style.left = frac > 0.5 ? '' : `calc(${(frac * 100).toFixed(1)}% + 10px)`;
    tip.style.right = frac > 0.5 ? `calc(${((1 - frac) * 100).toFixed(1)}% + 10px)` : '';
  };
  const hide = () => {
    cursor?.setAttribute('visibility', 'hidden');
    tip.hidden = true;
  };
  const draw = (width: number) => {
    const focused = svg !== undefined && document.activeElement === svg;
    svg = drawPlot(wrap, spec, width);
    const g = geo();
    cursor = el('line', { y1: g.__top, y2: g.__bottom, class: 'cursor', visibility: 'hidden' }, svg);
    svg.addEventListener('pointermove', (ev) => {
      const r = svg!.getBoundingClientRect();
      const px = ((ev.clientX - r.left) / r.width) * g.__W;
      let best = 0;
      spec.xTicks.forEach((t, i) => {
        if (Math.abs(g.__sx(t.x) - px) < Math.abs(g.__sx(spec.xTicks[best]!.x) - px)) best = i;
      });
      show(best);
    });
    svg.addEventListener('pointerleave', hide);
    svg.addEventListener('blur', hide);
    svg.addEventListener('focus', () => show(idx < 0 ? 0 : idx));
    svg.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowRight') show(idx + 1);
      else if (ev.key === 'ArrowLeft') show(idx - 1);
      else if (ev.key === 'Escape') hide();
      else return;
      ev.preventDefault();
    });
    if (focused) svg.focus();
    if (!tip.hidden && idx >= 0) show(idx);
  };
  fitWidth(frame, draw);

  // legend: buttons that toggle series, each with its colour, dash and marker
  const legend = document.createElement('div');
  legend.className = 'legend';
  legend.setAttribute('role', 'group');
  legend.setAttribute('aria-label', `${spec.title} series`);
  const item = (s: ChartSeries): HTMLButtonElement => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `legend-item ${s.cls}${s.stale ? ' stale' : ''}`;
    b.dataset.series = s.id;
    b.setAttribute('aria-pressed', String(!spec.hidden.has(s.id)));
    b.title = spec.hidden.has(s.id) ? `Show ${s.label}` : `Hide ${s.label}`;
    b.append(legendSwatch(s), document.createTextNode(s.stale ? `${s.label} (stale)` : s.label));
    b.addEventListener('click', () => spec.onToggle(s.id));
    return b;
  };
  const groups = spec.groups ?? [];
  for (const s of spec.series.filter((x) => !groups.some((g) => g.id === x.group))) legend.appendChild(item(s));
  for (const g of groups) {
    const members = spec.series.filter((s) => s.group === g.id);
    if (members.length === 0) continue;
    const box = document.createElement('div');
    box.className = 'legend-group';
    box.dataset.group = g.id;
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', g.label);
    const anyShown = members.some((s) => !spec.hidden.has(s.id));
    const t = document.createElement('button');
    t.type = 'button';
    t.className = 'legend-group-toggle';
    t.dataset.group = g.id;
    t.setAttribute('aria-pressed', String(anyShown));
    t.title = anyShown ? `Hide every line of “${g.label}”` : `Show every line of “${g.label}”`;
    t.textContent = g.label;
    t.addEventListener('click', () => spec.onToggleGroup?.(members.map((s) => s.id)));
    box.appendChild(t);
    for (const s of members) box.appendChild(item(s));
    legend.appendChild(box);
  }
  figure.appendChild(legend);
  host.appendChild(figure);
}

/** A 22×12 sample of the series: its dash pattern and marker in its colour. */
export function legendSwatch(s: Pick<ChartSeries, 'cls' | 'marker' | 'stale' | 'baseline'>): SVGSVGElement {
  const svg = el('svg', { width: 22, height: 12, viewBox: '0 0 22 12', class: 'key', 'aria-hidden': 'true' });
  const g = el('g', { class: `series ${s.cls}${s.stale ? ' stale' : ''}${s.baseline ? ' baseline' : ''}` }, svg);
  el('path', { d: 'M1,6H21', class: 'line' }, g);
  if (s.marker !== 'none') el('path', { d: markerPath(s.marker, 11, 6, 3.4), class: `marker${strokedMarker(s.marker) ? ' stroked' : ''}` }, g);
  return svg;
}
