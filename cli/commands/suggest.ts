// `ropelens suggest --target N [--finetune] [--steps N] [--engine E] [--original N] [--measure] [--method yarn] [--write] FILE`:
// the "Extend context…" advisor (core/advisor) by default: recommendation, reason, notes, warnings and the change as a
// diff (or written with --write). `--method yarn` forces the plain YaRN extension (the earlier behaviour).
import { parseContextLength } from '../../common/settings';
import { adviseFor, extendYarn, isEngine, nonRopeAdvice } from '../../core/advisor/apply';
import { unifiedDiff } from '../../core/advisor/diff';
import { ENGINE_IDS, ENGINES } from '../../core/advisor/engines';
import { measureAdvice, nothingToMeasure, withMeasurement, type MeasureOptions, type Measurement } from '../../core/advisor/measure';
import { loadReference } from '../../core/preview/reference';
import { ttyProgress } from '../progress';
import { methodLabel } from '../../core/advisor/recommend';
import { applyEdits, type TextEdit } from '../../core/edits';
import type { Engine } from '../../core/model';
import { parseDocument } from '../../core/parse/index';
import { PreviewEngine } from '../../core/preview/engine';
import { isPreviewError } from '../../core/preview/types';
import { walkArgs } from '../args';
import { EXIT_OK, EXIT_USAGE, type CliCommand, type CliIO } from '../io';
import { findModelDir, loadPreviewAssets, modelShas, nodeWasmRuntime, readReferenceDoc } from '../../host/ort-node';
import { loadAdvisorEvidence } from '../../host/evidence';
import { quoteEvidence } from '../../core/advisor/evidence';

export { unifiedDiff };

interface Args {
  target: number;
  finetune: boolean;
  steps?: number;
  engine?: Engine;
  original?: number;
  measure: boolean;
  budget?: number;
  method?: 'yarn';
  write: boolean;
  file: string;
}

function parseArgs(argv: string[]): Args | string {
  let target: string | undefined;
  const files: string[] = [];
  const out: Partial<Args> = { finetune: false, measure: false, write: false };
  const bad = walkArgs(argv, (a, value) => {
    if (a === '--target' || a === '-t') target = value();
    else if (a === '--write' || a === '-w') out.write = true;
    else if (a === '--finetune') out.finetune = true;
    else if (a === '--measure') out.measure = true;
    else if (a === '--steps') {
      const v = value();
      if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1) return `--steps needs a positive whole number, got ${v ?? 'nothing'}`;
      out.steps = Number(v);
      out.finetune = true;
    } else if (a === '--engine') {
      const v = value();
      if (!isEngine(v)) return `--engine needs one of ${ENGINE_IDS.join(', ')}, got ${v ?? 'nothing'}`;
      out.engine = v;
    } else if (a === '--original') {
      const p = parseContextLength(value() ?? '');
      if ('error' in p) return `--original: ${p.error}`;
      out.original = p.value;
    } else if (a === '--budget') {
      const v = value();
      if (v === undefined || !(Number(v) > 0)) return `--budget needs a positive number of seconds, got ${v ?? 'nothing'}`;
      out.budget = Number(v);
    } else if (a === '--method') {
      const v = value();
      if (v !== 'yarn') return `--method accepts only yarn (the plain YaRN extension), got ${v ?? 'nothing'}`;
      out.method = 'yarn';
    } else if (a.startsWith('-')) return `unknown option ${a}`;
    else files.push(a);
    return undefined;
  });
  if (bad) return bad;
  if (target === undefined) return '--target N is required (the context length to reach, e.g. 131072 or 128k)';
  const t = parseContextLength(target);
  if ('error' in t) return `--target: ${t.error}`;
  if (files.length !== 1) return `expected exactly one FILE (got ${files.length})`;
  if (out.method === 'yarn' && (out.finetune || out.engine || out.measure)) return '--method yarn takes no --finetune/--steps/--engine/--measure (it writes YaRN whatever they say)';
  return { ...out, target: t.value, file: files[0]! } as Args;
}

function writeOrDiff(io: CliIO, args: Args, text: string, edits: TextEdit[]): number {
  const after = applyEdits(text, edits);
  if (!args.write) {
    io.stdout(unifiedDiff(args.file, text, after));
    return EXIT_OK;
  }
  try {
    io.writeFile(args.file, after);
  } catch (e) {
    io.stderr(`ropelens suggest: cannot write '${args.file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return EXIT_USAGE;
  }
  io.stdout(`wrote ${args.file}\n`);
  return EXIT_OK;
}

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`ropelens suggest: ${args}\n`);
    return EXIT_USAGE;
  }
  let text: string;
  try {
    text = io.readFile(args.file);
  } catch (e) {
    io.stderr(`ropelens suggest: cannot read '${args.file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return EXIT_USAGE;
  }
  const doc = parseDocument(args.file, text);
  if (!doc.relevant) {
    io.stderr(`ropelens suggest: '${args.file}' does not look like a model config, script, recipe or serving command\n`);
    return EXIT_USAGE;
  }
  // ALiBi / learned-position models: advice on their own length limit, nothing to write (issue 13 item 5).
  const other = nonRopeAdvice(doc, args.target);
  if (other) {
    io.stdout(`${other}\n`);
    return EXIT_OK;
  }
  if (args.method === 'yarn') {
    const res = extendYarn(doc, doc.blocks[0], args.target);
    if (!res.ok) {
      io.stderr(`ropelens suggest: ${res.summary}\n`);
      return EXIT_USAGE;
    }
    io.stdout(`${res.summary}\n`);
    return writeOrDiff(io, args, text, res.edits);
  }
  const res = adviseFor(doc, doc.blocks[0], {
    target: args.target, finetune: args.finetune,
    ...(args.steps !== undefined ? { steps: args.steps } : {}),
    ...(args.engine ? { engine: args.engine } : {}),
    ...(args.original !== undefined ? { original: args.original } : {}),
  });
  if (!res.ok) {
    io.stderr(`ropelens suggest: ${res.error}\n`);
    return EXIT_USAGE;
  }
  let advice = res.advice;
  // Will fine-tune: the fine-tuned checkpoints' numbers; zero-shot: the reference cells, or a live run with --measure.
  if (args.finetune || !args.measure) {
    if (args.finetune && args.measure) io.stderr('ropelens suggest: --measure measures zero-shot; with --finetune the fine-tuned checkpoints\' measurements are quoted instead\n');
    advice = quoteEvidence(advice, args.finetune, res.engine, await loadAdvisorEvidence()).advice;
  } else {
    const skip = nothingToMeasure(advice);
    let m: Measurement | undefined;
    if (!skip) {
      let engine: PreviewEngine | undefined;
      try {
        const modelDir = findModelDir();
        const assets = loadPreviewAssets(modelDir);
        engine = new PreviewEngine(await nodeWasmRuntime(1), assets);
        const progress = ttyProgress(io, 'ropelens suggest --measure');
        const opts: MeasureOptions = { reference: await loadReference(readReferenceDoc(modelDir), assets.model, modelShas(modelDir)) };
        if (args.budget !== undefined) opts.budget = args.budget;
        if (progress.onProgress) opts.onProgress = progress.onProgress;
        if (io.interrupt) opts.signal = io.interrupt;
        try {
          m = await measureAdvice(engine, advice, res.engine, opts);
        } finally {
          progress.end();
        }
      } catch (e) {
        // Ctrl-C (cli/terminal.ts): the advice without numbers, said so.
        if (isPreviewError(e) && e.code === 'cancelled') io.stderr('ropelens suggest: measurement interrupted; advice without measurement\n');
        else {
          io.stderr(`ropelens suggest: measurement failed: ${isPreviewError(e) || e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
          return EXIT_USAGE;
        }
      } finally {
        await engine?.dispose();
      }
    }
    advice = withMeasurement(advice, m, skip);
  }
  const lines = [`Recommended: ${methodLabel(advice.method)} (runner-up: ${methodLabel(advice.runnerUp)}) for ${ENGINES[res.engine].label}`, '', advice.reason, ''];
  for (const n of advice.notes) lines.push(`note: ${n}`);
  for (const w of advice.warnings) lines.push(`warning: ${w}`);
  if (advice.engineFlags.length && doc.dialect !== 'shell') lines.push(`serve with: ${advice.engineFlags.join(' ')}`);
  io.stdout(lines.join('\n').replace(/\n+$/, '') + '\n\n');
  if (res.edits.length === 0) {
    io.stdout(advice.method === 'none'
      ? 'No change: plain RoPE needs no scaling block (an existing one is left as is).\n'
      : 'No change: the file already says this.\n');
    return EXIT_OK;
  }
  io.stdout(`${res.summary}\n`);
  return writeOrDiff(io, args, text, res.edits);
};
