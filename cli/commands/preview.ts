// `ropelens preview`: runs the bundled mini-model over scaling methods × lengths and prints perplexity and needle
// retrieval per cell (core/preview). FILE supplies "yours": the first rope block in it.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { detectDialect, parseDocument } from '../../core/parse/index';
import { PreviewEngine } from '../../core/preview/engine';
import { isPreviewError, type FactorPolicy, type PreviewCell, type PreviewMethod, type PreviewProbe, type PreviewRequest, type PreviewResult } from '../../core/preview/types';
import { yoursFromBlock } from '../../core/preview/yours';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';
import { loadPreviewAssets, nodeWasmRuntime } from '../../host/ort-node';
import { parseOrExit, walkArgs } from '../args';
import { boundedInt, MAX_THREADS } from '../../core/limits';

const USAGE =
  'usage: ropelens preview [--methods none,linear,ntk,dynamic,yarn,llama3,yours] [--lengths 1x,2x,...|BYTES,...] ' +
  '[--factor-policy per-length|static] [--static-factor S] [--probe ppl,needle] [--budget SECONDS] [--needles N] ' +
  '[--eval-bytes N] [--threads N] [--json] [FILE]';

interface Args {
  request: PreviewRequest;
  threads: number;
  json: boolean;
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
  let file: string | undefined;
  const err = walkArgs(argv, (a, value) => {
    switch (a) {
      case '--json': json = true; break;
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
  const args: Args = { request, threads, json };
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

/** The text table: one row per method, one column per length; "ppl / needle%" per cell. */
export function renderPreviewTable(r: PreviewResult): string {
  const ppl = r.probes.includes('ppl');
  const needle = r.probes.includes('needle');
  const head = ['method', ...r.lengths.map((L) => `${L / r.originalLength}×L0 (${L})`)];
  const rows: string[][] = [];
  for (const m of r.methods) {
    const row = [m === 'yours' && r.yours ? `yours: ${r.yours.ropeType}` : m];
    for (const L of r.lengths) {
      const c = r.results.find((x) => x.method === m && x.length === L);
      const parts: string[] = [];
      if (ppl) parts.push(fmt(c?.perplexity, 3));
      if (needle) parts.push(c?.needleAccuracy === undefined ? '-' : `${Math.round(c.needleAccuracy * 100)}%`);
      row.push(parts.join(' / '));
    }
    rows.push(row);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const what = [ppl ? 'perplexity per byte' : '', needle ? 'needle exact-key accuracy' : ''].filter(Boolean).join(' / ');
  const policy = r.factorPolicy === 'static' ? `static factor ${r.staticFactor}` : 'per-length factor s = L/L0';
  const out = [
    `ropelens-mini (byte-level, L0 = ${r.originalLength}), ${policy}; cells: ${what}`,
    line(head),
    ...rows.map(line),
    `samples: ${ppl ? `${r.model.evalBytes} eval bytes per length` : ''}${ppl && needle ? ', ' : ''}${needle ? `needles per cell ${r.model.needlesPerLength.join('/')}` : ''}; ` +
      `${r.model.runtime}; ${(r.timings.totalMs / 1000).toFixed(1)} s (first result ${(r.timings.firstResultMs / 1000).toFixed(2)} s, ` +
      `${r.timings.forwardPasses} forward passes, ${r.timings.reusedCells} cells reused)`,
  ];
  if (r.yours) {
    const yc = r.results.filter((c) => c.method === 'yours' && c.userTokens !== undefined);
    if (yc.length > 0) out.push(`yours: lengths in your tokens ${yc.map((c) => `${c.lengthMultiple}× = ${c.userTokens}`).join(', ')}`);
    for (const n of r.yours.notes) out.push(`  note: ${n}`);
  }
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
  // Ctrl-C (io.interrupt, cli/terminal.ts) stops the run within one forward pass; the cells done so far are kept.
  const done: PreviewCell[] = [];
  let total = 0;
  try {
    engine = new PreviewEngine(await nodeWasmRuntime(args.threads), loadPreviewAssets());
    const result = await engine.run(args.request, {
      ...(io.interrupt ? { signal: io.interrupt } : {}),
      onProgress: (p) => {
        done.push(p.cell);
        total = p.total;
      },
    });
    io.stdout(args.json ? JSON.stringify(result, null, 2) + '\n' : renderPreviewTable(result));
    return EXIT_OK;
  } catch (e) {
    if (isPreviewError(e) && e.code === 'cancelled') {
      io.stdout(args.json ? JSON.stringify({ interrupted: true, results: done }, null, 2) + '\n' : renderPartial(done));
      io.stderr(`ropelens preview: interrupted after ${done.length}${total ? ` of ${total}` : ''} cells\n`);
      return EXIT_INTERRUPTED;
    }
    const msg = isPreviewError(e) ? e.message : e instanceof Error ? e.message.split('\n')[0] : String(e);
    io.stderr(`ropelens preview: ${msg}\n`);
    return EXIT_USAGE;
  } finally {
    await engine?.dispose();
  }
};
