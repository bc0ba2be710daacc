// A minimal LSP client for tests: starts the BUILT dist/server.js over stdio and speaks the protocol.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ApplyWorkspaceEditRequest,
  type Diagnostic,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol';

export const SERVER = resolve(__dirname, '../../dist/server.js');

export class TestClient {
  readonly conn: MessageConnection;
  readonly proc: ChildProcess;
  /** What workspace/configuration answers for section `ropelens`. */
  settings: Record<string, unknown> = {};
  readonly texts = new Map<string, { text: string; version: number; languageId: string }>();
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private waiters: Array<{ uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  configurationRequests = 0;
  stderr = '';
  /** Edits the server asked to apply (workspace/applyEdit); applied to `texts` when `applyEdits` is set. */
  appliedEdits: unknown[] = [];

  constructor(env: Record<string, string> = {}) {
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ROPELENS_DEBOUNCE_MS: '20', ...env } });
    this.proc.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.latest.set(p.uri, p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri === p.uri && w.pred(p)) {
          w.resolve(p);
          return false;
        }
        return true;
      });
    });
    this.conn.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests++;
      return params.items.map((it) => (it.section === 'ropelens' ? this.settings : null));
    });
    this.conn.onRequest(ApplyWorkspaceEditRequest.type, (p) => {
      this.appliedEdits.push(p.edit);
      return { applied: true };
    });
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onNotification(() => {});
    this.conn.listen();
  }

  async initialize(rootUri: string | null = null): Promise<unknown> {
    const res = await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
      capabilities: {
        workspace: { configuration: true, applyEdit: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: {
          publishDiagnostics: { versionSupport: true, relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source'] } }, isPreferredSupport: true },
          completion: { completionItem: { snippetSupport: true } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    });
    await this.conn.sendNotification(InitializedNotification.type, {});
    return res;
  }

  /** The next diagnostics for `uri` that satisfy `pred` (or the latest already received, if it does). */
  diagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 5000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolveP, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({ uri, pred, resolve: (p) => (clearTimeout(t), resolveP(p)) });
    });
  }

  async open(uri: string, text: string, languageId = 'json'): Promise<void> {
    this.texts.set(uri, { text, version: 1, languageId });
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Full-text change (the server also takes incremental ones; the fuzz test sends those). */
  async change(uri: string, text: string): Promise<number> {
    const cur = this.texts.get(uri)!;
    const version = cur.version + 1;
    this.texts.set(uri, { ...cur, text, version });
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  async close(uri: string): Promise<void> {
    this.texts.delete(uri);
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async setSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { ropelens: settings } });
  }

  async shutdown(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    this.conn.dispose();
    if (this.proc.exitCode === null) this.proc.kill();
  }
}

/** Applies LSP TextEdits (any order, non-overlapping) to a text, the way an editor does. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: { line: number; character: number }) => (p.line >= starts.length ? text.length : Math.min(starts[p.line]! + p.character, text.length));
  const abs = edits.map((e) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s || b.e - a.e);
  let out = text;
  let last = Infinity;
  for (const x of abs) {
    if (x.e > last) throw new Error('overlapping edits');
    out = out.slice(0, x.s) + x.t + out.slice(x.e);
    last = x.s;
  }
  return out;
}

export function codes(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => String(d.code)).sort();
}
