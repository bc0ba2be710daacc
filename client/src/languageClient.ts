// The language client: how the server starts, which documents it sees, and the status it reports back.
import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { NOTIFY_STATUS, type StatusParams } from '../../common/protocol';
import { parseSettings } from '../../common/settings';
import { LANGUAGE_IDS } from '../../core/languages';

export const DOCUMENT_SELECTOR = [
  ...LANGUAGE_IDS.flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
    { scheme: 'vscode-vfs', language },
  ]),
  // Jupyter notebook code cells reach the server as Python documents of this scheme.
  { scheme: 'vscode-notebook-cell', language: 'python' },
];

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // The server pulls settings with workspace/configuration; this only makes the client announce changes.
    synchronize: {
      configurationSection: 'ropelens',
      // The project config and the transformers pin (host/projectConfig.ts) are re-read when these change.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{ropelens.toml,pyproject.toml,requirements*.txt}'),
    },
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationFailedHandler: (e) => {
      output.appendLine(`RoPE Lens server failed to start: ${String(e)}`);
      return false;
    },
  };
  return new LanguageClient('ropelens', 'RoPE Lens', serverOptions, clientOptions);
}

/**
 * The language status item (transformers version in use) and the `ropelens.activeHasRopeContext` context key
 * that shows "Extend context with YaRN…" and "Preview this block" only where they apply.
 */
export function trackStatus(context: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.languages.createLanguageStatusItem('ropelens.status', DOCUMENT_SELECTOR);
  item.name = 'RoPE Lens';
  item.command = { title: 'Show output', command: 'ropelens.showOutput' };
  context.subscriptions.push(item);
  const relevant = new Map<string, boolean>();
  // The version the server resolved per document (setting, project file, pin or default) and where it came from.
  const versions = new Map<string, { version: string; source?: string }>();

  const refresh = (): void => {
    const editor = vscode.window.activeTextEditor;
    const uri = editor?.document.uri;
    const settings = parseSettings(vscode.workspace.getConfiguration('ropelens', uri));
    const v = uri ? versions.get(uri.toString()) : undefined;
    item.text = settings.enable ? `transformers ${v?.version ?? settings.transformersVersion}` : 'RoPE Lens off';
    item.detail = `RoPE Lens describes this transformers release (${v?.source ?? 'setting ropelens.transformersVersion, else the project file or pin'})`;
    void vscode.commands.executeCommand('setContext', 'ropelens.activeHasRopeContext', uri ? relevant.get(uri.toString()) === true : false);
  };

  context.subscriptions.push(
    client.onNotification(NOTIFY_STATUS, (s: StatusParams) => {
      relevant.set(s.uri, s.relevant);
      versions.set(s.uri, { version: s.transformersVersion, ...(s.transformersSource ? { source: s.transformersSource } : {}) });
      refresh();
    }),
    vscode.window.onDidChangeActiveTextEditor(refresh),
    vscode.workspace.onDidCloseTextDocument((d) => {
      relevant.delete(d.uri.toString());
      versions.delete(d.uri.toString());
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ropelens')) refresh();
    }),
  );
  refresh();
}
