// The preview's text tables (methods × lengths: perplexity with its 95% interval, the same past L0 only, needles k/n
// with the Wilson interval), as `ropelens preview` prints them and the editor's "Preview on a real model…" shows
// them. Pure.
import type { PreviewCell, PreviewMethod, PreviewResult } from './types';

function fmt(x: number | undefined, digits: number): string {
  return x === undefined ? '-' : x >= 1000 ? x.toExponential(2) : x.toFixed(digits);
}

function pplText(v: number | undefined, ci: [number, number] | undefined): string {
  if (v === undefined) return '-';
  return ci ? `${fmt(v, 2)} (${fmt(ci[0], 2)}–${fmt(ci[1], 2)})` : fmt(v, 2);
}

function needleText(c: PreviewCell | undefined): string {
  if (!c || c.method === 'window') return '';
  if (!c.needleCounts) return c.needles === 0 ? '0/0' : '-';
  const { correct, total, ci95 } = c.needleCounts;
  return `${correct}/${total} (${Math.round(ci95[0] * 100)}–${Math.round(ci95[1] * 100)}%)`;
}

/**
 * The text tables: one row per method, one column per length. Perplexity per byte with its 95% interval, the same
 * over positions past L0 only, and needles as k/n with the Wilson 95% interval. Live cells carry a "*".
 */
export function renderPreviewTable(r: PreviewResult): string {
  const ppl = r.probes.includes('ppl');
  const needle = r.probes.includes('needle');
  const head = ['method', ...r.lengths.map((L) => `${L / r.originalLength}×L0 (${L})`)];
  const rowName = (m: PreviewMethod): string => (m === 'yours' && r.yours ? `yours: ${r.yours.ropeType}` : m === 'window' ? 'window (baseline)' : m);
  const table = (title: string, cellText: (c: PreviewCell | undefined, L: number) => string, methods: readonly PreviewMethod[]): string[] => {
    const rows = methods.map((m) => [
      rowName(m),
      ...r.lengths.map((L) => {
        const c = r.results.find((x) => x.method === m && x.length === L);
        const t = cellText(c, L);
        return t === '' ? '' : `${t}${c?.source === 'live' ? '*' : ' '}`;
      }),
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
    return [title, line(head), ...rows.map(line)];
  };
  const policy = r.factorPolicy === 'static' ? `static factor ${r.staticFactor}` : 'per-length factor s = L/L0 (dynamic: factor 1, scaled by the length)';
  // The bundled mini-model counts bytes; a real model on an engine (onnx, llama.cpp, openai) counts its own tokens.
  const unit = r.engine !== undefined ? 'token' : 'byte';
  const shownPolicy = r.engine !== undefined ? 'per-length factor s = L/L0' : policy;
  const out = [r.engine !== undefined ? `${r.model.name} on ${r.engine} (L0 = ${r.originalLength} tokens), ${shownPolicy}` : `ropelens-mini (byte-level, L0 = ${r.originalLength}), ${policy}`];
  if (ppl) {
    out.push('', ...table(`perplexity per ${unit} (95% interval)`, (c) => pplText(c?.perplexity, c?.perplexityCi95), r.methods));
    if (r.lengths.some((L) => L > r.originalLength)) {
      out.push('', ...table('perplexity past L0 only (positions ≥ L0; 95% interval)', (c, L) => (L > r.originalLength ? pplText(c?.perplexityBeyondL0, c?.perplexityBeyondL0Ci95) : ''), r.methods));
    }
  }
  if (needle) out.push('', ...table('needles retrieved k/n (Wilson 95% interval)', (c) => needleText(c), r.methods.filter((m) => m !== 'window')));
  const live = r.results.filter((c) => c.source === 'live');
  const ref = r.results.filter((c) => c.source === 'reference');
  out.push('');
  if (ref.length > 0) out.push(`reference cells: ${ref.length} (measured beside the model; n as shown)`);
  if (live.length > 0) {
    const t = r.timings;
    out.push(
      `* measured live: ${live.length} cells in ${(t.totalMs / 1000).toFixed(1)} s${t.budgetMs !== undefined ? ` of a ${(t.budgetMs / 1000).toFixed(1)} s budget${t.budgetSpent ? ' (spent: cells show the n they reached)' : ''}` : ''}, ` +
        `first result ${(t.firstResultMs / 1000).toFixed(2)} s, ${t.forwardPasses} forward passes`,
    );
  }
  out.push(`runtime: ${r.model.runtime}`);
  if (r.yours) {
    const yc = r.results.filter((c) => c.method === 'yours' && c.userTokens !== undefined);
    if (yc.length > 0) out.push(`yours: lengths in your tokens ${yc.map((c) => `${c.lengthMultiple}× = ${c.userTokens}`).join(', ')}`);
    for (const n of r.yours.notes) out.push(`  note: ${n}`);
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}

/** The cells an interrupted run measured, one line each (the table needs every cell). */
export function renderPartial(cells: readonly PreviewCell[]): string {
  if (!cells.length) return 'interrupted before the first cell\n';
  return cells.map((c) => {
    // Needle accuracy with its sample size (n prompts), as in the full table's samples line.
    const parts = [c.perplexity !== undefined ? `ppl ${fmt(c.perplexity, 3)}` : '', c.needleAccuracy !== undefined ? `needle ${Math.round(c.needleAccuracy * 100)}% (n = ${c.needles ?? '?'})` : ''].filter(Boolean);
    return `${c.method} at ${c.lengthMultiple}×L0 (${c.length}): ${parts.join(', ')}`;
  }).join('\n') + '\n';
}

