// "Preview on a real model…" (ropelens.previewRealModel): engine → GGUF / ONNX file or server URL + model name
// (+ optional launch command) → lengths, then the sweep runs here in the extension host (host/engines
// runRealPreview), never in the webview, with cancellable progress; the result opens as a markdown document with the
// CLI's text tables. Trusted workspaces only: it loads model files and can start processes. Scripted arguments
// ({ engine, model, url, launch, lengths, methods, budgetS }) skip every prompt so tests can drive it.
import * as vscode from 'vscode';
import { runRealPreview } from '../../../host/engines/index';
import { isPreviewError, type PreviewCell, type PreviewResult } from '../../../core/preview/types';
import { notificationText } from '../../../core/markdown';
import {
  DEFAULT_SERVER_URL, ENGINE_CHOICES, lengthsError, partialMarkdown, planRealPreview, resultMarkdown, UNTRUSTED_MESSAGE, urlError,
  type RealPreviewAnswers,
} from './plan';

export const CMD_PREVIEW_REAL_MODEL = 'ropelens.previewRealModel';
const TITLE = 'Preview on a real model';

export interface RealPreviewOutcome {
  result?: PreviewResult;
  /** Cells kept from a run that stopped early. */
  cells?: PreviewCell[];
  error?: string;
  /** The markdown shown. */
  markdown?: string;
}

async function pickFile(kind: 'GGUF' | 'ONNX'): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: `${TITLE}: the ${kind} model file`, canSelectMany: false, openLabel: 'Preview',
    filters: { [`${kind} model`]: [kind.toLowerCase()] },
  });
  return picked?.[0]?.fsPath;
}

async function ask(): Promise<RealPreviewAnswers | undefined> {
  const pick = await vscode.window.showQuickPick(ENGINE_CHOICES.map((c) => ({ label: c.label, detail: c.detail, id: c.id })), { title: `${TITLE} (1/3): engine` });
  if (!pick) return undefined;
  const a: RealPreviewAnswers = { engine: pick.id };
  if (pick.id === 'openai') {
    a.url = await vscode.window.showInputBox({ title: `${TITLE} (2/3): server URL`, value: DEFAULT_SERVER_URL, prompt: 'The OpenAI-compatible base URL (loopback unless you name another host)', validateInput: (t) => urlError(t) });
    if (a.url === undefined) return undefined;
    a.model = await vscode.window.showInputBox({ title: `${TITLE} (2/3): model name`, prompt: 'The model name the server serves (or the model path the launch command starts)', validateInput: (t) => (t.trim() ? undefined : 'a model name is needed') });
    if (a.model === undefined) return undefined;
    a.launch = await vscode.window.showInputBox({
      title: `${TITLE} (2/3): launch command (optional)`,
      prompt: 'Leave empty to use a server you run. Otherwise RoPE Lens starts, measures and stops one server per method: e.g. vllm serve {model} {ropeFlags} --port {port}',
    });
    if (a.launch === undefined) return undefined;
  } else {
    a.model = await pickFile(pick.id === 'llama.cpp' ? 'GGUF' : 'ONNX');
    if (a.model === undefined) return undefined;
  }
  a.lengths = await vscode.window.showInputBox({
    title: `${TITLE} (3/3): lengths`, prompt: 'Comma-separated, in the model\'s tokens (8k,16k,32k) or multiples of its context (1x,2x,4x); empty: the default multiples',
    validateInput: (t) => lengthsError(t),
  });
  if (a.lengths === undefined) return undefined;
  return a;
}

async function show(markdown: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(doc, { preview: false });
}

async function run(output: vscode.LogOutputChannel, scripted?: unknown): Promise<RealPreviewOutcome | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage(UNTRUSTED_MESSAGE);
    return { error: UNTRUSTED_MESSAGE };
  }
  const answers = typeof scripted === 'object' && scripted !== null ? (scripted as RealPreviewAnswers) : await ask();
  if (!answers) return undefined;
  const plan = planRealPreview(answers);
  if (!plan.ok) {
    void vscode.window.showErrorMessage(notificationText(`RoPE Lens: ${plan.error}`));
    return { error: plan.error };
  }
  if (plan.remote && scripted === undefined) {
    const go = await vscode.window.showWarningMessage(
      `RoPE Lens: the evaluation text and needles will be sent to ${new URL(plan.opts.url!).host}, which is not this machine.`, { modal: true }, 'Send');
    if (go !== 'Send') return undefined;
  }
  const cells = new Map<string, PreviewCell>();
  const keep = (c: PreviewCell): void => void cells.set(`${c.method}@${c.length}`, c);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `RoPE Lens: ${plan.title}`, cancellable: true },
    async (progress, token): Promise<RealPreviewOutcome> => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      let last = 0;
      try {
        const result = await runRealPreview(plan.opts, {
          signal: ac.signal,
          onCell: keep,
          onProgress: (p) => {
            keep(p.cell);
            const pct = p.total ? (100 * p.done) / p.total : 0;
            progress.report({ increment: pct - last, message: `${p.done}/${p.total} cells` });
            last = pct;
          },
        });
        const markdown = resultMarkdown(plan.title, result);
        output.info(markdown);
        await show(markdown);
        return { result, markdown };
      } catch (e) {
        const cancelled = ac.signal.aborted || (isPreviewError(e) && e.code === 'cancelled');
        const why = cancelled ? 'cancelled.' : isPreviewError(e) || e instanceof Error ? e.message.split('\n')[0]! : String(e);
        const kept = [...cells.values()];
        output.warn(`Preview on a real model (${plan.title}) stopped: ${why}`);
        if (!cancelled) void vscode.window.showErrorMessage(notificationText(`RoPE Lens: ${why}`));
        const markdown = kept.length ? partialMarkdown(plan.title, kept, why) : undefined;
        if (markdown) await show(markdown);
        return { cells: kept, error: why, ...(markdown ? { markdown } : {}) };
      } finally {
        sub.dispose();
      }
    },
  );
}

export function registerRealPreview(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(vscode.commands.registerCommand(CMD_PREVIEW_REAL_MODEL, (scripted?: unknown) => run(output, scripted)));
}
