// The "RoPE Lens: Preview" sidebar view: hosts the webview (media/src/main.ts), keeps it fed with the rope block
// under the cursor, and exposes "Preview this block" plus two internal commands used by end-to-end tests.
import * as vscode from 'vscode';
import { checkFromWebview, checkToWebview, type BlockInfo, type RunRequest, type RunSummary, type ToWebview } from '../../../media/src/protocol';
import { parseSettings, type PreviewBackend } from '../../../common/settings';
import type { BlockAtParams, BlockAtResult } from '../../../common/protocol';
import { buildHtml, makeNonce } from './html';

export const PREVIEW_VIEW_ID = 'ropelens.preview';
const BLOCK_DEBOUNCE_MS = 150;
const RUN_TIMEOUT_MS = 10 * 60_000;

/** Where a command asked for a block: a document and an offset (or the block's JSON pointer). */
export interface BlockTarget {
  uri?: string;
  offset?: number;
  path?: string;
}

interface Waiter {
  resolve: (s: RunSummary) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

class PreviewViewProvider implements vscode.WebviewViewProvider {
  private view?: vscode.WebviewView;
  private ready = false;
  private queue: ToWebview[] = [];
  private block: BlockInfo | null = null;
  private waiters: Waiter[] = [];
  private readyWaiters: Array<() => void> = [];
  lastResult: RunSummary | undefined;
  /** Called each time VS Code resolves the view (it is opened, or re-created after being disposed). */
  onResolve: () => void = () => undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: (s: string) => void,
    /** Asks the language server (REQUEST_BLOCK_AT): the extension host parses nothing itself. */
    private readonly blockAt: (p: BlockAtParams) => Promise<BlockAtResult>,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const media = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    const model = vscode.Uri.joinPath(this.extensionUri, 'media', 'model');
    view.webview.options = { enableScripts: true, localResourceRoots: [media, model] };
    const w = view.webview;
    const asUri = (...p: string[]) => w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    w.html = buildHtml({
      cspSource: w.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'media', 'webview.js'),
      styleUris: [asUri('dist', 'media', 'webview.css')],
      ortBaseUri: `${asUri('dist', 'media', 'ort')}/`,
      modelUri: asUri('media', 'model', 'ropelens-mini.onnx'),
      evalUri: asUri('media', 'model', 'eval.txt'),
      needlesUri: asUri('media', 'model', 'needles.json'),
      // core/preview/reference.ts REFERENCE_FILE (named here so the client bundle does not pull in the engine).
      referenceUri: asUri('media', 'model', 'preview-reference.json'),
      boot: this.settingsBoot(),
    });
    w.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    view.onDidDispose(() => {
      // The webview's JavaScript (and any run in it) is gone: settle everyone waiting on it.
      this.view = undefined;
      this.ready = false;
      this.failWaiters('The preview view was closed; the run was cancelled.');
    });
    this.onResolve();
  }

  /** The view exists: only then is the block under the cursor worth parsing for. */
  get resolved(): boolean {
    return this.view !== undefined;
  }

  get hasBlock(): boolean {
    return this.block !== null;
  }

  private settingsBoot(): { backend: PreviewBackend; transformersVersion: string; budget: number } {
    const cfg = vscode.workspace.getConfiguration('ropelens');
    const s = parseSettings({ 'preview.backend': cfg.get('preview.backend'), 'preview.budgetSeconds': cfg.get('preview.budgetSeconds'), transformersVersion: cfg.get('transformersVersion') });
    return { backend: s.previewBackend, transformersVersion: s.transformersVersion, budget: s.previewBudgetSeconds };
  }

  private receive(raw: unknown): void {
    const c = checkFromWebview(raw);
    if (!c.ok) {
      this.log(`preview: ignored a malformed message from the webview (${c.error})`);
      return;
    }
    const m = c.msg;
    switch (m.t) {
      case 'ready': {
        this.ready = true;
        const s = this.settingsBoot();
        const pending = this.queue;
        this.queue = [];
        void this.view?.webview.postMessage({ t: 'settings', backend: s.backend, transformersVersion: s.transformersVersion, budget: s.budget } satisfies ToWebview);
        void this.view?.webview.postMessage({ t: 'block', block: this.block } satisfies ToWebview);
        for (const q of pending) void this.view?.webview.postMessage(q);
        for (const r of this.readyWaiters.splice(0)) r();
        break;
      }
      case 'status':
        if (m.state === 'error' && m.message) this.log(`preview: ${m.message}`);
        break;
      case 'result':
        this.lastResult = m.summary;
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.resolve(m.summary);
        }
        break;
    }
  }

  private failWaiters(msg: string): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error(msg));
    }
  }

  /** Posts now when the webview is ready, else after its "ready" (messages to a view not yet loaded are lost). */
  post(msg: ToWebview): void {
    if (this.view && this.ready) void this.view.webview.postMessage(msg);
    else if (msg.t !== 'block') this.queue.push(msg); // the latest block is sent on ready anyway
  }

  setBlock(block: BlockInfo | null): void {
    if (JSON.stringify(block) === JSON.stringify(this.block)) return;
    this.block = block;
    this.post({ t: 'block', block });
  }

  pushSettings(): void {
    const s = this.settingsBoot();
    this.post({ t: 'settings', backend: s.backend, transformersVersion: s.transformersVersion, budget: s.budget });
  }

  /** Reveals the view and resolves once its webview has said "ready". */
  async reveal(preserveFocus = true): Promise<void> {
    if (!this.view) await vscode.commands.executeCommand(`${PREVIEW_VIEW_ID}.focus`, { preserveFocus });
    else this.view.show(preserveFocus);
    if (this.ready) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('The preview view did not load within 30 s.')), 30_000);
      this.readyWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async run(args: unknown): Promise<RunSummary> {
    const c = checkToWebview({ t: 'run', request: args ?? {} });
    if (!c.ok || c.msg.t !== 'run') throw new Error(`ropelens.preview.run: ${c.ok ? 'bad request' : c.error}`);
    const request: RunRequest = c.msg.request;
    await this.reveal();
    const done = new Promise<RunSummary>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('The preview run did not finish within 10 minutes.')), RUN_TIMEOUT_MS);
      this.waiters.push({ resolve, reject, timer });
    });
    this.post({ t: 'run', request });
    return done;
  }

  /** The block under the active editor's cursor (null = that editor has none; undefined = no text editor). */
  async blockOfEditor(editor: vscode.TextEditor | undefined): Promise<BlockInfo | null | undefined> {
    if (!editor) return undefined;
    const doc = editor.document;
    return this.blockAt({ uri: doc.uri.toString(), offset: doc.offsetAt(editor.selection.active) });
  }

  async blockOfTarget(t: BlockTarget): Promise<BlockInfo | null> {
    if (!t.uri) return (await this.blockOfEditor(vscode.window.activeTextEditor)) ?? null;
    // Opening it syncs the document to the server (a no-op when it is open already).
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(t.uri));
    const params: BlockAtParams = { uri: doc.uri.toString() };
    if (t.offset !== undefined) params.offset = t.offset;
    if (t.path !== undefined) params.path = t.path;
    return this.blockAt(params);
  }
}

function targetOf(arg: unknown): BlockTarget {
  if (arg instanceof vscode.Uri) return { uri: arg.toString() };
  if (typeof arg === 'object' && arg !== null) {
    const a = arg as Record<string, unknown>;
    const t: BlockTarget = {};
    if (typeof a.uri === 'string') t.uri = a.uri;
    else if (a.uri instanceof vscode.Uri) t.uri = a.uri.toString();
    if (typeof a.offset === 'number') t.offset = a.offset;
    if (typeof a.path === 'string') t.path = a.path;
    return t;
  }
  return {};
}

/**
 * Registers the view, "Preview this block" (`ropelens.previewBlock`, args: none | Uri | {uri, offset?, path?}),
 * and the test commands `ropelens.preview.run` ({methods?, lengths?, backend?, factorPolicy?, budget?}) and
 * `ropelens.preview.lastResult`. Called once from the extension's activate().
 */
export function registerPreviewView(
  context: vscode.ExtensionContext,
  blockAt: (p: BlockAtParams) => Promise<BlockAtResult>,
  log: (s: string) => void = () => undefined,
): vscode.Disposable {
  const provider = new PreviewViewProvider(context.extensionUri, log, blockAt);
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Answers can arrive out of order; only the latest cursor position's answer is shown.
  let asked = 0;
  const follow = () => {
    if (!provider.resolved) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const ticket = ++asked;
      provider.blockOfEditor(vscode.window.activeTextEditor).then(
        (b) => {
          // No text editor (focus in a panel or in the view itself): keep the block shown.
          if (ticket === asked && b !== undefined) provider.setBlock(b);
        },
        (e: unknown) => log(`preview: could not read the block under the cursor (${e instanceof Error ? e.message : String(e)})`),
      );
    }, BLOCK_DEBOUNCE_MS);
  };
  const subs: vscode.Disposable[] = [
    // Retained while hidden: the ONNX session is expensive to rebuild and a run keeps going in the background.
    vscode.window.registerWebviewViewProvider(PREVIEW_VIEW_ID, provider, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.window.onDidChangeActiveTextEditor(follow),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor === vscode.window.activeTextEditor) follow();
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) follow();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ropelens.preview') || e.affectsConfiguration('ropelens.transformersVersion')) provider.pushSettings();
    }),
    vscode.commands.registerCommand('ropelens.previewBlock', async (arg?: unknown) => {
      const block = await provider.blockOfTarget(targetOf(arg));
      if (!block) {
        void vscode.window.showInformationMessage('RoPE Lens: no rope_scaling / rope_parameters block here to preview.');
      } else provider.setBlock(block);
      await provider.reveal(false);
    }),
    vscode.commands.registerCommand('ropelens.preview.run', (args?: unknown) => provider.run(args)),
    vscode.commands.registerCommand('ropelens.preview.lastResult', () => provider.lastResult),
    { dispose: () => timer && clearTimeout(timer) },
  ];
  // A block chosen with "Preview this block" before the view opened stays; otherwise show the cursor's block.
  provider.onResolve = () => {
    if (!provider.hasBlock) follow();
  };
  const all = vscode.Disposable.from(...subs);
  context.subscriptions.push(all);
  return all;
}
