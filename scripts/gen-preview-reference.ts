// Measures the preview's reference cells and writes media/model/preview-reference.json: every built-in method and the
// window baseline at 1, 2, 4, 8, 16 × L0 under both factor policies (static: factor 16), with 64 needle prompts and
// all of eval.txt per cell, on onnxruntime-web's WebAssembly backend in Node (1 thread, the runtime the unit tests
// recompute cells with). Run: `npm run reference` (options: --jobs N parallel processes, default 4; --fresh ignores
// finished jobs kept from an interrupted run of the same model, e.g. after an engine change).
// The work is split into independent jobs (child processes); cells whose rotary tables are identical in both
// policies (none everywhere; the static methods at 16 × L0, where the static factor is the per-length one) are
// measured once and copied, after checking the tables are equal. The output is deterministic except `generated` and
// `wallSeconds`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPreviewAssets, MODEL_FILE, nodeWasmRuntime } from '../host/ort-node';
import { PreviewEngine } from '../core/preview/engine';
import { REFERENCE_FILE, REFERENCE_FORMAT, sha256Hex, type PreviewReference, type ReferenceRun } from '../core/preview/reference';
import { builtinBlock, methodFactor, MINI_MODEL, sameTables, tablesFor } from '../core/preview/tables';
import { BASELINE_METHODS, BUILTIN_METHODS, type PreviewCell, type PreviewMethod, type PreviewRequest, type PreviewResult } from '../core/preview/types';

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

function jobs(evalBytes: number): Job[] {
  const base = { lengths: LENGTHS, needles: REFERENCE_NEEDLES, evalBytes, probes: ['ppl', 'needle'] } as const;
  const perLength: PreviewMethod[] = [...BUILTIN_METHODS, ...BASELINE_METHODS];
  const staticCells = grid(SCALED, LENGTHS).filter((c) => !staticSameAsPerLength(c.method as (typeof SCALED)[number], c.length));
  return [
    { name: 'per-length 1–8×', request: { ...base, methods: perLength, factorPolicy: 'per-length', cells: [...grid(perLength, LENGTHS.slice(0, -1)), { method: 'window', length: LONGEST }] } },
    { name: 'per-length 16× a', request: { ...base, methods: ['none', 'linear', 'ntk', 'dynamic'], factorPolicy: 'per-length', cells: grid(['none', 'linear', 'ntk', 'dynamic'], [LONGEST]) } },
    { name: 'per-length 16× b', request: { ...base, methods: ['yarn', 'llama3'], factorPolicy: 'per-length', cells: grid(['yarn', 'llama3'], [LONGEST]) } },
    { name: 'static', request: { ...base, methods: SCALED, factorPolicy: 'static', staticFactor: STATIC_FACTOR, cells: staticCells } },
  ];
}

/** Child: runs one job, prints its result as JSON on stdout. */
async function runJob(index: number): Promise<void> {
  const assets = loadPreviewAssets(MODEL_DIR);
  const job = jobs(evalBytesOf(assets.evalText.length))[index]!;
  const engine = new PreviewEngine(await nodeWasmRuntime(1), assets);
  const t0 = Date.now();
  const result = await engine.run(job.request, {
    onProgress: (p) => process.stderr.write(`  [${job.name}] ${p.cell.method} @ ${p.cell.length}: ${p.done}/${p.total} cells, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`),
  });
  await engine.dispose();
  process.stdout.write(JSON.stringify(result));
}

/** Finished jobs are kept in the temp dir (keyed by model hash and job), so an interrupted run resumes. */
function cachePath(sha: string, index: number): string {
  return join(tmpdir(), `ropelens-reference-${sha.slice(0, 16)}-${SMOKE ? 'smoke-' : ''}job${index}.json`);
}

async function child(index: number, sha: string, fresh: boolean): Promise<PreviewResult> {
  const cached = cachePath(sha, index);
  if (!fresh && existsSync(cached)) {
    process.stderr.write(`  job ${index}: reusing ${cached} (--fresh to measure again)\n`);
    return JSON.parse(readFileSync(cached, 'utf8')) as PreviewResult;
  }
  const result = await new Promise<PreviewResult>((resolvePromise, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--job', String(index)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolvePromise(JSON.parse(out) as PreviewResult) : reject(new Error(`job ${index} exited with ${code}`))));
  });
  writeFileSync(cached, JSON.stringify(result));
  return result;
}

/** A reference cell: the measured figures without timings (the file is deterministic). */
function clean(c: PreviewCell): PreviewCell {
  const out: PreviewCell = { ...c, ms: 0, source: 'reference' };
  delete out.reusedFrom;
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const jobAt = argv.indexOf('--job');
  if (jobAt >= 0) return runJob(Number(argv[jobAt + 1]));
  const jobsAt = argv.indexOf('--jobs');
  const parallel = jobsAt >= 0 ? Math.max(1, Number(argv[jobsAt + 1]) || 1) : 4;
  const t0 = Date.now();
  const assets = loadPreviewAssets(MODEL_DIR);
  const all = jobs(evalBytesOf(assets.evalText.length));
  const sha = await sha256Hex(assets.model);
  const results: PreviewResult[] = new Array(all.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, all.length) }, async () => {
      while (next < all.length) {
        const i = next++;
        results[i] = await child(i, sha, argv.includes('--fresh'));
      }
    }),
  );
  const perLengthCells = results.filter((r) => r.factorPolicy === 'per-length').flatMap((r) => r.results.map(clean));
  const staticMeasured = results.filter((r) => r.factorPolicy === 'static').flatMap((r) => r.results.map(clean));
  const find = (list: PreviewCell[], m: PreviewMethod, L: number): PreviewCell => {
    const c = list.find((x) => x.method === m && x.length === L);
    if (!c) throw new Error(`missing cell ${m} @ ${L}`);
    return c;
  };
  const order = (list: PreviewCell[], methods: readonly PreviewMethod[]): PreviewCell[] => LENGTHS.flatMap((L) => methods.map((m) => find(list, m, L)));
  const perLength: ReferenceRun = { factorPolicy: 'per-length', lengths: LENGTHS, results: order(perLengthCells, [...BUILTIN_METHODS, ...BASELINE_METHODS]) };
  const staticCells = LENGTHS.flatMap((L) =>
    BUILTIN_METHODS.map((m) => {
      const measured = staticMeasured.find((x) => x.method === m && x.length === L);
      if (measured) return measured;
      if (!staticSameAsPerLength(m, L)) throw new Error(`static ${m} @ ${L} was neither measured nor equal to a per-length cell`);
      return find(perLength.results, m, L);
    }),
  );
  const stat: ReferenceRun = { factorPolicy: 'static', staticFactor: STATIC_FACTOR, lengths: LENGTHS, results: staticCells };
  const ortVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'onnxruntime-web', 'package.json'), 'utf8')) as { version: string }).version;
  const ref: PreviewReference = {
    format: REFERENCE_FORMAT,
    model: MODEL_FILE,
    modelSha256: sha,
    runtime: `onnxruntime-web ${ortVersion} wasm (1 thread), Node ${process.versions.node.split('.')[0]}`,
    command: COMMAND,
    needles: REFERENCE_NEEDLES,
    evalBytes: evalBytesOf(assets.evalText.length),
    generated: new Date().toISOString().slice(0, 10),
    // Resumed jobs count with the time they took when measured (jobs run in parallel: the longest bounds the wall).
    wallSeconds: Math.round(Math.max((Date.now() - t0) / 1000, ...results.map((r) => r.timings.totalMs / 1000))),
    jobSeconds: results.map((r) => Math.round(r.timings.totalMs / 1000)),
    jobs: parallel,
    originalLength: L0,
    notes: [...results[0]!.notes.filter((n) => !n.startsWith('factor policy') && !n.startsWith('dynamic =') && !n.startsWith('exact sample')), `static policy: factor ${STATIC_FACTOR} at every length; dynamic under the static policy: transformers' dynamic NTK with factor ${STATIC_FACTOR}`, `cells with identical rotary tables in both policies (none; the static methods at ${MULTIPLES[MULTIPLES.length - 1]}× L0) were measured once`],
    runs: [perLength, stat],
  };
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
  process.stdout.write(`wrote ${outPath}: ${perLength.results.length + stat.results.length} cells in ${ref.wallSeconds} s (${parallel} jobs)\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`gen-preview-reference: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
