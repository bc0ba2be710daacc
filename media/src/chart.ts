// Small hand-written SVG line charts (no library): a few series of ≤ 8 points each, themed entirely by CSS classes
// that read VS Code's colour variables, with a legend that toggles series, hover/keyboard read-outs and a log switch.
const SVG = 'http://www.w3.org/2000/svg';

export interface ChartSeries {
  id: string;
  label: string;
  /** CSS class carrying the colour and dash (see preview.css `.series-<id>`). */
  cls: string;
  points: Array<{ x: number; y: number | null }>;
}

export interface ChartSpec {
  title: string;
  /** Tick positions on the x axis (always drawn on a log2 scale: lengths double). */
  xTicks: Array<{ x: number; label: string; sub?: string }>;
  series: ChartSeries[];
  yLog: boolean;
  yFormat: (y: number) => string;
  /** Fixed y domain (accuracy 0..1); derived from the data otherwise. */
  yDomain?: [number, number];
  /** x position of a reference line (the training length). */
  xMark?: { x: number; label: string };
  hidden: Set<string>;
  onToggle: (id: string) => void;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

/** "Nice" tick values for a linear or log axis. */
export function yTicks(lo: number, hi: number, log: boolean): number[] {
  // Within a decade or two, 1-2-5 steps leave too few ticks: use linear nice steps on the log axis.
  if (log && hi / lo < 20) return yTicks(lo, hi, false).filter((v) => v > 0);
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
      }
    }
    return out.length >= 2 ? out : [lo, hi];
  }
  const span = hi - lo || 1;
  const step0 = span / 4;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function renderChart(host: HTMLElement, spec: ChartSpec): void {
  host.replaceChildren();
  const W = 360;
  const H = 190;
  const m = { l: 44, r: 10, t: 10, b: 34 };
  const visible = spec.series.filter((s) => !spec.hidden.has(s.id));
  const ys = visible.flatMap((s) => s.points.map((p) => p.y)).filter((y): y is number => y !== null && Number.isFinite(y) && (!spec.yLog || y > 0));
  let [lo, hi] = spec.yDomain ?? [Math.min(...ys), Math.max(...ys)];
  if (!ys.length && !spec.yDomain) [lo, hi] = spec.yLog ? [1, 10] : [0, 1];
  if (spec.yLog) {
    lo = Math.max(lo, 1e-3);
    if (hi <= lo) hi = lo * 10;
    lo = lo / 1.15;
    hi = hi * 1.15;
  } else if (!spec.yDomain) {
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
    lo -= pad;
    hi += pad;
  }
  const xs = spec.xTicks.map((t) => t.x);
  const x0 = Math.log2(Math.min(...xs));
  const x1 = Math.log2(Math.max(...xs));
  const sx = (x: number) => m.l + (x1 === x0 ? (W - m.l - m.r) / 2 : ((Math.log2(x) - x0) / (x1 - x0)) * (W - m.l - m.r));
  const ty = (y: number) => (spec.yLog ? Math.log10(Math.max(y, 1e-9)) : y);
  const sy = (y: number) => m.t + (1 - (ty(y) - ty(lo)) / (ty(hi) - ty(lo))) * (H - m.t - m.b);

  const figure = document.createElement('figure');
  figure.className = 'chart';
  const cap = document.createElement('figcaption');
  cap.textContent = spec.title;
  figure.appendChild(cap);
  const wrap = document.createElement('div');
  wrap.className = 'chart-plot';
  figure.appendChild(wrap);
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', tabindex: 0, 'aria-label': `${spec.title}. Use the arrow keys to read values; the table below holds the same numbers.` }, wrap);

  // grid + axes
  const grid = el('g', { class: 'grid' }, svg);
  for (const v of yTicks(lo, hi, spec.yLog)) {
    const y = sy(v);
    el('line', { x1: m.l, x2: W - m.r, y1: y, y2: y }, grid);
    const t = el('text', { x: m.l - 6, y: y + 3.5, class: 'tick y' }, grid);
    t.textContent = spec.yFormat(v);
  }
  for (const tick of spec.xTicks) {
    const x = sx(tick.x);
    el('line', { x1: x, x2: x, y1: m.t, y2: H - m.b, class: 'v' }, grid);
    const t = el('text', { x, y: H - m.b + 13, class: 'tick x' }, grid);
    t.textContent = tick.label;
    if (tick.sub) {
      const s = el('text', { x, y: H - m.b + 25, class: 'tick x sub' }, grid);
      s.textContent = tick.sub;
    }
  }
  if (spec.xMark) {
    const x = sx(spec.xMark.x);
    el('line', { x1: x, x2: x, y1: m.t, y2: H - m.b, class: 'mark' }, svg);
    const t = el('text', { x: x + 3, y: m.t + 9, class: 'mark-label' }, svg);
    t.textContent = spec.xMark.label;
  }

  // series
  const plot = el('g', { class: 'series-layer' }, svg);
  for (const s of visible) {
    const pts = s.points.filter((p) => p.y !== null && Number.isFinite(p.y) && (!spec.yLog || (p.y as number) > 0));
    const g = el('g', { class: `series ${s.cls}`, 'data-series': s.id }, plot);
    if (pts.length > 1) el('path', { d: pts.map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y as number).toFixed(1)}`).join(''), class: 'line' }, g);
    for (const p of pts) el('circle', { cx: sx(p.x).toFixed(1), cy: sy(p.y as number).toFixed(1), r: 2.6, class: 'dot' }, g);
  }

  // hover / keyboard read-out
  const cursor = el('line', { y1: m.t, y2: H - m.b, class: 'cursor', visibility: 'hidden' }, svg);
  const tip = document.createElement('div');
  tip.className = 'chart-tip';
  tip.hidden = true;
  tip.setAttribute('role', 'status');
  wrap.appendChild(tip);
  let idx = -1;
  const show = (i: number) => {
    idx = Math.max(0, Math.min(spec.xTicks.length - 1, i));
    const tick = spec.xTicks[idx];
    const x = sx(tick.x);
    cursor.setAttribute('x1', String(x));
    cursor.setAttribute('x2', String(x));
    cursor.setAttribute('visibility', 'visible');
    tip.replaceChildren();
    const head = document.createElement('div');
    head.className = 'tip-head';
    head.textContent = tick.sub ? `${tick.label} · ${tick.sub}` : tick.label;
    tip.appendChild(head);
    const rows = visible
      .map((s) => ({ s, y: s.points.find((p) => p.x === tick.x)?.y ?? null }))
      .sort((a, b) => (b.y ?? -Infinity) - (a.y ?? -Infinity));
    for (const { s, y } of rows) {
      const row = document.createElement('div');
      row.className = `tip-row ${s.cls}`;
      const sw = document.createElement('span');
      sw.className = 'swatch';
      const name = document.createElement('span');
      name.textContent = s.label;
      const val = document.createElement('span');
      val.className = 'tip-val';
      val.textContent = y === null ? '—' : spec.yFormat(y);
      row.append(sw, name, val);
      tip.appendChild(row);
    }
    tip.hidden = false;
    // CSSOM positioning (allowed by the CSP, unlike inline style attributes).
    const frac = x / W;
    tip.style.left = frac > 0.55 ? '' : `calc(${(frac * 100).toFixed(1)}% + 10px)`;
    tip.style.right = frac > 0.55 ? `calc(${((1 - frac) * 100).toFixed(1)}% + 10px)` : '';
  };
  const hide = () => {
    cursor.setAttribute('visibility', 'hidden');
    tip.hidden = true;
  };
  svg.addEventListener('pointermove', (ev) => {
    const r = svg.getBoundingClientRect();
    const px = ((ev.clientX - r.left) / r.width) * W;
    let best = 0;
    spec.xTicks.forEach((t, i) => {
      if (Math.abs(sx(t.x) - px) < Math.abs(sx(spec.xTicks[best].x) - px)) best = i;
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

  // legend: buttons that toggle series
  const legend = document.createElement('div');
  legend.className = 'legend';
  legend.setAttribute('role', 'group');
  legend.setAttribute('aria-label', `${spec.title} series`);
  for (const s of spec.series) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `legend-item ${s.cls}`;
    b.setAttribute('aria-pressed', String(!spec.hidden.has(s.id)));
    b.title = spec.hidden.has(s.id) ? `Show ${s.label}` : `Hide ${s.label}`;
    const sw = document.createElement('span');
    sw.className = 'swatch';
    const name = document.createElement('span');
    name.textContent = s.label;
    b.append(sw, name);
    b.addEventListener('click', () => spec.onToggle(s.id));
    legend.appendChild(b);
  }
  figure.appendChild(legend);
  host.appendChild(figure);
}
