// Extension entry: wiring only. The server does the analysis; commands.ts and languageClient.ts hold the rest.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerExtendContext } from './advisor/extendContext';
import { registerCommands } from './commands';
import { registerCopyAs } from './copyAs';
import { registerRealPreview } from './realPreview/command';
import { createLanguageClient, trackStatus } from './languageClient';
import { registerPreviewView } from './webview/previewView';
import { REQUEST_BLOCK_AT, type BlockAtParams, type BlockAtResult } from '../../common/protocol';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('RoPE Lens', { log: true });
  context.subscriptions.push(output);
  client = createLanguageClient(context, output);
  registerCommands(context, client, output);
  registerExtendContext(context, client);
  registerCopyAs(context, client);
  registerRealPreview(context, output);
  trackStatus(context, client);
  const lsp = client;
  const blockAt = (p: BlockAtParams) => lsp.sendRequest<BlockAtResult>(REQUEST_BLOCK_AT, p);
  context.subscriptions.push(registerPreviewView(context, blockAt, (s) => output.appendLine(s)));
  // Not awaited: the server starts in the background so activation stays short; failures go to the output channel.
  client.start().catch((e: unknown) => output.appendLine(`RoPE Lens server failed to start: ${String(e)}`));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
