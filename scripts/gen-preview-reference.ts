// Measures the preview's reference cells and writes media/model/preview-reference.json: every built-in method and the
// window baseline at 1, 2, 4, 8, 16 × L0 under both factor policies (static: factor 16), and the methods with a model
// of their own (core/preview/models.ts: fine-tuned checkpoints, other encodings; they do not depend on the policy, so
// once), with 64 needle prompts and all of eval.txt per cell, on onnxruntime-web's WebAssembly backend in Node
// (1 thread, the runtime the unit tests recompute cells with). Run: `npm run reference`.
// Incremental: each cell records the sha-256 of its model file; only cells that are missing, or whose model file
// changed, are measured, the rest are kept (a model file that is not there leaves its cells out). Options:
// --full measures every cell again (a full rebuild, e.g. after an engine change); --jobs N parallel processes
// (default 4); --fresh ignores finished jobs kept from an interrupted run.
// The work is split into independent jobs (child processes), one per model and policy (the base model's split
// further by length); cells whose rotary tables are identical in both policies (none everywhere; the static methods
// at 16 × L0, where the static factor is the per-length one) are measured once and copied, after checking the
// tables are equal. The output is deterministic except the dates and timings.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPreviewAssets, MODEL_FILE, nodeWasmRuntime } from '../host/ort-node';
import { PreviewEngine } from '../core/preview/engine';
import { BASE_MODEL_FILE, modelOf, policyFree } from '../core/preview/models';
import { cellSha, parseReference, REFERENCE_FILE, REFERENCE_FORMAT, type PreviewReference, type ReferenceCell, type ReferenceRun } from '../core/preview/reference';
import { builtinBlock, methodFactor, MINI_MODEL, sameTables, tablesFor } from '../core/preview/tables';
import { BASELINE_METHODS, BUILTIN_METHODS, MODEL_METHODS, type FactorPolicy, type PreviewCell, type PreviewMethod, type PreviewRequest, type PreviewResult } from '../core/preview/types';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODEL_DIR = join(ROOT, 'media', 'model');
// ROPELENS_REFERENCE_SMOKE=1: tiny samples, written to the temp dir (checks the script, not the model).
const SMOKE = process.env['ROPELENS_REFERENCE_SMOKE'] === '1';
export const REFERENCE_NEEDLES = SMOKE ? 2 : 64;
const MULTIPLES = [1, 2, 4, 8, 16];
const STATIC_FACTOR = 16;
const COMMAND = 'npm run reference';

const L0 = MINI_MODEL.originalLength;
const LENGTHS = MULTIPLES.map((m) => m * L0);
const LONGEST = LENGTHS[LENGTHS.length - 1]!;
const SCALED = BUILTIN_METHODS.filter((m) => m !== 'none');
/** The per-length run holds every method; the policy-free ones (window, models of their own) only there. */
const PER_LENGTH_METHODS: PreviewMethod[] = [...BUILTIN_METHODS, ...BASELINE_METHODS, ...MODEL_METHODS];

type Cell = { method: PreviewMethod; length: number };
interface Job {
  name: string;
  request: PreviewRequest;
}

/** All of eval.txt (≥ 64 KB) per cell. */
function evalBytesOf(textBytes: number): number {
  return SMOKE ? LONGEST : textBytes;
}

function grid(methods: readonly PreviewMethod[], lengths: readonly number[]): Cell[] {
  return lengths.flatMap((length) => methods.map((method) => ({ method, length })));
}

/** Static cells equal to a per-length cell (same tables): measured once. */
function staticSameAsPerLength(m: (typeof BUILTIN_METHODS)[number], L: number): boolean {
  const a = tablesFor(builtinBlock(m, methodFactor(m, 'static', L, MINI_MODEL, STATIC_FACTOR), L, MINI_MODEL), MINI_MODEL);
  const s = methodFactor(m, 'per-length', L, MINI_MODEL, STATIC_FACTOR);
  const b = tablesFor(builtinBlock(s === 1 && m !== 'dynamic' ? 'none' : m, s, L, MINI_MODEL), MINI_MODEL);
  return sameTables(a, b);
}

const key = (c: Cell): string => `${c.method}@${c.length}`;

/**
 * Jobs for the cells to measure: one per (policy, model file); the base model's per-length job is split as its cost
 * asks (lengths below the longest with the window baseline; the longest length in groups of four methods).
 */
function jobsFor(perLength: Cell[], stat: Cell[], evalBytes: number): Job[] {
  const base = { lengths: LENGTHS, needles: REFERENCE_NEEDLES, evalBytes, probes: ['ppl', 'needle'] } as const;
  const jobs: Job[] = [];
  const add = (name: string, policy: FactorPolicy, cells: Cell[]): void => {
    if (cells.length === 0) return;
    const methods = [...new Set(cells.map((c) => c.method))];
    const request: PreviewRequest = { ...base, methods, factorPolicy: policy, cells };
    if (policy === 'static') request.staticFactor = STATIC_FACTOR;
    jobs.push({ name, request });
  };
  const files = [...new Set(perLength.map((c) => modelOf(c.method).file))];
  for (const file of files) {
    const cells = perLength.filter((c) => modelOf(c.method).file === file);
    if (file !== BASE_MODEL_FILE) {
      add(`per-length ${file}`, 'per-length', cells);
      continue;
    }
    add('per-length 1–8×', 'per-length', cells.filter((c) => c.length < LONGEST || c.method === 'window'));
    const longest = cells.filter((c) => c.length === LONGEST && c.method !== 'window');
    for (let i = 0; i < longest.length; i += 4) add(`per-length 16× ${i / 4 + 1}`, 'per-length', longest.slice(i, i + 4));
  }
  add('static', 'static', stat);
  return jobs;
}

/** Child: runs one job (JSON on the command line), prints its result as JSON on stdout. */
async function runJob(job: Job): Promise<void> {
  const assets = loadPreviewAssets(MODEL_DIR);
  const engine = new PreviewEngine(await nodeWasmRuntime(1), assets);
  const t0 = Date.now();
  const result = await engine.run(job.request, {
    onProgress: (p) => process.stderr.write(`  [${job.name}] ${p.cell.method} @ ${p.cell.length}: ${p.done}/${p.total} cells, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`),
  });
  await engine.dispose();
  process.stdout.write(JSON.stringify(result));
}

/** Finished jobs are kept in the temp dir (keyed by the job and its models' hashes), so an interrupted run resumes. */
function cachePath(job: Job, shas: Record<string, string | null>): string {
  const files = [...new Set((job.request.methods ?? []).map((m) => modelOf(m).file))].sort();
  const h = createHash('sha256').update(JSON.stringify([job, files.map((f) => shas[f])])).digest('hex');
  return join(tmpdir(), `ropelens-reference-${SMOKE ? 'smoke-' : ''}${h.slice(0, 24)}.json`);
}

async function child(job: Job, shas: Record<string, string | null>, fresh: boolean): Promise<PreviewResult> {
  const cached = cachePath(job, shas);
  if (!fresh && existsSync(cached)) {
    process.stderr.write(`  ${job.name}: reusing ${cached} (--fresh to measure again)\n`);
    return JSON.parse(readFileSync(cached, 'utf8')) as PreviewResult;
  }
  const result = await new Promise<PreviewResult>((resolvePromise, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--job', JSON.stringify(job)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolvePromise(JSON.parse(out) as PreviewResult) : reject(new Error(`${job.name} exited with ${code}`))));
  });
  writeFileSync(cached, JSON.stringify(result));
  return result;
}

/** A reference cell: the measured figures without timings (the file is deterministic), with its model's hash. */
function clean(c: PreviewCell, sha: string): ReferenceCell {
  const out: ReferenceCell = { ...c, ms: 0, source: 'reference', modelSha256: sha };
  delete out.reusedFrom;
  return out;
}

/** The existing reference, when its sample sizes and runtime are what this run measures (else every cell is redone). */
function existing(runtime: string, evalBytes: number, full: boolean): PreviewReference | undefined {
  const p = SMOKE ? join(tmpdir(), REFERENCE_FILE) : join(MODEL_DIR, REFERENCE_FILE);
  if (full || !existsSync(p)) return undefined;
  try {
    const ref = parseReference(JSON.parse(readFileSync(p, 'utf8')));
    if (ref.needles !== REFERENCE_NEEDLES || ref.evalBytes !== evalBytes || ref.runtime !== runtime || ref.originalLength !== L0) {
      process.stderr.write(`existing reference measured with other sample sizes or runtime: every cell is measured\n`);
      return undefined;
    }
    return ref;
  } catch (e) {
    process.stderr.write(`existing reference unreadable (${(e as Error).message}): every cell is measured\n`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const jobAt = argv.indexOf('--job');
  if (jobAt >= 0) return runJob(JSON.parse(argv[jobAt + 1]!) as Job);
  const jobsAt = argv.indexOf('--jobs');
  const parallel = jobsAt >= 0 ? Math.max(1, Number(argv[jobsAt + 1]) || 1) : 4;
  const t0 = Date.now();
  const assets = loadPreviewAssets(MODEL_DIR);
  const evalBytes = evalBytesOf(assets.evalText.length);
  const ortVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'onnxruntime-web', 'package.json'), 'utf8')) as { version: string }).version;
  const runtime = `onnxruntime-web ${ortVersion} wasm (1 thread), Node ${process.versions.node.split('.')[0]}`;
  const shas: Record<string, string | null> = {};
  for (const m of PER_LENGTH_METHODS) {
    const file = modelOf(m).file;
    const p = join(MODEL_DIR, file);
    shas[file] ??= existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : null;
  }
  const missingFiles = Object.entries(shas).filter(([, h]) => h === null).map(([f]) => f);
  if (missingFiles.length > 0) process.stderr.write(`not there, their cells are left out: ${missingFiles.join(', ')}\n`);
  const available = (m: PreviewMethod): boolean => shas[modelOf(m).file] !== null;
  const shaOf = (m: PreviewMethod): string => shas[modelOf(m).file]!;

  // What the file should hold, and which of it the existing file already holds for the same model files.
  const old = existing(runtime, evalBytes, argv.includes('--full'));
  const kept = (policy: FactorPolicy, c: Cell): ReferenceCell | undefined => {
    if (!old) return undefined;
    const run = old.runs.find((r) => (policyFree(c.method) ? r.factorPolicy === 'per-length' : r.factorPolicy === policy && (policy === 'per-length' || r.staticFactor === STATIC_FACTOR)));
    const hit = run?.results.find((x) => x.method === c.method && x.length === c.length);
    return hit && cellSha(old, hit) === shaOf(c.method) ? hit : undefined;
  };
  const wantPerLength = grid(PER_LENGTH_METHODS.filter(available), LENGTHS);
  const wantStatic = grid(SCALED, LENGTHS).filter((c) => !staticSameAsPerLength(c.method as (typeof SCALED)[number], c.length));
  const toMeasure = {
    perLength: wantPerLength.filter((c) => !kept('per-length', c)),
    stat: wantStatic.filter((c) => !kept('static', c)),
  };
  const all = jobsFor(toMeasure.perLength, toMeasure.stat, evalBytes);
  const measuredKeys = [...toMeasure.perLength.map((c) => `${key(c)} per-length`), ...toMeasure.stat.map((c) => `${key(c)} static`)];
  process.stderr.write(`${measuredKeys.length} cells to measure in ${all.length} jobs${old ? ` (the other ${wantPerLength.length + wantStatic.length - measuredKeys.length} are current)` : ''}\n`);

  const results: PreviewResult[] = new Array(all.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, all.length) }, async () => {
      while (next < all.length) {
        const i = next++;
        results[i] = await child(all[i]!, shas, argv.includes('--fresh'));
      }
    }),
  );
  const measured = (policy: FactorPolicy, c: Cell): ReferenceCell | undefined => {
    const hit = results.filter((r) => r.factorPolicy === policy).flatMap((r) => r.results).find((x) => x.method === c.method && x.length === c.length);
    return hit ? clean(hit, shaOf(c.method)) : undefined;
  };
  const cellOf = (policy: FactorPolicy, c: Cell): ReferenceCell => {
    const hit = measured(policy, c) ?? kept(policy, c);
    if (!hit) throw new Error(`missing cell ${key(c)} (${policy})`);
    return { ...hit, modelSha256: shaOf(c.method) };
  };
  const perLength: ReferenceRun = { factorPolicy: 'per-length', lengths: LENGTHS, results: wantPerLength.map((c) => cellOf('per-length', c)) };
  const staticCells = LENGTHS.flatMap((L) =>
    BUILTIN_METHODS.map((m) => {
      if (!(m === 'none' || staticSameAsPerLength(m, L))) return cellOf('static', { method: m, length: L });
      return perLength.results.find((x) => x.method === m && x.length === L)!;
    }),
  );
  const stat: ReferenceRun = { factorPolicy: 'static', staticFactor: STATIC_FACTOR, lengths: LENGTHS, results: staticCells };
  const wallSeconds = Math.round(Math.max((Date.now() - t0) / 1000, ...results.map((r) => r.timings.totalMs / 1000)));
  // Notes of the runs: definitions that hold for every cell (policy and per-method notes are added when shown).
  const modelNote = (n: string): boolean => MODEL_METHODS.some((m) => n.startsWith(`${m} `) || n.startsWith(`${m},`));
  const runNotes = results.flatMap((r) => r.notes).filter((n) => !n.startsWith('factor policy') && !n.startsWith('dynamic =') && !n.startsWith('exact sample') && !modelNote(n));
  const notes = [
    ...new Set([
      ...(old?.notes ?? []).filter((n) => !n.startsWith('static policy') && !n.startsWith('cells with identical')),
      ...runNotes,
    ]),
    `static policy: factor ${STATIC_FACTOR} at every length; dynamic under the static policy: transformers' dynamic NTK with factor ${STATIC_FACTOR}`,
    `cells with identical rotary tables in both policies (none; the static methods at ${MULTIPLES[MULTIPLES.length - 1]}× L0) were measured once; the window baseline and the methods with a model of their own do not depend on the policy and are stored once`,
  ];
  const incremental = old !== undefined;
  const today = new Date().toISOString().slice(0, 10);
  const ref: PreviewReference = {
    format: REFERENCE_FORMAT,
    model: MODEL_FILE,
    modelSha256: shas[BASE_MODEL_FILE]!,
    runtime,
    command: COMMAND,
    needles: REFERENCE_NEEDLES,
    evalBytes,
    // An incremental run keeps the full build's date and timings and adds itself to `updates`.
    generated: incremental ? old.generated : today,
    wallSeconds: incremental ? old.wallSeconds : wallSeconds,
    jobSeconds: incremental ? (old.jobSeconds ?? []) : results.map((r) => Math.round(r.timings.totalMs / 1000)),
    jobs: incremental ? (old.jobs ?? parallel) : parallel,
    originalLength: L0,
    notes,
    runs: [perLength, stat],
  };
  const updates = [...(incremental ? (old.updates ?? []) : [])];
  if (incremental && measuredKeys.length > 0) updates.push({ generated: today, cells: measuredKeys, wallSeconds, jobs: Math.min(parallel, all.length) });
  if (updates.length > 0) ref.updates = updates;
  // One cell per line: readable diffs when the model is retrained.
  const { runs, ...head } = ref;
  const runText = runs.map((r) => {
    const { results: cellsOfRun, ...rest } = r;
    return `  ${JSON.stringify(rest).slice(0, -1)}, "results": [\n${cellsOfRun.map((c) => `   ${JSON.stringify(c)}`).join(',\n')}\n  ]}`;
  });
  const text = `${JSON.stringify(head, null, 1).slice(0, -2)},\n "runs": [\n${runText.join(',\n')}\n ]\n}`;
  JSON.parse(text);
  const outPath = SMOKE ? join(tmpdir(), REFERENCE_FILE) : join(MODEL_DIR, REFERENCE_FILE);
  writeFileSync(outPath, text + '\n');
  process.stdout.write(`wrote ${outPath}: ${perLength.results.length + stat.results.length} cells, ${measuredKeys.length} measured now in ${wallSeconds} s (${Math.min(parallel, Math.max(1, all.length))} jobs)\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`gen-preview-reference: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
