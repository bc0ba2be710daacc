// "Extend context…": target length → fine-tune? → engine → measure? → recommendation (reason, notes, warnings,
// measured numbers) → Apply. The language server does the work (ropelens.server.advise: core/advisor + the preview
// engine); this file only asks and shows. Scripted arguments ({ target, finetune, engine, measure, apply }) skip
// every prompt so tests and the e2e suite can drive it.
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { CMD_EXTEND_CONTEXT, CMD_SERVER_ADVISE, NOTIFY_ADVISE_PROGRESS, type AdviseArgs, type AdviseResponse } from '../../../common/protocol';
import { parseContextLength } from '../../../common/settings';
import { notificationText } from '../../../core/markdown';

type Engine = NonNullable<AdviseArgs['engine']>;

export interface ScriptedExtendArgs {
  uri?: string;
  blockPath?: string;
  target?: number | string;
  /** true / false, or a rough number of steps. */
  finetune?: boolean | number;
  engine?: Engine;
  measure?: boolean;
  budget?: number;
  /** Apply without asking (scripted runs); otherwise the result is shown with Apply / Cancel. */
  apply?: boolean;
}

const ENGINES: Array<{ id: Engine; label: string }> = [
  { id: 'transformers', label: 'transformers' },
  { id: 'vllm', label: 'vLLM' },
  { id: 'sglang', label: 'SGLang' },
  { id: 'llama.cpp', label: 'llama.cpp' },
  { id: 'tgi', label: 'TGI' },
];

const TITLE = 'Extend context';

async function advise(client: LanguageClient, args: AdviseArgs, token?: vscode.CancellationToken): Promise<AdviseResponse | null> {
  return (await client.sendRequest(ExecuteCommandRequest.type, { command: CMD_SERVER_ADVISE, arguments: [args] }, token)) as AdviseResponse | null;
}

async function askTarget(original: number | undefined): Promise<number | undefined> {
  const presets = original ? [2, 4, 8].map((k) => ({ label: `${k}× — ${(original * k).toLocaleString('en-US')} tokens`, value: original * k })) : [];
  if (presets.length) {
    const pick = await vscode.window.showQuickPick([...presets, { label: 'Other length…', value: 0 }], {
      title: `${TITLE} (1/4): target length`, placeHolder: `The model was trained for ${original!.toLocaleString('en-US')} tokens`,
    });
    if (!pick) return undefined;
    if (pick.value) return pick.value;
  }
  const text = await vscode.window.showInputBox({
    title: `${TITLE} (1/4): target length`,
    prompt: original ? `Target context in tokens (trained: ${original}); 128k and 2x work too` : 'Target context in tokens (e.g. 131072 or 128k)',
    validateInput: (t) => {
      const p = parseContextLength(t, original);
      return 'error' in p ? p.error : undefined;
    },
  });
  if (text === undefined) return undefined;
  const p = parseContextLength(text, original);
  return 'error' in p ? undefined : p.value;
}

async function askFinetune(): Promise<{ finetune: boolean; steps?: number } | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'No', description: 'zero-shot: use the model as it is', value: { finetune: false } },
      { label: 'Yes, short', description: '~hundreds of steps', value: { finetune: true, steps: 300 } },
      { label: 'Yes, long', description: 'thousands of steps', value: { finetune: true, steps: 2000 } },
    ],
    { title: `${TITLE} (2/4): will you fine-tune at the new length?` },
  );
  return pick?.value;
}

async function askEngine(preselect: Engine): Promise<Engine | undefined> {
  const items = ENGINES.map((e) => ({ label: e.label, description: e.id === preselect ? 'this file' : '', value: e.id }));
  const first = items.findIndex((i) => i.value === preselect);
  if (first > 0) items.unshift(...items.splice(first, 1));
  const pick = await vscode.window.showQuickPick(items, { title: `${TITLE} (3/4): which engine will serve the model?` });
  return pick?.value;
}

async function askMeasure(): Promise<boolean | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'Yes', description: 'a few seconds on the bundled mini-model, in the background', value: true },
      { label: 'Skip', value: false },
    ],
    { title: `${TITLE} (4/4): measure the top two methods with the preview model?` },
  );
  return pick?.value;
}

function detail(res: AdviseResponse): string {
  const a = res.advice!;
  const lines = [a.reason];
  if (res.measureNote) lines.push('', res.measureNote);
  for (const n of a.notes) lines.push('', `Note: ${n}`);
  for (const w of a.warnings) lines.push('', `Warning: ${w}`);
  if (res.summary) lines.push('', `Change: ${res.summary}.`);
  return lines.join('\n');
}

function label(m: string): string {
  return { none: 'plain RoPE', dynamic: 'dynamic NTK', yarn: 'YaRN', linear: 'linear interpolation' }[m] ?? m;
}

async function runFlow(client: LanguageClient, uriArg: unknown, blockPathArg: unknown, scriptedArg: unknown): Promise<AdviseResponse | undefined> {
  // Accepts (uri, blockPath) from the code action, (uri, blockPath, {...}) or ({uri, ...}) from scripts.
  const s: ScriptedExtendArgs = (typeof uriArg === 'object' && uriArg !== null && !(uriArg instanceof vscode.Uri) ? uriArg : scriptedArg ?? {}) as ScriptedExtendArgs;
  const uri = typeof uriArg === 'string' ? uriArg : uriArg instanceof vscode.Uri ? uriArg.toString() : s.uri ?? vscode.window.activeTextEditor?.document.uri.toString();
  const blockPath = typeof blockPathArg === 'string' ? blockPathArg : s.blockPath;
  if (!uri) return undefined;
  const scripted = s.target !== undefined;
  const base: AdviseArgs = { uri, ...(blockPath !== undefined ? { blockPath } : {}) };
  const infoRes = await advise(client, base);
  const info = infoRes?.info;
  if (!info?.relevant) {
    void vscode.window.showWarningMessage(notificationText(`RoPE Lens: ${infoRes?.error ?? 'this file has no model config or rope block to extend.'}`));
    return infoRes ?? undefined;
  }
  if (info.blockPath !== undefined && base.blockPath === undefined) base.blockPath = info.blockPath;

  let target: number | undefined;
  if (scripted) {
    const p = parseContextLength(String(s.target), info.original);
    if ('error' in p) {
      void vscode.window.showErrorMessage(`RoPE Lens: ${p.error}`);
      return { error: p.error };
    }
    target = p.value;
  } else target = await askTarget(info.original);
  if (target === undefined) return undefined;
  const ft = scripted ? { finetune: s.finetune !== undefined && s.finetune !== false, ...(typeof s.finetune === 'number' ? { steps: s.finetune } : {}) } : await askFinetune();
  if (!ft) return undefined;
  const engine = scripted ? s.engine ?? info.engine : await askEngine(info.engine);
  if (!engine) return undefined;
  // Fine-tuning: the advice quotes the fine-tuned checkpoints' measurements; a zero-shot run would not inform it.
  const measure = scripted ? s.measure === true : ft.finetune ? false : await askMeasure();
  if (measure === undefined) return undefined;

  const progressId = `${Date.now()}-${Math.random()}`;
  const args: AdviseArgs = { ...base, target, finetune: ft.finetune, engine, measure, progressId, apply: scripted && s.apply === true };
  if (ft.steps !== undefined) args.steps = ft.steps;
  if (s.budget !== undefined) args.budget = s.budget;
  const res = measure
    ? await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'RoPE Lens: measuring on the mini-model', cancellable: true },
      async (progress, token) => {
        let last = 0;
        const sub = client.onNotification(NOTIFY_ADVISE_PROGRESS, (p: { progressId?: string; done: number; total: number }) => {
          if (p.progressId !== progressId || !p.total) return;
          const pct = (100 * p.done) / p.total;
          progress.report({ increment: pct - last, message: `${p.done}/${p.total} cells` });
          last = pct;
        });
        try {
          return await advise(client, args, token);
        } finally {
          sub.dispose();
        }
      },
    )
    : await advise(client, args);
  if (!res) return undefined;
  if (res.error || !res.advice) {
    void vscode.window.showErrorMessage(notificationText(`RoPE Lens: ${res.error ?? 'no advice'}`));
    return res;
  }
  if (scripted) return res;
  const a = res.advice;
  const hasEdit = Object.values(res.edit?.changes ?? {}).some((e) => e.length > 0);
  const choice = await vscode.window.showInformationMessage(
    `Recommended: ${label(a.method)}${a.method === 'none' ? '' : ` ×${+(a.ratio.toFixed(3))}`} (runner-up: ${label(a.runnerUp)})`,
    { modal: true, detail: detail(res) },
    ...(hasEdit ? ['Apply'] : []),
  );
  if (choice === 'Apply' && res.edit) {
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(res.edit);
    res.applied = await vscode.workspace.applyEdit(edit);
  }
  return res;
}

export function registerExtendContext(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(vscode.commands.registerCommand(CMD_EXTEND_CONTEXT, (a?: unknown, b?: unknown, c?: unknown) => runFlow(client, a, b, c)));
}
