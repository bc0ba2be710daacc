// The same numbers as the charts, as an accessible table: one row per method, one column per length.
// Cells not yet computed show as pending, so the table doubles as the per-cell progress grid.
import { METHOD_LABEL, fmtMultiple, fmtPct, fmtPpl, seriesClass, tokens } from './methods';
import type { MethodId, PreviewCell } from './protocol';

export interface TableSpec {
  methods: MethodId[];
  /** Mini-model lengths (bytes), ascending. */
  lengths: number[];
  originalLength: number;
  userOriginal?: number;
  cells: PreviewCell[];
  /** A run is in progress: empty cells are pending rather than missing. */
  running: boolean;
  yoursLabel?: string;
}

export function renderTable(host: HTMLElement, t: TableSpec): void {
  const table = document.createElement('table');
  table.className = 'results';
  const cap = document.createElement('caption');
  cap.textContent = 'Perplexity per byte (lower is better) and needle retrieval (higher is better) per method and length';
  table.appendChild(cap);
  const thead = table.createTHead();
  const hr = thead.insertRow();
  const corner = document.createElement('th');
  corner.scope = 'col';
  corner.textContent = 'Method';
  hr.appendChild(corner);
  for (const L of t.lengths) {
    const th = document.createElement('th');
    th.scope = 'col';
    const m = L / t.originalLength;
    th.textContent = fmtMultiple(m);
    const sub = document.createElement('span');
    sub.className = 'sub';
    sub.textContent = t.userOriginal ? `${tokens(Math.round(m * t.userOriginal))} tok` : `${L} B`;
    th.append(document.createElement('br'), sub);
    th.title = `${L} bytes for the mini-model${t.userOriginal ? `; ${Math.round(m * t.userOriginal).toLocaleString('en-US')} tokens for your model` : ''}`;
    hr.appendChild(th);
  }
  const byKey = new Map(t.cells.map((c) => [`${c.method}@${c.length}`, c]));
  // Best perplexity / accuracy per length, for emphasis.
  const best = new Map<number, { ppl: number; acc: number }>();
  for (const L of t.lengths) {
    const cs = t.methods.map((m) => byKey.get(`${m}@${L}`)).filter((c): c is PreviewCell => !!c);
    best.set(L, {
      ppl: Math.min(...cs.map((c) => c.perplexity ?? Infinity)),
      acc: Math.max(...cs.map((c) => c.needleAccuracy ?? -Infinity)),
    });
  }
  const tbody = table.createTBody();
  for (const m of t.methods) {
    const tr = tbody.insertRow();
    tr.className = seriesClass(m);
    const th = document.createElement('th');
    th.scope = 'row';
    const sw = document.createElement('span');
    sw.className = 'swatch';
    th.append(sw, m === 'yours' && t.yoursLabel ? `Yours` : METHOD_LABEL[m]);
    if (m === 'yours' && t.yoursLabel) th.title = t.yoursLabel;
    tr.appendChild(th);
    for (const L of t.lengths) {
      const td = tr.insertCell();
      td.dataset.method = m;
      td.dataset.length = String(L);
      const c = byKey.get(`${m}@${L}`);
      if (!c) {
        td.className = t.running ? 'pending' : 'missing';
        td.textContent = t.running ? '…' : '—';
        td.setAttribute('aria-label', t.running ? 'pending' : 'not run');
        continue;
      }
      td.className = 'done';
      td.dataset.factor = String(c.factor);
      if (c.needles !== undefined) td.title = `factor ×${c.factor}; needle accuracy over ${c.needles} prompt${c.needles === 1 ? '' : 's'}`;
      const b = best.get(L)!;
      if (c.perplexity !== undefined) {
        td.dataset.perplexity = String(c.perplexity);
        const p = document.createElement('span');
        p.className = `ppl${c.perplexity === b.ppl ? ' best' : ''}`;
        p.textContent = fmtPpl(c.perplexity);
        td.appendChild(p);
      }
      if (c.needleAccuracy !== undefined) {
        td.dataset.needleAccuracy = String(c.needleAccuracy);
        const a = document.createElement('span');
        a.className = `acc${c.needleAccuracy === b.acc && c.needleAccuracy > 0 ? ' best' : ''}`;
        a.textContent = fmtPct(c.needleAccuracy);
        td.appendChild(a);
      }
      td.title = `${METHOD_LABEL[m]} at ${L} bytes: factor ${c.factor.toFixed(2)}, attention ×${c.attentionFactor.toFixed(3)}` +
        (c.reusedFrom ? ` (from ${c.reusedFrom.method} @ ${c.reusedFrom.length}: ${c.reusedFrom.why})` : '');
    }
  }
  host.replaceChildren(table);
}
