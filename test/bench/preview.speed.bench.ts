// Preview speed at steady state (issue 12): wasm vs native forward time per T after a real warm-up, with CPU time
// beside wall time (a shared machine inflates wall time; the process's CPU time of a 1-thread run is what an idle
// core would take), the WebAssembly tier-up trace that explains slow first runs, runtime option variants, session
// creation, the first live number cold and warm, the live sweep of a user's block, and the .vsix size.
// `npm run bench -- preview --json` ends the output with one line: the issue's JSON object.
// Each measurement runs in its own child process (fresh WebAssembly instance, own CPU clock, own peak RSS).
// Run alone: `node --import tsx test/bench/preview.speed.bench.ts [--json]`. ROPELENS_BENCH_PACKAGE=1 runs
// `npm run package` first so vsixBytes is measured, not read from an older ropelens.vsix.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadPreviewAssets, nodeWasmRuntime } from '../../host/ort-node';
import { PreviewEngine, WARMUP_PLAN, type WarmupPlan } from '../../core/preview/engine';
import { ortRuntime, type OrtLike, type PreviewRuntime } from '../../core/preview/runtime';
import { cosSin, MINI_MODEL, tablesFor } from '../../core/preview/tables';
import type { BenchRow } from './run';

const LENGTHS = [128, 256, 512, 1024, 2048];
const ROOT = join(__dirname, '..', '..');

async function runtimeFor(kind: string, opts: Record<string, unknown>): Promise<PreviewRuntime> {
  if (kind === 'wasm') {
    const rt = await nodeWasmRuntime(1);
    if (Object.keys(opts).length === 0) return rt;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return ortRuntime(require('onnxruntime-web') as OrtLike, rt.name, opts);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as OrtLike;
  return ortRuntime(ort, 'onnxruntime-node native (1 thread)', { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', ...opts });
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;

/**
 * Child: session creation; the first 15 runs at T=128 from cold (the tier-up trace); then 2 warm-up rounds over
 * every length; then interleaved measured rounds (7 at T ≤ 512, 4 above), median and quartiles of wall and CPU ms.
 */
async function childSteady(kind: string, optsJson: string, lengthsCsv: string): Promise<Record<string, number>> {
  const opts = JSON.parse(optsJson) as Record<string, unknown>;
  const lengths = lengthsCsv.split(',').map(Number);
  const assets = loadPreviewAssets();
  const rt = await runtimeFor(kind, opts);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const session = await rt.createSession(assets.model);
  const out: Record<string, number> = { sessionMs: performance.now() - t0, sessionCpuMs: cpuMs(process.cpuUsage(c0)) };
  const none = tablesFor({ params: {} }, MINI_MODEL);
  const inputs = new Map(LENGTHS.map((T) => [T, { ids: assets.evalText.subarray(0, T), ...cosSin(none.invFreq, T), attentionFactor: 1 }]));
  const timed = async (T: number): Promise<[number, number]> => {
    const f0 = performance.now();
    const c = process.cpuUsage();
    await session.forward(inputs.get(T)!);
    return [performance.now() - f0, cpuMs(process.cpuUsage(c))];
  };
  const trace: number[] = [];
  for (let i = 0; i < 15; i++) trace.push((await timed(128))[1]);
  out['coldFirstCpuMs'] = trace[0]!;
  out['coldFirst5CpuMs'] = quantile(trace.slice(0, 5), 0.5);
  out['coldLast5CpuMs'] = quantile(trace.slice(10), 0.5);
  for (let r = 0; r < 2; r++) for (const T of [...lengths].reverse()) await timed(T);
  const wall = new Map<number, number[]>(lengths.map((T) => [T, []]));
  const cpu = new Map<number, number[]>(lengths.map((T) => [T, []]));
  for (let r = 0; r < 7; r++) {
    for (const T of lengths) {
      if (T > 512 && r >= 4) continue;
      const [w, c] = await timed(T);
      wall.get(T)!.push(w);
      cpu.get(T)!.push(c);
    }
  }
  for (const T of lengths) {
    out[`T${T}`] = quantile(wall.get(T)!, 0.5);
    out[`cpuT${T}`] = quantile(cpu.get(T)!, 0.5);
    out[`cpuQ1T${T}`] = quantile(cpu.get(T)!, 0.25);
    out[`cpuQ3T${T}`] = quantile(cpu.get(T)!, 0.75);
    out[`nT${T}`] = cpu.get(T)!.length;
  }
  await session.release();
  return out;
}

/**
 * Child: which warm-up tiers the WebAssembly up: after a cold session, `passes` runs at length T (CPU ms spent),
 * then 5 runs at T=128 (median CPU ms; steady state is the 'steady' child's cpuT128).
 */
async function childWarmup(T: number, passes: number): Promise<Record<string, number>> {
  const assets = loadPreviewAssets();
  const session = await (await nodeWasmRuntime(1)).createSession(assets.model);
  const none = tablesFor({ params: {} }, MINI_MODEL);
  const x = (n: number) => ({ ids: assets.evalText.subarray(0, n), ...cosSin(none.invFreq, n), attentionFactor: 1 });
  const c0 = process.cpuUsage();
  for (let i = 0; i < passes; i++) await session.forward(x(T));
  const warmCpu = cpuMs(process.cpuUsage(c0));
  const after: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c = process.cpuUsage();
    await session.forward(x(128));
    after.push(cpuMs(process.cpuUsage(c)));
  }
  await session.release();
  return { warmCpu, after: quantile(after, 0.5) };
}

/** A typical user block: Qwen2.5-style YaRN ×4 over a 32k original context. */
const USER_BLOCK = { ropeType: 'yarn', params: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 32768 }, originalContext: 32768, label: 'yarn ×4 (bench)' };

/**
 * Child: the live number. Cold: from loading onnxruntime-web (no session yet) to the first streamed cell of the
 * user's-block sweep. Warm: the view's flow — warm() when it opens, then Run — first cell and whole sweep.
 */
async function childLive(): Promise<Record<string, number>> {
  const assets = loadPreviewAssets();
  const request = { methods: ['yours' as const], yours: USER_BLOCK };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let firstCold = NaN;
  let firstColdCpu = NaN;
  const cold = new PreviewEngine(await nodeWasmRuntime(1), assets);
  const rc = await cold.run(request, { onProgress: () => void (Number.isNaN(firstCold) && ((firstCold = performance.now() - t0), (firstColdCpu = cpuMs(process.cpuUsage(c0))))) });
  const coldTotal = performance.now() - t0;
  const coldCpu = cpuMs(process.cpuUsage(c0));
  await cold.dispose();
  // A second engine in the same process: the WebAssembly module is compiled and tiered up (a reopened view whose
  // compiled code is cached), the session is new.
  const warm = new PreviewEngine(await nodeWasmRuntime(1), assets);
  const warmMs = await warm.warm();
  const c1 = process.cpuUsage();
  let firstWarm = NaN;
  let firstWarmCpu = NaN;
  const t1 = performance.now();
  const rw = await warm.run(request, { onProgress: () => void (Number.isNaN(firstWarm) && ((firstWarm = performance.now() - t1), (firstWarmCpu = cpuMs(process.cpuUsage(c1))))) });
  const warmTotal = performance.now() - t1;
  const warmCpu = cpuMs(process.cpuUsage(c1));
  await warm.dispose();
  const out: Record<string, number> = { firstCold, firstColdCpu, firstWarmCpu, coldTotal, coldCpu, warmMs, firstWarm, warmTotal, warmCpu, passes: rw.timings.forwardPasses };
  out['coldPasses'] = rc.timings.forwardPasses;
  rw.model.needlesPerLength.forEach((n, i) => (out[`needlesIdx${i}`] = n));
  return out;
}

/** The warm-up warm() did before WARMUP_PLAN: 4 passes of 64 bytes (L0/2). Kept to compare in the same run. */
const OLD_WARMUP: WarmupPlan = [[0.5, 4]];

/**
 * Child: the view's flow in a fresh process (nothing compiled or tiered up yet): warm(plan) as on first focus, then
 * Run of the user's block, stopped after its first live cell. CPU and wall time of the warm-up and to that cell.
 */
async function childView(planJson: string): Promise<Record<string, number>> {
  const assets = loadPreviewAssets();
  const engine = new PreviewEngine(await nodeWasmRuntime(1), assets);
  const c0 = process.cpuUsage();
  const warmMs = await engine.warm(JSON.parse(planJson) as WarmupPlan);
  const warmCpu = cpuMs(process.cpuUsage(c0));
  const abort = new AbortController();
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  let first = NaN;
  let firstCpu = NaN;
  await engine
    .run({ methods: ['yours'], yours: USER_BLOCK }, {
      signal: abort.signal,
      onProgress: () => {
        first = performance.now() - t1;
        firstCpu = cpuMs(process.cpuUsage(c1));
        abort.abort();
      },
    })
    .catch(() => undefined);
  await engine.dispose();
  return { warmMs, warmCpu, first, firstCpu };
}

function child(args: string[], execArgv: string[] = []): Record<string, number> {
  const out = execFileSync(process.execPath, [...execArgv, '--import', 'tsx', __filename, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

function vsixBytes(): { bytes: number | null; note: string } {
  const file = join(ROOT, 'ropelens.vsix');
  if (process.env['ROPELENS_BENCH_PACKAGE'] === '1') {
    try {
      execSync('npm run package', { cwd: ROOT, stdio: 'ignore' });
    } catch (e) {
      return { bytes: null, note: `npm run package failed (${(e as Error).message.split('\n')[0]})` };
    }
    return { bytes: statSync(file).size, note: 'npm run package in this run' };
  }
  if (existsSync(file)) return { bytes: statSync(file).size, note: `ropelens.vsix from ${statSync(file).mtime.toISOString()} (ROPELENS_BENCH_PACKAGE=1 rebuilds it)` };
  return { bytes: null, note: 'no ropelens.vsix: run `npm run package` or set ROPELENS_BENCH_PACKAGE=1' };
}

const iqr = (r: Record<string, number>, T: number): string => `CPU ${r[`cpuT${T}`]!.toFixed(1)} [${r[`cpuQ1T${T}`]!.toFixed(1)}–${r[`cpuQ3T${T}`]!.toFixed(1)}] ms, n=${r[`nT${T}`]}`;

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const load = loadavg()[0]!;
  const all = LENGTHS.join(',');
  const web = child(['steady', 'wasm', '{}', all]);
  const nat = child(['steady', 'native', '{}', all]);
  const ratio: Record<string, number> = {};
  for (const T of LENGTHS) {
    // CPU time: on a loaded machine, wall time counts other processes' turns; 1-thread CPU time does not.
    ratio[String(T)] = +(web[`cpuT${T}`]! / nat[`cpuT${T}`]!).toFixed(2);
    rows.push({ name: `steady T=${T} wasm 1 thread`, value: web[`cpuT${T}`]!, unit: 'ms CPU', note: `${iqr(web, T)}; wall ${web[`T${T}`]!.toFixed(1)} ms` });
    rows.push({ name: `steady T=${T} native 1 thread`, value: nat[`cpuT${T}`]!, unit: 'ms CPU', note: `${iqr(nat, T)}; wall ${nat[`T${T}`]!.toFixed(1)} ms` });
    rows.push({ name: `steady T=${T} ratio wasm/native`, value: ratio[String(T)]!, unit: '×', note: `by CPU medians; by wall ${(web[`T${T}`]! / nat[`T${T}`]!).toFixed(2)}×; target ≤ 2` });
  }
  rows.push({ name: 'tier-up: wasm T=128 run 1 from cold', value: web['coldFirstCpuMs']!, unit: 'ms CPU', note: `runs 1–5 median ${web['coldFirst5CpuMs']!.toFixed(1)}, runs 11–15 median ${web['coldLast5CpuMs']!.toFixed(1)} ms; steady ${web['cpuT128']!.toFixed(1)} ms` });
  // V8 without its baseline compiler: every function is TurboFan code from the start (a Node flag; a webview
  // cannot set it). Separates "slow because not yet tiered up" from "slow code".
  const noLiftoff = child(['steady', 'wasm', '{}', all], ['--no-liftoff']);
  rows.push({ name: 'tier-up check: node --no-liftoff, run 1', value: noLiftoff['coldFirstCpuMs']!, unit: 'ms CPU', note: `runs 1–5 median ${noLiftoff['coldFirst5CpuMs']!.toFixed(1)} ms; session ${noLiftoff['sessionMs']!.toFixed(0)} ms wall, CPU ${noLiftoff['sessionCpuMs']!.toFixed(0)} ms` });
  for (const T of LENGTHS) {
    rows.push({ name: `steady T=${T} wasm --no-liftoff`, value: noLiftoff[`cpuT${T}`]!, unit: 'ms CPU', note: `${iqr(noLiftoff, T)}; ratio to native ${(noLiftoff[`cpuT${T}`]! / nat[`cpuT${T}`]!).toFixed(2)}×` });
  }
  for (const [T, n] of [[64, 4], [512, 2], [1024, 1]] as const) {
    const w = child(['warmup', String(T), String(n)]);
    rows.push({ name: `tier-up by ${n}× T=${T}, then T=128`, value: w['after']!, unit: 'ms CPU', note: `median of 5 runs after a warm-up costing ${w['warmCpu']!.toFixed(0)} ms CPU; steady ${web['cpuT128']!.toFixed(1)} ms` });
  }
  rows.push({ name: 'native T=128 runs 1–5 from cold', value: nat['coldFirst5CpuMs']!, unit: 'ms CPU' });
  // The view's warm-up on first focus, old plan against the shipped one, alternating (3 fresh processes each).
  const views: Record<string, Array<Record<string, number>>> = { old: [], now: [] };
  for (let i = 0; i < 3; i++) for (const [k, plan] of i % 2 ? ([['now', WARMUP_PLAN], ['old', OLD_WARMUP]] as const) : ([['old', OLD_WARMUP], ['now', WARMUP_PLAN]] as const)) views[k]!.push(child(['view', JSON.stringify(plan)]));
  const med = (k: string, f: string): number => quantile(views[k]!.map((v) => v[f]!), 0.5);
  for (const [k, label] of [['old', `4 passes of 64 B (before)`], ['now', `shipped plan ${JSON.stringify(WARMUP_PLAN)} (×L0)`]] as const) {
    rows.push({ name: `view warm-up ${k}: first live cell after it`, value: med(k, 'firstCpu'), unit: 'ms CPU', note: `${label}; median of 3 fresh processes; wall ${med(k, 'first').toFixed(0)} ms; warm-up CPU ${med(k, 'warmCpu').toFixed(0)} ms (incl. session), wall ${med(k, 'warmMs').toFixed(0)} ms` });
  }
  rows.push({ name: 'view warm-up: first live cell, shipped/old', value: med('now', 'firstCpu') / med('old', 'firstCpu'), unit: '×', note: `by CPU medians; by wall ${(med('now', 'first') / med('old', 'first')).toFixed(2)}×` });
  // Session options of the runtime adapter, same run, same lengths (short T is where a fixed cost would show).
  const variants: Array<[string, Record<string, unknown>]> = [
    ['graphOptimizationLevel=basic', { graphOptimizationLevel: 'basic' }],
    ['enableMemPattern=false', { enableMemPattern: false }],
    ['enableCpuMemArena=false', { enableCpuMemArena: false }],
  ];
  for (const [label, opts] of variants) {
    const v = child(['steady', 'wasm', JSON.stringify(opts), '128,512']);
    for (const T of [128, 512]) rows.push({ name: `option ${label} T=${T}`, value: v[`cpuT${T}`]!, unit: 'ms CPU', note: `${iqr(v, T)}; default (all, pattern, arena) ${web[`cpuT${T}`]!.toFixed(1)} ms` });
  }
  rows.push({ name: 'session create wasm', value: web['sessionMs']!, unit: 'ms', note: `CPU ${web['sessionCpuMs']!.toFixed(0)} ms` });
  rows.push({ name: 'session create native', value: nat['sessionMs']!, unit: 'ms', note: `CPU ${nat['sessionCpuMs']!.toFixed(0)} ms` });
  const live = child(['live']);
  const needles: Record<string, number> = {};
  for (const [i, m] of [1, 2, 4, 8, 16].entries()) needles[String(m)] = live[`needlesIdx${i}`]!;
  rows.push({ name: 'first live result, cold (incl. runtime + session)', value: live['firstCold']!, unit: 'ms', note: `CPU ${live['firstColdCpu']!.toFixed(0)} ms; target ≤ 1000; sweep ${(live['coldTotal']! / 1000).toFixed(2)} s, CPU ${(live['coldCpu']! / 1000).toFixed(2)} s` });
  rows.push({ name: 'first live result after warm()', value: live['firstWarm']!, unit: 'ms', note: `CPU ${live['firstWarmCpu']!.toFixed(0)} ms; target ≤ 500; warm() ${live['warmMs']!.toFixed(0)} ms before Run` });
  rows.push({ name: 'live sweep of a yarn ×4 block, warm', value: live['warmTotal']! / 1000, unit: 's', note: `CPU ${(live['warmCpu']! / 1000).toFixed(2)} s; ${live['passes']} passes; needles per cell ${Object.values(needles).join('/')}; target ≤ 5 s` });
  const vsix = vsixBytes();
  rows.push({ name: '.vsix size', value: vsix.bytes ?? NaN, unit: 'B', note: vsix.note });
  rows.push({ name: 'load average (1 min) at start', value: load, unit: '', note: 'wall times include contention; CPU times do not' });
  const summary = {
    wasmNativeRatio: ratio,
    sessionCreateWasmMs: Math.round(web['sessionMs']!),
    firstLiveResultColdMs: Math.round(live['firstCold']!),
    firstLiveResultWarmMs: Math.round(live['firstWarm']!),
    yoursSweepSeconds: +(live['warmTotal']! / 1000).toFixed(2),
    yoursSweepNeedlesPerCell: needles,
    vsixBytes: vsix.bytes,
    // Beside the wall times above: process CPU time (what an idle core would take) and the load they ran under.
    cpuMs: { sessionCreateWasm: Math.round(web['sessionCpuMs']!), firstLiveResultCold: Math.round(live['firstColdCpu']!), firstLiveResultWarm: Math.round(live['firstWarmCpu']!), yoursSweep: Math.round(live['warmCpu']!) },
    loadAverage: +load.toFixed(2),
  };
  // After every bench file's rows (run.ts prints them once run() returns): the last line of the whole output.
  if (process.argv.includes('--json')) process.once('beforeExit', () => console.log(JSON.stringify(summary)));
  return rows;
}

async function mainChild(): Promise<void> {
  const [mode, a, b, c] = process.argv.slice(2);
  const out = mode === 'steady' ? await childSteady(a!, b!, c!) : mode === 'warmup' ? await childWarmup(Number(a), Number(b)) : mode === 'view' ? await childView(a!) : await childLive();
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (require.main === module) {
  if (['steady', 'live', 'warmup', 'view'].includes(process.argv[2] ?? '')) {
    void mainChild().catch((e) => {
      console.error(e);
      process.exit(1);
    });
  } else {
    void run().then((rows) => {
      for (const r of rows) console.log(`${r.name.padEnd(48)} ${r.value.toFixed(r.value >= 100 ? 0 : 2).padStart(9)} ${r.unit}${r.note ? `  ${r.note}` : ''}`);
    });
  }
}
