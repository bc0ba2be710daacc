// Offline launcher: the extension-host suite inside code-server 4.100.3 (VS Code 1.100.3), driven by headless Chromium.
//   node test/e2e/build.mjs && node test/e2e/out/run-code-server.js      (npm run test:e2e:suite)
import { launchBrowser } from './browser';
import { exitWith, startCodeServer } from './code-server';
import { runSuiteInCodeServer } from './suite-in-code-server';

async function main(): Promise<number> {
  const t0 = Date.now();
  const cs = await startCodeServer();
  console.log(`e2e: code-server listening on ${cs.baseUrl} after ${Date.now() - t0} ms`);
  const browser = await launchBrowser();
  try {
    const t1 = Date.now();
    const code = await runSuiteInCodeServer(cs, browser);
    console.log(`e2e: extension-host suite exited with ${code} after ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    return code;
  } finally {
    await browser.close();
    cs.stop();
  }
}

exitWith('e2e', main);
