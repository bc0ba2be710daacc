// Client commands. Routine work is silent; messages appear only when the user asked for something and it failed.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CMD_EXTEND_YARN,
  CMD_IGNORE_RULE_IN_FILE,
  CMD_SERVER_BLOCK_INFO,
  CMD_SERVER_EXTEND_YARN,
  CMD_SHOW_RULE_DOC,
  type ExtendTargetInfo,
  type ExtendYarnArgs,
} from '../../common/protocol';
import { parseContextLength, withIgnoredRule } from '../../common/settings';
import { notificationText } from '../../core/markdown';

export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): void {
  // Command arguments come from menus, code actions and tests untyped; each handler narrows its own.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const reg = (id: string, fn: (...args: any[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };

  reg(CMD_EXTEND_YARN, async (uriArg?: string | vscode.Uri, blockPath?: string, targetArg?: number | string) => {
    const uri = uriArg ? uriArg.toString() : vscode.window.activeTextEditor?.document.uri.toString();
    if (!uri) return undefined;
    const info = (await client.sendRequest('workspace/executeCommand', {
      command: CMD_SERVER_BLOCK_INFO,
      arguments: [{ uri, blockPath }],
    })) as ExtendTargetInfo | null;
    if (!info?.relevant) {
      void vscode.window.showWarningMessage('RoPE Lens: this file has no model config or rope block to extend.');
      return undefined;
    }
    let target: number | undefined;
    if (targetArg !== undefined) {
      const p = parseContextLength(String(targetArg), info.currentContext);
      if ('error' in p) {
        void vscode.window.showErrorMessage(`RoPE Lens: ${p.error}`);
        return undefined;
      }
      target = p.value;
    } else {
      const current = info.currentContext;
      const text = await vscode.window.showInputBox({
        title: 'Extend context with YaRN',
        prompt: current ? `Target context length in tokens (the model handles ${current} now)` : 'Target context length in tokens',
        placeHolder: current ? String(current * 4) : '131072',
        value: current ? String(current * 4) : '',
        validateInput: (t) => {
          const p = parseContextLength(t, current);
          return 'error' in p ? p.error : undefined;
        },
      });
      if (text === undefined) return undefined;
      const p = parseContextLength(text, current);
      if ('error' in p) return undefined;
      target = p.value;
    }
    const args: ExtendYarnArgs = { uri, target, apply: true };
    if (info.blockPath !== undefined) args.blockPath = info.blockPath;
    if (blockPath !== undefined) args.blockPath = blockPath;
    const res = (await client.sendRequest('workspace/executeCommand', { command: CMD_SERVER_EXTEND_YARN, arguments: [args] })) as
      | { applied?: boolean; summary?: string; error?: string }
      | null;
    if (res?.error) void vscode.window.showErrorMessage(notificationText(`RoPE Lens: ${res.error}`));
    else if (res?.summary) vscode.window.setStatusBarMessage(`RoPE Lens: ${res.summary}`, 5000);
    return res;
  });

  reg(CMD_SHOW_RULE_DOC, async (ruleId?: string) => {
    // The bundled copy: offline, and the same text as the rule table.
    const doc = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules.md').with({ fragment: ruleId ?? '' });
    await vscode.commands.executeCommand('markdown.showPreview', doc);
  });

  reg(CMD_IGNORE_RULE_IN_FILE, async (uriArg: string | vscode.Uri, ruleId: string) => {
    if (!uriArg || !ruleId) return;
    const uri = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const config = vscode.workspace.getConfiguration('ropelens', uri);
    const key = folder ? vscode.workspace.asRelativePath(uri, false) : uri.fsPath;
    const inspected = config.inspect<Record<string, string[]>>('ignoredRules');
    const target = folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const current =
      target === vscode.ConfigurationTarget.WorkspaceFolder ? inspected?.workspaceFolderValue : target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue;
    await config.update('ignoredRules', withIgnoredRule(current ?? {}, key.replace(/\\/g, '/'), ruleId), target);
  });

  reg('ropelens.restartServer', async () => {
    await client.restart();
  });

  reg('ropelens.showOutput', () => output.show(true));
}
