// "Copy rope block as…": the server converts the block (core/convert.ts) for every engine; the user picks one and
// it goes to the clipboard. Scripted callers (tests) pass the target and get the text back.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CMD_COPY_AS, CMD_SERVER_CONVERT, type ConvertArgs, type ConvertResult } from '../../common/protocol';
import { notificationText } from '../../core/markdown';

type Conversion = NonNullable<ConvertResult['conversions']>[number];

async function convert(client: LanguageClient, uriArg?: string | vscode.Uri, blockPath?: string): Promise<ConvertResult | undefined> {
  const editor = vscode.window.activeTextEditor;
  const uri = uriArg ? uriArg.toString() : editor?.document.uri.toString();
  if (!uri) return undefined;
  const args: ConvertArgs = { uri };
  if (blockPath !== undefined) args.blockPath = blockPath;
  else if (editor && editor.document.uri.toString() === uri) args.offset = editor.document.offsetAt(editor.selection.active);
  return (await client.sendRequest('workspace/executeCommand', { command: CMD_SERVER_CONVERT, arguments: [args] })) as ConvertResult | undefined;
}

export function registerCopyAs(context: vscode.ExtensionContext, client: LanguageClient): void {
  const run = async (uriArg?: string | vscode.Uri, blockPath?: string, target?: string): Promise<Conversion | undefined> => {
    const res = await convert(client, uriArg, blockPath);
    if (!res?.conversions) {
      void vscode.window.showWarningMessage(notificationText(`RoPE Lens: ${res?.error ?? 'no rope block to copy.'}`));
      return undefined;
    }
    let chosen: Conversion | undefined;
    if (target !== undefined) {
      chosen = res.conversions.find((c) => c.target === target);
      if (!chosen) {
        void vscode.window.showErrorMessage(notificationText(`RoPE Lens: unknown target "${target}" (${res.conversions.map((c) => c.target).join(', ')}).`));
        return undefined;
      }
    } else {
      const items = res.conversions.map((c) => ({
        label: c.label,
        description: c.text ? (c.exact ? '' : 'approximate') : 'not expressible',
        detail: c.text ? c.text.split('\n')[0] : c.notes[0],
        conversion: c,
      }));
      const picked = await vscode.window.showQuickPick(items, { title: 'Copy rope block as…', placeHolder: 'Engine or config format' });
      chosen = picked?.conversion;
    }
    if (!chosen) return undefined;
    if (!chosen.text) {
      void vscode.window.showWarningMessage(notificationText(`RoPE Lens: ${chosen.label} cannot express this block. ${chosen.notes.join(' ')}`));
      return chosen;
    }
    await vscode.env.clipboard.writeText(chosen.text);
    const caveat = chosen.exact ? '' : ' (approximate: see the notes in the picker)';
    vscode.window.setStatusBarMessage(`RoPE Lens: copied as ${chosen.label}${caveat}`, 5000);
    return chosen;
  };
  context.subscriptions.push(vscode.commands.registerCommand(CMD_COPY_AS, run));
}
