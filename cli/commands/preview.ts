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
import { findModelDir, loadPreviewAssets, modelShas, nodeWasmRuntime, readReferenceDoc } from '../../host/ort-node';
import { parseOrExit, walkArgs } from '../args';
import { ttyProgress } from '../progress';
import { boundedInt, MAX_THREADS } from '../../core/limits';
import { REAL_ENGINES, runRealPreview, type RealEngine, type RealPreviewOptions } from '../../host/engines/index';
import { BackendError } from '../../core/preview/sweep/backend';

const USAGE =
  'usage: ropelens preview [--methods none,linear,ntk,dynamic,yarn,llama3,window,sinusoidal,alibi,linear+ft,ntk+ft,yarn+ft,yours] [--lengths 1x,2x,...|BYTES,...] ' +
  '[--factor-policy per-length|static] [--static-factor S] [--probe ppl,needle] [--budget SECONDS] [--needles N] ' +
  '[--eval-bytes N] [--live] [--threads N] [--json] [FILE] | --engine onnx|llama.cpp|openai --model FILE|NAME [--url URL] ' +
  '[--launch TEMPLATE] [--methods ...] [--lengths 8k,16k|2x,...] [--budget S] [--needles N] [--eval-tokens N] ' +
  '[--original-context N] [--rope-theta X] [--head-dim N] [--json]';

interface Args {
  request: PreviewRequest;
  threads: number;
  threadsGiven?: boolean;
  json: boolean;
  /** Measure every cell now instead of reading the reference measurements. */
  live: boolean;
  file?: string;
  /** A real model on a real engine (host/engines) instead of the bundled mini-model. */
  engine?: RealEngine;
  model?: string;
  url?: string[];
  launch?: string;
  lengths?: string[];
  evalTokens?: number;
  originalContext?: number;
  ropeTheta?: number;
  headDim?: number;
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
  const real: Partial<Args> = {};
  const err = walkArgs(argv, (a, value) => {
    switch (a) {
      case '--engine': {
        const v = value();
        if (!(REAL_ENGINES as readonly string[]).includes(v ?? '')) return `--engine needs ${REAL_ENGINES.join(', ')}, got ${v ?? 'nothing'}`;
        real.engine = v as RealEngine;
        break;
      }
      case '--model':
      case '--launch': {
        const v = value();
        if (!v) return `${a} needs a value`;
        real[a.slice(2) as 'model' | 'launch'] = v;
        break;
      }
      case '--url': {
        // Repeatable: a bare URL serves every method, method=URL one method (openai engine).
        const v = value();
        if (!v) return '--url needs a URL or method=URL';
        real.url = [...(real.url ?? []), v];
        break;
      }
      case '--original-context':
      case '--head-dim': {
        const n = positiveInt(value(), a);
        if (typeof n === 'string') return n;
        if (a === '--head-dim') real.headDim = n;
        else real.originalContext = n;
        break;
      }
      case '--rope-theta': {
        const v = value();
        if (v === undefined || !(Number(v) > 0) || !Number.isFinite(Number(v))) return `--rope-theta needs a positive number, got ${v ?? 'nothing'}`;
        real.ropeTheta = Number(v);
        break;
      }
      case '--eval-tokens': {
        const n = positiveInt(value(), '--eval-tokens');
        if (typeof n === 'string') return n;
        real.evalTokens = n;
        break;
      }
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
        real.lengths = list(v);
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
        real.threadsGiven = true;
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
  const args: Args = { request, threads, json, live, ...real };
  if (file !== undefined) args.file = file;
  if (args.engine === undefined) {
    const flag: Record<string, string> = { model: 'model', url: 'url', launch: 'launch', evalTokens: 'eval-tokens', originalContext: 'original-context', ropeTheta: 'rope-theta', headDim: 'head-dim' };
    for (const k of Object.keys(flag) as (keyof Args)[]) if (args[k] !== undefined) return `--${flag[k]} needs --engine`;
    return args;
  }
  if (file !== undefined) return `a FILE ("yours") is for the mini-model preview; with --engine give the model with --model`;
  if (args.model === undefined) return `--engine ${args.engine} needs --model (${args.engine === 'openai' ? 'the served model name' : `a .${args.engine === 'onnx' ? 'onnx' : 'gguf'} file`})`;
  if (args.request.factorPolicy === 'static' || args.live) return `--factor-policy static and --live are for the mini-model preview`;
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

/** `--engine`: a real model on a real engine (host/engines). Faults are one line; the cells measured before a fault
 * or Ctrl-C are printed; the engine (contexts, child processes) is always stopped by runRealPreview. */
async function runReal(args: Args, io: CliIO): Promise<number> {
  const progress = ttyProgress(io, `ropelens preview (${args.engine})`);
  const done = new Map<string, PreviewCell>();
  let total = 0;
  const r = args.request;
  const opts: RealPreviewOptions = { engine: args.engine!, model: args.model! };
  if (args.url !== undefined) opts.url = args.url;
  if (args.launch !== undefined) opts.launch = args.launch;
  if (args.lengths !== undefined) opts.lengths = args.lengths;
  if (r.methods !== undefined) opts.methods = r.methods;
  if (r.budget !== undefined) opts.budgetS = r.budget;
  if (r.needles !== undefined) opts.needles = r.needles;
  const evalTokens = args.evalTokens ?? r.evalBytes;
  if (evalTokens !== undefined) opts.evalTokens = evalTokens;
  if (r.probes !== undefined) opts.probes = r.probes;
  if (args.threadsGiven) opts.threads = args.threads;
  if (args.originalContext !== undefined) opts.originalContext = args.originalContext;
  if (args.ropeTheta !== undefined) opts.ropeTheta = args.ropeTheta;
  if (args.headDim !== undefined) opts.headDim = args.headDim;
  const hooks: Parameters<typeof runRealPreview>[1] = {
    onProgress: (p) => {
      total = p.total;
      progress.onProgress?.(p);
    },
    onCell: (c) => done.set(`${c.method}@${c.length}`, c),
  };
  if (io.interrupt) hooks.signal = io.interrupt;
  try {
    const result = await runRealPreview(opts, hooks);
    progress.end();
    io.stdout(args.json ? JSON.stringify(result, null, 2) + '\n' : renderPreviewTable(result));
    return EXIT_OK;
  } catch (e) {
    progress.end();
    const cells = [...done.values()];
    const cancelled = isPreviewError(e) && e.code === 'cancelled';
    const msg = e instanceof BackendError ? `${args.engine}: ${e.message}` : isPreviewError(e) ? e.message : e instanceof Error ? e.message.split('\n')[0] : String(e);
    if (cancelled || cells.length > 0) {
      const body = { interrupted: cancelled, ...(cancelled ? {} : { error: msg }), engine: args.engine, results: cells };
      io.stdout(args.json ? JSON.stringify(body, null, 2) + '\n' : renderPartial(cells));
    }
    if (cancelled) {
      io.stderr(`ropelens preview: interrupted after ${cells.length} of ${total} cells\n`);
      return EXIT_INTERRUPTED;
    }
    io.stderr(`ropelens preview: ${msg}${cells.length > 0 ? ` (kept ${cells.length} of ${total} cells measured before it)` : ''}\n`);
    return EXIT_USAGE;
  }
}

export const run: CliCommand = async (argv, io) => {
  const args = parseOrExit('preview', USAGE, argv, io, parseArgs);
  if (typeof args === 'number') return args;
  if (args.engine !== undefined) return runReal(args, io);
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
