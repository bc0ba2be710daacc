// Progress of a preview run on stderr when it is a terminal: cells done/total, elapsed, an estimate of what is left,
// and one line per finished cell. stdout keeps only the final table or JSON, so pipes and --json stay clean.
import type { PreviewCell, PreviewProgress } from '../core/preview/types';
import type { CliIO } from './io';

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One line for a finished cell: perplexity with its interval and needles as k/n. */
export function cellLine(c: PreviewCell): string {
  const parts = [`${c.method} @ ${c.lengthMultiple}×L0`];
  if (c.perplexity !== undefined) {
    const ci = c.perplexityCi95 ? ` (${c.perplexityCi95[0].toFixed(2)}–${c.perplexityCi95[1].toFixed(2)})` : '';
    parts.push(`ppl ${c.perplexity.toFixed(3)}${ci} over ${c.evalChunks ?? 0} chunks`);
  }
  if (c.needleCounts) {
    const [lo, hi] = c.needleCounts.ci95;
    parts.push(`needles ${c.needleCounts.correct}/${c.needleCounts.total} (${Math.round(lo * 100)}–${Math.round(hi * 100)}%)`);
  } else if (c.needles === 0) parts.push('needles 0/0');
  return parts.join(', ');
}

/** An onProgress handler that draws on stderr when it is a TTY (none otherwise), and end() to clear its line. */
export function ttyProgress(io: CliIO, label: string): { onProgress?: (p: PreviewProgress) => void; end(): void } {
  if (!io.stderrIsTTY) return { end: () => undefined };
  let drawn = false;
  const onProgress = (p: PreviewProgress): void => {
    drawn = true;
    const left = p.budgetMs !== undefined ? Math.max(0, p.budgetMs - p.elapsedMs) : p.done > 0 ? (p.elapsedMs / p.done) * (p.total - p.done) : undefined;
    const status = `${label}: ${p.done}/${p.total} cells, ${secs(p.elapsedMs)} elapsed${left !== undefined ? `, ≤ ${secs(left)} left` : ''}`;
    // \r + clear line: the status line is redrawn; finished cells scroll above it.
    if (p.final) io.stderr(`\r\x1b[2K  ${cellLine(p.cell)}\n`);
    io.stderr(`\r\x1b[2K${status}`);
  };
  return { onProgress, end: () => drawn && io.stderr('\r\x1b[2K') };
}
