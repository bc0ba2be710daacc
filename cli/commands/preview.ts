// `ropelens preview`: runs the bundled mini-model over scaling methods × lengths and prints perplexity and needle
// retrieval per cell (core/preview). FILE supplies "yours": the first rope block in it.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { detectDialect, parseDocument } from '../../core/parse/index';
import { PreviewEngine } from '../../core/preview/engine';
import { combineResult, loadReference, planPreview } from '../../core/preview/reference';
import { isPreviewError, type FactorPolicy, type PreviewCell, type PreviewMethod, type PreviewProbe, type PreviewRequest, type PreviewResult, type PreviewRunOptions } from '../../core/preview/types';
import { yoursFromBlock } from '../../core/preview/yours';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';
import { findModelDir, loadPreviewAssets, modelShas, nodeWasmRuntime, readReferenceDoc } from '../../host/ort-node';
import { parseOrExit, walkArgs } from '../args';
import { ttyProgress } from '../progress';
import { boundedInt, MAX_THREADS } from '../../core/limits';

const USAGE =
  'usage: ropelens preview [--methods none,linear,ntk,dynamic,yarn,llama3,window,sinusoidal,alibi,linear+ft,ntk+ft,yarn+ft,yours] [--lengths 1x,2x,...|BYTES,...] ' +
  '[--factor-policy per-length|static] [--static-factor S] [--probe ppl,needle] [--budget SECONDS] [--needles N] ' +
  '[--eval-bytes N] [--live] [--threads N] [--json] [FILE]';

interface Args {
  request: PreviewRequest;
  threads: number;
  json: boolean;
  /** Measure every cell now instead of reading the reference measurements. */
  live: boolean;
  file?: string;
}

function list(v: string): string[] {
  return v.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

function positiveInt(v: string | undefined, flag: string): number | string {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1) return `${flag} needs a positive integer, got ${v ?? 'nothing'}`;
  return Number(v);
}

function parseArgs(argv: readonly string[]): Args | string {
  const request: PreviewRequest = {};
  let threads = 1;
  let json = false;
  let live = false;
  let file: string | undefined;
  const err = walkArgs(argv, (a, value) => {
    switch (a) {
      case '--json': json = true; break;
      case '--live': live = true; break;
      case '--methods': {
        const v = value();
        if (!v) return '--methods needs a list such as none,yarn';
        request.methods = list(v) as PreviewMethod[];
        break;
      }
      case '--lengths': {
        const v = value();
        if (!v) return '--lengths needs a list such as 1x,2x,4x or 128,256';
        request.lengths = list(v);
        break;
      }
      case '--probe':
      case '--probes': {
        const v = value();
        if (!v) return '--probe needs ppl, needle or ppl,needle';
        request.probes = list(v) as PreviewProbe[];
        break;
      }
      case '--factor-policy': {
        const v = value();
        if (v !== 'per-length' && v !== 'static') return `--factor-policy needs per-length or static, got ${v ?? 'nothing'}`;
        request.factorPolicy = v as FactorPolicy;
        break;
      }
      case '--static-factor': {
        const v = value();
        if (v === undefined || !(Number(v) >= 1)) return `--static-factor needs a number ≥ 1, got ${v ?? 'nothing'}`;
        request.staticFactor = Number(v);
        break;
      }
      case '--budget': {
        const v = value();
        if (v === undefined || !/^\d+(\.\d+)?$/.test(v) || !(Number(v) > 0)) return `--budget needs a positive number of seconds, got ${v ?? 'nothing'}`;
        request.budget = Number(v);
        break;
      }
      case '--needles': {
        const n = positiveInt(value(), '--needles');
        if (typeof n === 'string') return n;
        request.needles = n;
        break;
      }
      case '--eval-bytes': {
        const n = positiveInt(value(), '--eval-bytes');
        if (typeof n === 'string') return n;
        request.evalBytes = n;
        break;
      }
      case '--threads': {
        // Each thread is a worker with its own WebAssembly memory: an unbounded count ends in a fatal OOM.
        const n = boundedInt(value(), '--threads', MAX_THREADS);
        if (typeof n === 'string') return n;
        threads = n;
        break;
      }
      default:
        if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
        if (file !== undefined) return `one FILE expected, got ${file} and ${a}`;
        file = a;
    }
    return undefined;
  });
  if (err !== undefined) return err;
  const args: Args = { request, threads, json, live };
  if (file !== undefined) args.file = file;
  return args;
}

/** Reads FILE's first rope block into request.yours; a one-line reason when it cannot. */
function addYours(args: Args, io: CliIO): string | undefined {
  if (args.file === undefined) return undefined;
  const path = isAbsolute(args.file) ? args.file : resolve(io.cwd, args.file);
  const uri = pathToFileURL(path).href;
  if (!detectDialect(uri)) return `${args.file}: not a file RoPE Lens reads (.json, .py, .yaml, .sh)`;
  let text: string;
  try {
    text = io.readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return `cannot read ${args.file}${code ? ` (${code})` : ''}`;
  }
  const doc = parseDocument(uri, text);
  const block = doc.blocks[0];
  if (!block) return `${args.file}: no rope block (rope_scaling / rope_parameters) found`;
  args.request.yours = yoursFromBlock(block, args.file);
  if (args.request.methods && !args.request.methods.includes('yours')) args.request.methods.push('yours');
  return undefined;
}

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
  const out = [`ropelens-mini (byte-level, L0 = ${r.originalLength}), ${policy}`];
  if (ppl) {
    out.push('', ...table('perplexity per byte (95% interval)', (c) => pplText(c?.perplexity, c?.perplexityCi95), r.methods));
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

export const run: CliCommand = async (argv, io) => {
  const args = parseOrExit('preview', USAGE, argv, io, parseArgs);
  if (typeof args === 'number') return args;
  const bad = addYours(args, io);
  if (bad) {
    io.stderr(`ropelens preview: ${bad}\n`);
    return EXIT_USAGE;
  }
  let engine: PreviewEngine | undefined;
  const progress = ttyProgress(io, 'ropelens preview');
  // Ctrl-C (io.interrupt, cli/terminal.ts) stops the live run within one forward pass; the cells known so far
  // (reference cells and the latest state of each live cell) are kept and printed.
  const known = new Map<string, PreviewCell>();
  let total = 0;
  let refCount = 0;
  try {
    const modelDir = findModelDir();
    const assets = loadPreviewAssets(modelDir);
    engine = new PreviewEngine(await nodeWasmRuntime(args.threads), assets);
    engine.validate(args.request);
    const loaded = await loadReference(readReferenceDoc(modelDir), assets.model, modelShas(modelDir));
    const plan = planPreview(args.request, loaded.reference, { live: args.live });
    for (const c of plan.reference) known.set(`${c.method}@${c.length}`, c);
    refCount = plan.reference.length;
    let live: PreviewResult | undefined;
    if (plan.live) {
      const opts: PreviewRunOptions = {
        onProgress: (p) => {
          known.set(`${p.cell.method}@${p.cell.length}`, p.cell);
          total = p.total;
          progress.onProgress?.(p);
        },
      };
      if (io.interrupt) opts.signal = io.interrupt;
      live = await engine.run(plan.live, opts);
    }
    progress.end();
    const result = combineResult(args.request, plan, live, loaded);
    io.stdout(args.json ? JSON.stringify(result, null, 2) + '\n' : renderPreviewTable(result));
    return EXIT_OK;
  } catch (e) {
    progress.end();
    if (isPreviewError(e) && e.code === 'cancelled') {
      const done = [...known.values()];
      io.stdout(args.json ? JSON.stringify({ interrupted: true, results: done }, null, 2) + '\n' : renderPartial(done));
      io.stderr(`ropelens preview: interrupted after ${done.length} of ${refCount + total} cells\n`);
      return EXIT_INTERRUPTED;
    }
    const msg = isPreviewError(e) ? e.message : e instanceof Error ? e.message.split('\n')[0] : String(e);
    io.stderr(`ropelens preview: ${msg}\n`);
    return EXIT_USAGE;
  } finally {
    await engine?.dispose();
  }
};
