// Entry point the extension host calls (extensionTestsPath): runs every *.test.js beside this file with mocha.
// The same shape works for @vscode/test-electron and for code-server's payload route.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

// Same marker as SUITE_MARK in ../browser.ts: the code-server launcher relays only these lines from the workbench console.
const MARK = '[ropelens-e2e] ';

export function run(): Promise<void> {
  // Reporters print through Base.consoleLog; one marked console line per printed line.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    for (const line of format(...args).split('\n')) console.log(MARK + line);
  };
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 90_000, reporter: 'spec' });
  const grep = process.env.E2E_GREP;
  if (grep) mocha.grep(grep);
  for (const f of readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} e2e test(s) failed`)) : resolve()));
  });
}
