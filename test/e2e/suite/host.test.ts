// Proves the harness itself: we are inside a real VS Code 1.100 extension host with RoPE Lens loaded.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor } from './wait';

describe('extension host', () => {
  it('runs VS Code 1.100 with RoPE Lens installed and a workspace open', async () => {
    assert.match(vscode.version, /^1\.100\./);
    const ext = await waitFor('the ropelens extension to be registered', () => vscode.extensions.getExtension('ropelens.ropelens'));
    assert.equal(ext.packageJSON.name, 'ropelens');
    assert.ok(vscode.workspace.workspaceFolders?.length, 'a workspace folder is open');
  });
});
