// Preview speed: forward time per length for onnxruntime-web (wasm, 1 and 2 threads) and onnxruntime-node (native
// anchor) on the same graph and inputs, their ratio; the first numbers shown from the reference (no forward pass);
// the default live run under its wall-clock budget with n and the Wilson half-width per cell; the sidebar's live part.
// Each measurement runs in its own child process: wasm's thread count is fixed at its first session, and peak RSS
// must belong to one runtime. Run alone: `node --import tsx test/bench/preview.bench.ts`.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { findModelDir, loadPreviewAssets, nodeWasmRuntime, readReferenceDoc } from '../../host/ort-node';
import { PreviewEngine } from '../../core/preview/engine';
import { loadReference, planPreview } from '../../core/preview/reference';
import { wilsonHalfWidth } from '../../core/preview/stats';
import { ortRuntime, type OrtLike, type PreviewRuntime } from '../../core/preview/runtime';
import { cosSin, MINI_MODEL, tablesFor } from '../../core/preview/tables';
import type { BenchRow } from './run';

const LENGTHS = [128, 256, 512, 1024, 2048];

async function runtimeFor(kind: string, threads: number): Promise<PreviewRuntime> {
  if (kind === 'wasm') return nodeWasmRuntime(threads);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as OrtLike;
  return ortRuntime(ort, `onnxruntime-node native (${threads} thread${threads > 1 ? 's' : ''})`, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Child: median forward ms per length (1 warm-up, then 5 runs, 3 at T ≥ 1024). */
async function childForward(kind: string, threads: number): Promise<Record<string, number>> {
  const assets = loadPreviewAssets();
  const rt = await runtimeFor(kind, threads);
  const t0 = performance.now();
  const session = await rt.createSession(assets.model);
  const out: Record<string, number> = { sessionMs: performance.now() - t0 };
  const none = tablesFor({ params: {} }, MINI_MODEL);
  for (const T of LENGTHS) {
    const ids = assets.evalText.subarray(0, T);
    const { cos, sin } = cosSin(none.invFreq, T);
    const x = { ids, cos, sin, attentionFactor: 1 };
    await session.forward(x);
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < (T >= 1024 ? 3 : 5); i++) {
      const f0 = performance.now();
      const c0 = process.cpuUsage();
      await session.forward(x);
      const c = process.cpuUsage(c0);
      times.push(performance.now() - f0);
      cpu.push((c.user + c.system) / 1000);
    }
    out[`T${T}`] = median(times);
    // CPU time of the process: for one thread, what the wall time is on an idle core (contention-free proxy).
    out[`cpuT${T}`] = median(cpu);
  }
  out['maxRssMB'] = process.resourceUsage().maxRSS / 1024;
  await session.release();
  return out;
}

/** Child: the default live run (`ropelens preview --live`: seven methods, L0..16×L0, both probes, 8 s wall-clock
 * budget), cold session, then again warm; per cell the n reached and the Wilson half-width. */
async function childSweep(threads: number): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const engine = new PreviewEngine(await nodeWasmRuntime(threads), loadPreviewAssets());
  const r = await engine.run({});
  const wall = performance.now() - t0;
  const cpuCold = process.cpuUsage(c0);
  // The same sweep again on the warm session (what the sidebar sees on a re-run).
  const c1 = process.cpuUsage();
  const warm = await engine.run({});
  const cpuWarm = process.cpuUsage(c1);
  await engine.dispose();
  return {
    coldTotalMs: wall,
    sessionMs: r.timings.sessionMs,
    budgetMs: r.timings.budgetMs,
    firstResultColdMs: r.timings.firstResultMs,
    warmTotalMs: warm.timings.totalMs,
    warmMaxPassMs: warm.timings.maxForwardMs ?? 0,
    firstResultWarmMs: warm.timings.firstResultMs,
    forwardPasses: r.timings.forwardPasses,
    reusedCells: r.timings.reusedCells,
    cpuColdMs: (cpuCold.user + cpuCold.system) / 1000,
    cpuWarmMs: (cpuWarm.user + cpuWarm.system) / 1000,
    cells: warm.results.map((c) => ({
      cell: `${c.method}@${c.lengthMultiple}x`,
      n: c.needleCounts?.total ?? 0,
      half: c.needleCounts ? wilsonHalfWidth(c.needleCounts.correct, c.needleCounts.total) : NaN,
      chunks: c.evalChunks ?? 0,
    })),
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

/** Child: a cold process showing the first numbers: model read and hashed, reference checked, cells planned. */
async function childReference(): Promise<Record<string, number>> {
  const t0 = performance.now();
  const dir = findModelDir();
  const assets = loadPreviewAssets(dir);
  const loaded = await loadReference(readReferenceDoc(dir), assets.model);
  const plan = planPreview({}, loaded.reference);
  return { firstShownMs: performance.now() - t0, referenceCells: plan.reference.length, liveCells: plan.liveCells.length };
}

/** Child: the sidebar's flow with the reference present: warm() when the view opens, then only the user's block is
 * measured live (five cells) under the sidebar's default 16 s budget. */
async function childWarmed(threads: number): Promise<Record<string, number>> {
  const dir = findModelDir();
  const assets = loadPreviewAssets(dir);
  const engine = new PreviewEngine(await nodeWasmRuntime(threads), assets);
  const warmMs = await engine.warm();
  await new Promise((r) => setTimeout(r, 1500)); // the user reads the view before clicking Run
  const loaded = await loadReference(readReferenceDoc(dir), assets.model);
  const request = { budget: 16, yours: { ropeType: 'yarn', params: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 32768 } } };
  const plan = planPreview(request, loaded.reference);
  const t0 = performance.now();
  const r = plan.live ? await engine.run(plan.live) : undefined;
  const wall = performance.now() - t0;
  await engine.dispose();
  return { warmMs, wallMs: wall, budgetMs: r?.timings.budgetMs ?? 0, liveCells: plan.liveCells.length, firstResultMs: r?.timings.firstResultMs ?? 0, minNeedles: Math.min(...(r?.results ?? []).map((c) => c.needles ?? 0)) };
}

function child<T = Record<string, number>>(args: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = out.trim().split('\n').pop()!;
  return JSON.parse(line) as T;
}

interface SweepOut {
  coldTotalMs: number;
  sessionMs: number;
  budgetMs: number;
  firstResultColdMs: number;
  warmTotalMs: number;
  warmMaxPassMs: number;
  firstResultWarmMs: number;
  forwardPasses: number;
  reusedCells: number;
  cpuColdMs: number;
  cpuWarmMs: number;
  cells: { cell: string; n: number; half: number; chunks: number }[];
  maxRssMB: number;
}

export async function run(): Promise<BenchRow[]> {
  const load = loadavg()[0]!.toFixed(2);
  const rows: BenchRow[] = [];
  const web1 = child(['forward', 'wasm', '1']);
  const web2 = child(['forward', 'wasm', '2']);
  const nat1 = child(['forward', 'native', '1']);
  const nat2 = child(['forward', 'native', '2']);
  for (const T of LENGTHS) {
    const k = `T${T}`;
    rows.push({ name: `forward T=${T} wasm 1 thread`, value: web1[k]!, unit: 'ms', note: `median wall; CPU ${web1[`cpu${k}`]!.toFixed(1)} ms` });
    rows.push({ name: `forward T=${T} wasm 2 threads`, value: web2[k]!, unit: 'ms' });
    rows.push({ name: `forward T=${T} native 1 thread`, value: nat1[k]!, unit: 'ms', note: `CPU ${nat1[`cpu${k}`]!.toFixed(1)} ms` });
    rows.push({ name: `forward T=${T} native 2 threads`, value: nat2[k]!, unit: 'ms' });
    rows.push({ name: `ratio T=${T} wasm/native, 1 thread`, value: web1[k]! / nat1[k]!, unit: '×', note: `target ≤ 2; by CPU time ${(web1[`cpu${k}`]! / nat1[`cpu${k}`]!).toFixed(2)}×` });
    rows.push({ name: `ratio T=${T} wasm/native, 2 threads`, value: web2[k]! / nat2[k]!, unit: '×' });
  }
  rows.push({ name: 'session create wasm 1 thread', value: web1['sessionMs']!, unit: 'ms' });
  rows.push({ name: 'session create native', value: nat1['sessionMs']!, unit: 'ms' });
  const ref = child(['reference']);
  rows.push({ name: 'first numbers shown (reference), cold process', value: ref['firstShownMs']!, unit: 'ms', note: `read + sha-256 of the model, reference checked: ${ref['referenceCells']} reference cells, ${ref['liveCells']} to measure live; no forward pass` });
  const sweep = child<SweepOut>(['sweep', '1']);
  rows.push({ name: 'default live run (--live), cold', value: sweep.coldTotalMs / 1000, unit: 's', note: `budget ${(sweep.budgetMs / 1000).toFixed(1)} s wall clock from a loaded model (+ one pass); session ${(sweep.sessionMs / 1000).toFixed(2)} s` });
  rows.push({ name: 'default live run (--live), warm', value: sweep.warmTotalMs / 1000, unit: 's', note: `budget ${(sweep.budgetMs / 1000).toFixed(1)} s, longest pass ${(sweep.warmMaxPassMs / 1000).toFixed(2)} s; ${sweep.forwardPasses} passes (cold run), ${sweep.reusedCells} reused cells` });
  for (const c of sweep.cells) {
    const needleNote = c.cell.startsWith('window') ? 'perplexity only (baseline)' : Number.isFinite(c.half) ? `Wilson half-width ${(c.half * 100).toFixed(0)} points` : 'no needle within the budget';
    rows.push({ name: `  warm live cell ${c.cell}`, value: c.n, unit: 'needles', note: `${needleNote}; ${c.chunks} eval chunks` });
  }
  rows.push({ name: 'default live run CPU time, cold', value: sweep.cpuColdMs / 1000, unit: 's', note: 'process CPU time' });
  rows.push({ name: 'default live run CPU time, warm', value: sweep.cpuWarmMs / 1000, unit: 's' });
  rows.push({ name: 'first live result, cold (incl. session)', value: sweep.firstResultColdMs, unit: 'ms' });
  rows.push({ name: 'first live result, warm session', value: sweep.firstResultWarmMs, unit: 'ms' });
  const warmed = child(['warmed', '1']);
  rows.push({ name: 'sidebar default run (yours live), wall', value: warmed['wallMs']! / 1000, unit: 's', note: `budget ${(warmed['budgetMs']! / 1000).toFixed(0)} s; ${warmed['liveCells']} live cells, ≥ ${warmed['minNeedles']} needles each; first result ${warmed['firstResultMs']!.toFixed(0)} ms after warm() ${warmed['warmMs']!.toFixed(0)} ms` });
  rows.push({ name: 'peak RSS, default sweep (wasm)', value: sweep['maxRssMB']!, unit: 'MB', note: 'process.resourceUsage().maxRSS' });
  rows.push({ name: 'peak RSS, forward bench wasm 1 thread', value: web1['maxRssMB']!, unit: 'MB' });
  rows.push({ name: 'peak RSS, forward bench native', value: nat1['maxRssMB']!, unit: 'MB' });
  rows.push({ name: 'load average (1 min) at start', value: Number(load), unit: '', note: '2 cores shared: figures above include contention' });
  return rows;
}

async function mainChild(): Promise<void> {
  const [mode, a, b] = process.argv.slice(2);
  const out = mode === 'forward' ? await childForward(a!, Number(b)) : mode === 'warmed' ? await childWarmed(Number(a)) : mode === 'reference' ? await childReference() : await childSweep(Number(a));
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (require.main === module) {
  if (['forward', 'sweep', 'warmed', 'reference'].includes(process.argv[2] ?? '')) {
    void mainChild().catch((e) => {
      console.error(e);
      process.exit(1);
    });
  } else {
    void run().then((rows) => {
      for (const r of rows) console.log(`${r.name.padEnd(40)} ${r.value.toFixed(r.value >= 100 ? 0 : 2).padStart(9)} ${r.unit}${r.note ? `  ${r.note}` : ''}`);
    });
  }
}
