// "Extend context…" on the server: the advice for a block or config (core/advisor), the edit that writes it, and —
// when asked — the preview engine's numbers for the top two methods, measured here (onnxruntime-web's Node build, as
// the CLI runs it) with progress notifications and LSP cancellation. The session stays warm between runs.
import type { CancellationToken } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { loadPreviewAssets, nodeWasmRuntime } from '../../../host/ort-node';
import { loadAdvisorEvidence } from '../../../host/evidence';
import { quoteEvidence } from '../../../core/advisor/evidence';
import type { EvidenceInput } from '../../../core/advisor/evidence';
import { adviseFor, isEngine } from '../../../core/advisor/apply';
import { engineOf, originalContext } from '../../../core/context';
import { measureAdvice, nothingToMeasure, withMeasurement, type Measurement } from '../../../core/advisor/measure';
import type { ParsedDocument, RopeBlock } from '../../../core/model';
import { PreviewEngine } from '../../../core/preview/engine';
import { isPreviewError } from '../../../core/preview/types';
import { lspEdits } from '../convert';
import { NOTIFY_ADVISE_PROGRESS, type AdviseArgs, type AdviseInfo, type AdviseResponse } from '../../../common/protocol';
import type { ServerState } from './diagnostics';

let preview: Promise<PreviewEngine> | undefined;
let evidence: Promise<EvidenceInput> | undefined;

function engineInstance(): Promise<PreviewEngine> {
  preview ??= nodeWasmRuntime(1).then((rt) => new PreviewEngine(rt, loadPreviewAssets()));
  preview.catch(() => (preview = undefined));
  return preview;
}

export function adviseInfo(parsed: ParsedDocument, block: RopeBlock | undefined): AdviseInfo {
  const info: AdviseInfo = { relevant: parsed.relevant, engine: engineOf(parsed, block) };
  if (block) info.blockPath = block.path;
  const o = originalContext(parsed, block);
  if (typeof o === 'string') info.error = o;
  else {
    info.original = o.value;
    info.originalSource = o.source;
  }
  return info;
}

export async function onAdvise(state: ServerState, doc: TextDocument, parsed: ParsedDocument, block: RopeBlock | undefined, arg: Partial<AdviseArgs>, token?: CancellationToken): Promise<AdviseResponse> {
  if (!parsed.relevant) return { error: 'This file does not look like a model config, script, recipe or serving command.' };
  if (typeof arg.blockPath === 'string' && !block) return { error: `No rope block at ${arg.blockPath}.` };
  if (arg.target === undefined) return { info: adviseInfo(parsed, block) };
  if (arg.engine !== undefined && !isEngine(arg.engine)) return { error: `Unknown engine "${String(arg.engine)}".` };
  const res = adviseFor(parsed, block, {
    target: Number(arg.target), finetune: arg.finetune === true,
    ...(arg.steps !== undefined ? { steps: Number(arg.steps) } : {}),
    ...(arg.engine ? { engine: arg.engine } : {}),
  });
  if (!res.ok) return { error: res.error };
  const out: AdviseResponse = { engine: res.engine, original: res.original, summary: res.summary, preview: res.preview, edit: { changes: { [doc.uri]: lspEdits(doc, res.edits) } } };
  // Will fine-tune: the fine-tuned checkpoints' numbers (a zero-shot run is not what a fine-tune gives); zero-shot
  // without a run: the reference cells.
  if (arg.finetune === true || !arg.measure) {
    evidence ??= loadAdvisorEvidence();
    const q = quoteEvidence(res.advice, arg.finetune === true, res.engine, await evidence);
    out.advice = q.advice;
    if (q.measurement) out.measurement = q.measurement;
    if (q.skipped) out.measureNote = q.skipped;
    else if (arg.measure) out.measureNote = 'With fine-tuning the fine-tuned checkpoints\' measurements are quoted; no zero-shot run.';
    return applyIfAsked(state, arg, res.edits.length, out);
  }
  let m: Measurement | undefined;
  let note: string | undefined = nothingToMeasure(res.advice);
  if (!note) {
    const ac = new AbortController();
    const sub = token?.onCancellationRequested(() => ac.abort());
    try {
      m = await measureAdvice(await engineInstance(), res.advice, res.engine, {
        signal: ac.signal,
        ...(typeof arg.budget === 'number' && arg.budget > 0 ? { budget: arg.budget } : {}),
        onProgress: (p) => void state.connection.sendNotification(NOTIFY_ADVISE_PROGRESS, { progressId: arg.progressId, done: p.done, total: p.total }),
      });
    } catch (e) {
      note = isPreviewError(e) && e.code === 'cancelled' ? 'Measurement cancelled.' : `Measurement failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    } finally {
      sub?.dispose();
    }
  }
  out.advice = withMeasurement(res.advice, m);
  if (m) out.measurement = m;
  if (note) out.measureNote = note;
  return applyIfAsked(state, arg, res.edits.length, out);
}

async function applyIfAsked(state: ServerState, arg: Partial<AdviseArgs>, edits: number, out: AdviseResponse): Promise<AdviseResponse> {
  if (arg.apply && edits) {
    const applied = await state.connection.workspace.applyEdit({ label: 'Extend context', edit: out.edit! });
    out.applied = applied.applied;
  }
  return out;
}
