// Check time and peak memory at 1, 10 and 50 MB per dialect, and for a 1 MB vLLM script of ~6,600 serve commands
// each with a rope block. Each measurement runs in its own child process (check-child.ts), one after another, so
// its peak RSS is its own and a 2-core machine is not oversubscribed. Past the size guard
// (core/parse/size-guard.ts) only the beginning of a document is analysed: the 10 and 50 MB rows measure that
// cut plus one information finding.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BIG_KINDS, type BigKind } from './big-inputs';
import type { BenchRow } from './run';

const MB = 2 ** 20;
const SIZES = [1, 10, 50];
/** A child that runs longer than this is reported as timed out rather than stalling the bench. */
const CHILD_TIMEOUT_MS = 180_000;

interface ChildResult {
  ms: number;
  peakMB: number;
  baseMB: number;
  findings: number;
  chars: number;
  lines: number;
}

function measure(kind: BigKind, bytes: number): ChildResult | undefined {
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'check-child.ts'), kind, String(bytes)], {
      encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 20,
    });
    return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
  } catch {
    return undefined;
  }
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const kind of BIG_KINDS) {
    let first: number | undefined;
    for (const size of SIZES) {
      const r = measure(kind, size * MB);
      if (!r) {
        rows.push({ name: `${kind} ${size} MB: check`, value: NaN, unit: 'ms', note: `failed or over ${CHILD_TIMEOUT_MS / 1000} s` });
        continue;
      }
      first ??= r.ms;
      rows.push({ name: `${kind} ${size} MB: check`, value: r.ms, unit: 'ms', note: `${r.findings} findings${size > 1 ? `; ${(r.ms / first).toFixed(1)}× the 1 MB time` : ''}` });
      rows.push({ name: `${kind} ${size} MB: peak RSS`, value: r.peakMB, unit: 'MB', note: `process at ${r.baseMB.toFixed(0)} MB before the check` });
    }
  }
  const v = measure('vllm-script', MB);
  rows.push(v
    ? { name: 'vLLM script 1 MB: check', value: v.ms, unit: 'ms', note: `${v.lines} serve commands with a rope block, ${v.findings} findings` }
    : { name: 'vLLM script 1 MB: check', value: NaN, unit: 'ms', note: `failed or over ${CHILD_TIMEOUT_MS / 1000} s` });
  if (v) rows.push({ name: 'vLLM script 1 MB: peak RSS', value: v.peakMB, unit: 'MB', note: `process at ${v.baseMB.toFixed(0)} MB before the check` });
  return rows;
}

export default run;
