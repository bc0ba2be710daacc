// Desktop launcher: the same extension-host suite under @vscode/test-electron (downloads VS Code into .vscode-test/).
// Works where update.code.visualstudio.com is reachable, or with VSCODE_EXECUTABLE_PATH pointing at a local VS Code.
// Offline it stops within a second with a clear message; use `npm run test:e2e` (code-server) there.
//   node test/e2e/build.mjs && node test/e2e/out/run-electron.js      (npm run test:electron)
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT } from './code-server';

const VSCODE_VERSION = process.env.VSCODE_VERSION ?? '1.100.3';

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'ropelens-electron-'));
  const workspace = join(root, 'workspace');
  cpSync(join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  try {
    await runTests({
      version: VSCODE_VERSION,
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: join(REPO_ROOT, 'test', 'e2e', 'out', 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${join(root, 'user-data')}`],
    });
    return 0;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|Failed to get|download/i.test(msg)) {
      console.error(
        `test:electron: could not download VS Code ${VSCODE_VERSION} (${msg.split('\n')[0]}).\n` +
          'This launcher needs update.code.visualstudio.com, or VSCODE_EXECUTABLE_PATH=/path/to/code.\n' +
          'Offline, run the same suite in code-server instead: npm run test:e2e',
      );
      return 2;
    }
    console.error(`test:electron: ${msg}`);
    return 1;
  } finally {
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().then((code) => process.exit(code));
