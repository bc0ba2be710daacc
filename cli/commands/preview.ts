// `ropelens preview`: runs the bundled mini-model over scaling methods × lengths and prints perplexity and needle
// retrieval per cell (core/preview). FILE supplies "yours": the first rope block in it.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { detectDialect, parseDocument } from '../../core/parse/index';
import { PreviewEngine } from '../../core/preview/engine';
import { combineResult, loadReference, planPreview } from '../../core/preview/reference';
import { isPreviewError, type FactorPolicy, type PreviewCell, type PreviewMethod, type PreviewProbe, type PreviewRequest, type PreviewResult, type PreviewRunOptions } from '../../core/preview/types';
import { yoursFromBlock } from '../../core/preview/yours';
import { renderPartial, renderPreviewTable } from '../../core/preview/text-table';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';
import { findModelDir, loadPreviewAssets, nodeWasmRuntime, readReferenceDoc } from '../../host/ort-node';
import { parseOrExit, walkArgs } from '../args';
import { ttyProgress } from '../progress';
import { boundedInt, MAX_THREADS } from '../../core/limits';

const USAGE =
  'usage: ropelens preview [--methods none,linear,ntk,dynamic,yarn,llama3,yours] [--lengths 1x,2x,...|BYTES,...] ' +
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

// The text tables are shared with the editor's "Preview on a real model…" (core/preview/text-table.ts).
export { renderPartial, renderPreviewTable };

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
    const loaded = await loadReference(readReferenceDoc(modelDir), assets.model);
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
