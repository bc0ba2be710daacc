// Runs the extension-host mocha suite (test/e2e/out/suite/index.js) inside code-server through the workbench
// `payload` route and returns the exit code the workbench reports through window.codeAutomationExit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from './browser';
import { relayConsole } from './browser';
import type { CodeServer } from './code-server';
import { REPO_ROOT } from './code-server';

export const SUITE_INDEX = join(REPO_ROOT, 'test', 'e2e', 'out', 'suite', 'index.js');

export async function runSuiteInCodeServer(cs: CodeServer, browser: Browser, timeoutMs = Number(process.env.E2E_SUITE_TIMEOUT_MS ?? 600_000)): Promise<number> {
  if (!existsSync(SUITE_INDEX)) throw new Error(`${SUITE_INDEX} is missing; run: node test/e2e/build.mjs`);
  if (!existsSync(join(REPO_ROOT, 'dist', 'client.js'))) throw new Error('dist/client.js is missing; run: npm run build');
  const workspace = cs.makeWorkspace('suite');
  const page = await browser.context.newPage();
  let report: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>((r) => (report = r));
  // Must be exposed before goto: the workbench looks it up once the tests finish.
  await page.exposeFunction('codeAutomationExit', (code: number) => report(Number(code)));
  relayConsole(page);
  // The payload route only loads the extension from vscode-remote:// URIs (file:// is silently ignored).
  const url = cs.workbenchUrl(workspace, [
    ['extensionDevelopmentPath', cs.remoteUri(REPO_ROOT)],
    ['extensionTestsPath', cs.remoteUri(SUITE_INDEX)],
  ]);
  await page.goto(url);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<number>((r) => {
    timer = setTimeout(() => {
      console.error(`e2e: no result from the extension host after ${timeoutMs} ms (see ${cs.logFile}, set E2E_KEEP=1 to keep it)`);
      r(124);
    }, timeoutMs);
  });
  const code = await Promise.race([exitCode, timeout]);
  clearTimeout(timer);
  await page.close().catch(() => undefined);
  return code;
}
