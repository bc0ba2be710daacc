// The same numbers as the charts, as accessible tables, with their evidence: needle retrieval as k/n with the 95%
// Wilson interval, perplexity with its 95% interval and the chunks it rests on, and perplexity past L₀ alone. One row
// per method, one column per length; cells not yet computed show as pending (the tables double as the progress
// grid). Emphasis marks the best cell and every cell whose interval overlaps it, never a difference inside the noise.
import { bestOf, estimateOf, needleCount, type Metric } from './evidence';
import { METHOD_LABEL, METHOD_SHORT, fmtMultiple, fmtPct, fmtPctRange, fmtPpl, fmtPplHalf, fmtPplRange, seriesClass, tokens } from './methods';
import type { MethodId } from './protocol';
import type { ShownCell } from './shown';

export interface TableSpec {
  methods: MethodId[];
  /** Mini-model lengths (bytes), ascending. */
  lengths: number[];
  originalLength: number;
  userOriginal?: number;
  cells: ShownCell[];
  /** A run is in progress: empty cells are pending rather than missing. */
  running: boolean;
  yoursLabel?: string;
}

interface One {
  id: string;
  metric: Metric;
  caption: string;
  sub: string;
  methods: MethodId[];
  lengths: number[];
}

const isBaseline = (m: MethodId) => m === 'window';

function headerRow(table: HTMLTableElement, t: TableSpec, lengths: number[]): void {
  const hr = table.createTHead().insertRow();
  const corner = document.createElement('th');
  corner.scope = 'col';
  corner.textContent = 'Method';
  hr.appendChild(corner);
  for (const L of lengths) {
    const th = document.createElement('th');
    th.scope = 'col';
    const m = L / t.originalLength;
    th.textContent = fmtMultiple(m);
    const sub = document.createElement('span');
    sub.className = 'sub';
    sub.textContent = t.userOriginal ? `${tokens(Math.round(m * t.userOriginal))}` : `${L} B`;
    th.append(document.createElement('br'), sub);
    th.title = `${L} bytes for the mini-model${t.userOriginal ? `; ${Math.round(m * t.userOriginal).toLocaleString('en-US')} tokens for your model` : ''}`;
    hr.appendChild(th);
  }
}

function sourceText(c: ShownCell): string {
  if (c.stale) return 'measured for another block (stale)';
  return c.source === 'reference' ? 'reference measurement' : 'measured live';
}

/** Fills one cell; returns false when the cell has no number for this metric. */
function fillCell(td: HTMLTableCellElement, c: ShownCell, metric: Metric, best: boolean, label: string): boolean {
  const e = estimateOf(c, metric);
  if (!e) return false;
  td.className = `done ${c.source === 'live' ? 'live' : 'reference'}${c.stale ? ' stale' : ''}`;
  td.dataset.source = c.source ?? 'live';
  const value = document.createElement('span');
  value.className = `value${best ? ' best' : ''}`;
  const ci = document.createElement('span');
  ci.className = 'ci';
  let title: string;
  if (metric === 'needle') {
    const n = needleCount(c)!;
    td.dataset.needleAccuracy = String(e.value);
    td.dataset.correct = String(n.correct);
    td.dataset.total = String(n.total);
    value.textContent = `${n.correct}/${n.total}`;
    ci.textContent = n.ci95 ? fmtPctRange(n.ci95, '') : fmtPct(e.value);
    title = `${label}: ${n.correct} of ${n.total} needle prompts retrieved (${fmtPct(e.value)})${n.ci95 ? `, 95% Wilson interval ${fmtPctRange(n.ci95)}` : ''}`;
  } else {
    td.dataset[metric === 'ppl' ? 'perplexity' : 'perplexityBeyondL0'] = String(e.value);
    value.textContent = fmtPpl(e.value);
    ci.textContent = e.ci ? fmtPplHalf(e.value, e.ci) : '';
    title = `${label}: perplexity ${metric === 'pplBeyond' ? 'past L₀ ' : ''}${fmtPpl(e.value)}${e.ci ? `, 95% interval ${fmtPplRange(e.ci)}` : ''}${c.evalChunks ? ` over ${c.evalChunks} chunks` : ''}`;
  }
  if (e.ci) {
    td.dataset.ciLo = String(e.ci[0]);
    td.dataset.ciHi = String(e.ci[1]);
  }
  td.append(value, ci);
  td.title = `${title}; ${sourceText(c)}; factor ${c.factor.toFixed(2)}, attention ×${c.attentionFactor.toFixed(3)}` +
    (c.reusedFrom ? ` (from ${c.reusedFrom.method} @ ${c.reusedFrom.length}: ${c.reusedFrom.why})` : '');
  if (c.stale || c.source === 'live') {
    const sr = document.createElement('span');
    sr.className = 'sr-only';
    sr.textContent = c.stale ? ' (stale)' : ' (live)';
    td.appendChild(sr);
  }
  return true;
}

function renderOne(t: TableSpec, o: One, byKey: Map<string, ShownCell>): HTMLElement {
  const table = document.createElement('table');
  table.className = 'results';
  table.id = o.id;
  const cap = document.createElement('caption');
  cap.textContent = o.caption;
  const sub = document.createElement('span');
  sub.className = 'sub';
  sub.textContent = o.sub;
  cap.appendChild(sub);
  table.appendChild(cap);
  headerRow(table, t, o.lengths);
  const best = new Map<number, Set<ShownCell>>();
  for (const L of o.lengths) {
    const ranked = o.methods.filter((m) => !isBaseline(m)).map((m) => byKey.get(`${m}@${L}`)).filter((c): c is ShownCell => !!c && !c.stale);
    const base = o.metric === 'needle' ? undefined : byKey.get(`window@${L}`);
    best.set(L, bestOf(ranked, o.metric, base && !base.stale ? base : undefined));
  }
  const tbody = table.createTBody();
  for (const m of o.methods) {
    const tr = tbody.insertRow();
    const rowCells = o.lengths.map((L) => byKey.get(`${m}@${L}`));
    tr.className = `${seriesClass(m)}${isBaseline(m) ? ' baseline' : ''}${rowCells.some((c) => c?.stale) ? ' stale' : ''}`;
    const th = document.createElement('th');
    th.scope = 'row';
    const sw = document.createElement('span');
    sw.className = 'swatch';
    th.append(sw, METHOD_SHORT[m]);
    th.title = m === 'yours' && t.yoursLabel ? `Yours: ${t.yoursLabel}` : METHOD_LABEL[m];
    tr.appendChild(th);
    o.lengths.forEach((L, i) => {
      const td = tr.insertCell();
      td.dataset.method = m;
      td.dataset.length = String(L);
      const c = rowCells[i];
      const label = `${METHOD_LABEL[m]} at ${fmtMultiple(L / t.originalLength)} (${L} B)`;
      if (c && fillCell(td, c, o.metric, best.get(L)!.has(c), label)) return;
      const pending = t.running && !c;
      td.className = pending ? 'pending' : 'missing';
      td.textContent = pending ? '…' : '—';
      td.setAttribute('aria-label', pending ? 'pending' : 'not measured');
    });
  }
  if (o.metric !== 'needle') {
    // How many chunks of L bytes each column's perplexity rests on.
    const chunks = o.lengths.map((L) => [...byKey.values()].find((c) => c.length === L && c.evalChunks !== undefined && !c.stale)?.evalChunks);
    if (chunks.some((n) => n !== undefined)) {
      const fr = table.createTFoot().insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = 'chunks (n)';
      fr.appendChild(th);
      for (const n of chunks) fr.insertCell().textContent = n === undefined ? '–' : String(n);
    }
  }
  const scroll = document.createElement('div');
  scroll.className = 'table-scroll';
  scroll.appendChild(table);
  return scroll;
}

export function renderTable(host: HTMLElement, t: TableSpec): void {
  const byKey = new Map(t.cells.map((c) => [`${c.method}@${c.length}`, c]));
  const has = (k: keyof ShownCell) => t.cells.some((c) => c[k] !== undefined);
  const scaling = t.methods.filter((m) => !isBaseline(m));
  const tables: One[] = [];
  if (has('needleAccuracy') || t.running) {
    tables.push({
      id: 'table-needle',
      metric: 'needle',
      caption: 'Needle retrieval: prompts retrieved / scored',
      sub: 'Below: 95% Wilson interval in %. Bold: the best, and every cell whose interval overlaps it.',
      methods: scaling,
      lengths: t.lengths,
    });
  }
  if (has('perplexity') || t.running) {
    tables.push({
      id: 'table-ppl',
      metric: 'ppl',
      caption: 'Perplexity per byte, every position (lower is better)',
      sub: 'Below: half-width of the 95% interval (hover for the bounds). Bold: the best of the methods that beat the window baseline beyond the noise.',
      methods: t.methods,
      lengths: t.lengths,
    });
  }
  const beyond = t.lengths.filter((L) => L > t.originalLength);
  if (beyond.length && has('perplexityBeyondL0')) {
    tables.push({
      id: 'table-beyond',
      metric: 'pplBeyond',
      caption: 'Perplexity past L₀ only (positions ≥ L₀)',
      sub: 'A method uses context past L₀ only where it beats the window baseline here; bold marks those that do, beyond the noise.',
      methods: t.methods,
      lengths: beyond,
    });
  }
  host.replaceChildren(...tables.map((o) => renderOne(t, o, byKey)));
}
