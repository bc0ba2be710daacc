// `npm run bench`: runs every test/bench/*.bench.ts (or those whose name contains argv[2]) and prints figures.
// A bench file exports `run(): Promise<BenchRow[]>` (or a default function); files without one print themselves.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** What the figure is beside or how it was taken. */
  note?: string;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(v === Math.round(v) ? 0 : 3);
}

async function main(): Promise<void> {
  const filter = process.argv[2] ?? '';
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
    .sort();
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  let failed = 0;
  for (const f of files) {
    console.log(`\n## ${f}`);
    try {
      const mod = (await import(pathToFileURL(join(__dirname, f)).href)) as { run?: () => Promise<BenchRow[]>; default?: unknown };
      const fn = mod.run ?? (typeof mod.default === 'function' ? (mod.default as () => Promise<BenchRow[]>) : (mod.default as { run?: () => Promise<BenchRow[]> } | undefined)?.run);
      if (!fn) continue;
      const rows = await fn();
      const w = Math.max(...rows.map((r) => r.name.length), 10);
      for (const r of rows) console.log(`  ${r.name.padEnd(w)}  ${fmt(r.value).padStart(10)} ${r.unit.padEnd(6)}${r.note ? `  ${r.note}` : ''}`);
    } catch (e) {
      failed++;
      console.log(`  FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
